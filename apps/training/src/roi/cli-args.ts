import { parseArgs } from 'node:util';
import { ROI_COHORTS, type RoiCohort } from './dataset';
import { RoiError } from './errors';
import type { RoiTrainingConfig } from './run-roi';

export const ROI_USAGE = `usage: npm run train:roi -- [--cohort dcis-idc|wang2016|both] [--n N] [--seed S] [--out models]
       [--reports reports] [--quick] [--members K] [--backbone FILE.onnx --embedding-output NAME]
  --cohort     dcis-idc: DCIS vs IDC (deep, clinical, combined); wang2016: benign vs malignant MC ROIs
               (CNNs + ensemble); both (default)
  --n N        cohort size (default 294 for dcis-idc, 1204 for wang2016 of which the MC cases are used;
               --quick: 40 and 80)
  --seed S     seed of the phantoms and of every model (default 2025)
  --out DIR    model repository (default models); --reports DIR (default reports)
  --quick      tiny CNN and few epochs: a smoke run, not a result
  --members K  CNNs in the benign/malignant ensemble (default 3; --quick 2)
  --backbone   a frozen ONNX image backbone for the DCIS/IDC models instead of training the CNN; its
               --embedding-output (default 'embedding') must be a global average pool of feature maps`;

/** Default seed of `npm run train:roi`. */
export const DEFAULT_ROI_SEED = 2025;

/**
 * Parses the command line of `npm run train:roi`.
 *
 * @param argv - Arguments after the script name.
 * @returns The run configuration (command line included).
 * @throws RoiError `INVALID_OPTION` for an unknown option, a bad cohort, number or seed.
 */
export function parseRoiArgs(argv: readonly string[]): RoiTrainingConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cohort: { type: 'string' },
        n: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        reports: { type: 'string' },
        quick: { type: 'boolean' },
        members: { type: 'string' },
        backbone: { type: 'string' },
        'embedding-output': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new RoiError('INVALID_OPTION', (error as Error).message);
  }
  const cohortText = (values.cohort as string | undefined) ?? 'both';
  const cohorts: RoiCohort[] =
    cohortText === 'both'
      ? [...ROI_COHORTS]
      : ROI_COHORTS.includes(cohortText as RoiCohort)
        ? [cohortText as RoiCohort]
        : [];
  if (cohorts.length === 0)
    throw new RoiError('INVALID_OPTION', `--cohort must be dcis-idc, wang2016 or both, got '${cohortText}'`);
  const integer = (name: string, text: string | undefined, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max)
      throw new RoiError('INVALID_OPTION', `--${name} must be an integer in ${min}–${max}, got '${text}'`);
    return value;
  };
  const n = integer('n', values.n as string | undefined, 8, 100_000);
  if (values['embedding-output'] !== undefined && values.backbone === undefined)
    throw new RoiError('INVALID_OPTION', '--embedding-output needs --backbone');
  return {
    cohorts,
    n: n === undefined ? undefined : Object.fromEntries(cohorts.map((c) => [c, n])),
    seed: integer('seed', values.seed as string | undefined, 0, 0xffffffff) ?? DEFAULT_ROI_SEED,
    out: values.out as string | undefined,
    reports: values.reports as string | undefined,
    quick: (values.quick as boolean | undefined) ?? false,
    members: integer('members', values.members as string | undefined, 1, 10),
    backbonePath: values.backbone as string | undefined,
    embeddingOutput: values['embedding-output'] as string | undefined,
    command: argv.length > 0 ? `npm run train:roi -- ${argv.join(' ')}` : 'npm run train:roi',
  };
}
