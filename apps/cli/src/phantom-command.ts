/**
 * The `npm run phantom` command as a function: generates a folder of synthetic mammograms (DICOM + PNG
 * + truth JSON per image, and manifest.csv). Kept apart from the entry point so tests can run it.
 */
import { parseArgs } from 'node:util';
import {
  COHORT_NAMES,
  type CohortName,
  cohortSpecs,
  mixedSpecs,
  type PhantomSize,
  writePhantomDataset,
} from '@calcscope/phantom';

export const PHANTOM_USAGE = `usage: npm run phantom -- --out DIR --n N --seed S [--size 1024|full] [--cohort wang2016|dcis-idc]

  --out DIR      folder to write <id>.dcm, <id>.png, <id>.truth.json and manifest.csv into (created)
  --n N          number of images, 1–100000 (wang2016 at 1204 and dcis-idc at 294 give the papers' counts)
  --seed S       integer seed 0–4294967295; the same arguments always give byte-identical files
  --size         1024 (1024×1024, 8-bit, 0.1 mm; default) or full (3328×4096, 12-bit, 0.07 mm)
  --cohort       wang2016 or dcis-idc (clinical variables and splits per the papers); default: a mix of
                 lesion types and labels
`;

/** Parsed and validated arguments. */
export interface PhantomArgs {
  readonly out: string;
  readonly n: number;
  readonly seed: number;
  readonly size: PhantomSize;
  readonly cohort: CohortName | null;
}

/** What the command printed and its exit status (0 ok, 2 bad arguments, 1 failure while writing). */
export interface PhantomCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command-line mistake; reported with the usage and exit status 2. */
export class PhantomUsageError extends Error {
  readonly code = 'usage';
}

/**
 * Parses and validates the arguments.
 *
 * @param argv - arguments after the script name.
 * @returns the arguments, or 'help' for --help / -h.
 * @throws PhantomUsageError with a message naming the offending option.
 */
export function parsePhantomArgs(argv: readonly string[]): PhantomArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string' },
        n: { type: 'string' },
        seed: { type: 'string' },
        size: { type: 'string' },
        cohort: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new PhantomUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (positionals.length > 0) throw new PhantomUsageError(`unexpected argument "${positionals[0]}"`);
  const out = values.out;
  if (typeof out !== 'string' || out.trim() === '') throw new PhantomUsageError('--out DIR is required');
  const n = integerOption('n', values.n, 1, 100_000);
  const seed = integerOption('seed', values.seed, 0, 0xffffffff);
  const size = values.size ?? '1024';
  if (size !== '1024' && size !== 'full')
    throw new PhantomUsageError(`--size must be 1024 or full, got "${size}"`);
  const cohort = values.cohort;
  if (cohort !== undefined && !COHORT_NAMES.includes(cohort as CohortName)) {
    throw new PhantomUsageError(`--cohort must be ${COHORT_NAMES.join(' or ')}, got "${cohort}"`);
  }
  return { out, n, seed, size, cohort: (cohort as CohortName | undefined) ?? null };
}

function integerOption(name: string, value: string | boolean | undefined, min: number, max: number): number {
  if (value === undefined) throw new PhantomUsageError(`--${name} is required`);
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new PhantomUsageError(`--${name} must be a whole number, got "${value}"`);
  }
  const number = Number(value);
  if (number < min || number > max)
    throw new PhantomUsageError(`--${name} must be ${min}–${max}, got ${value}`);
  return number;
}

/** "1m05s" / "12s" for a number of seconds. */
function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Runs the phantom command.
 *
 * @param argv - arguments after the script name.
 * @param progress - where progress lines go while running (default: process.stderr); a TTY gets one
 *   rewritten line, anything else a line per 10%.
 * @returns exit status and the text for stdout / stderr (progress excluded).
 */
export async function phantomCommand(
  argv: readonly string[],
  progress: { write(text: string): unknown; isTTY?: boolean } = process.stderr,
): Promise<PhantomCommandResult> {
  let args: PhantomArgs | 'help';
  try {
    args = parsePhantomArgs(argv);
  } catch (error) {
    if (error instanceof PhantomUsageError) {
      return { code: 2, stdout: '', stderr: `phantom: ${error.message}\n${PHANTOM_USAGE}` };
    }
    throw error;
  }
  if (args === 'help') return { code: 0, stdout: PHANTOM_USAGE, stderr: '' };
  const specs = args.cohort
    ? cohortSpecs(args.cohort, args.n, args.seed, { size: args.size })
    : mixedSpecs(args.n, args.seed, { size: args.size });
  let lastDecile = -1;
  const rows = await writePhantomDataset(specs, args.out, (done, total, elapsed) => {
    const eta = (elapsed / done) * (total - done);
    const line = `phantom: ${done}/${total} (${Math.round((100 * done) / total)}%) elapsed ${formatSeconds(elapsed)} ETA ${formatSeconds(eta)}`;
    if (progress.isTTY) {
      progress.write(`\r${line}${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor((10 * done) / total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        progress.write(`${line}\n`);
      }
    }
  });
  const what = args.cohort ? `cohort ${args.cohort}` : 'mixed lesion types';
  return {
    code: 0,
    stdout: `wrote ${rows.length} phantoms (${what}, size ${args.size}, seed ${args.seed}) to ${args.out}; manifest: manifest.csv\n`,
    stderr: '',
  };
}
