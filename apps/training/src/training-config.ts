import { availableParallelism } from 'node:os';
import { SCENARIOS, type Scenario } from './dataset';
import { MODEL_FAMILIES, type ModelFamily } from './train';

/** Where a run's data comes from: an image manifest, the synthetic Wang 2016 cohort, or a feature table. */
export type TrainingSource =
  | { kind: 'manifest'; path: string; labelColumn?: string; roiUnits?: 'mm' | 'px' }
  | { kind: 'synthetic'; n: number; dir?: string; labelColumn?: undefined; roiUnits?: undefined }
  | { kind: 'table'; path: string; label: string; split?: string; positive?: string };

/** Everything one training run needs; built from CLI flags or a POST /jobs body by `parseTrainingConfig`. */
export interface TrainingConfig {
  source: TrainingSource;
  seed: number;
  /** Model repository to write to. */
  out: string;
  reportsDir: string;
  models: ModelFamily[];
  scenarios: Scenario[];
  workers: number;
  /** Feature cache folder; null disables the cache. */
  cacheDir: string | null;
  cvFolds: number;
  /** Tiny grids and few epochs: smoke runs and tests. */
  quick: boolean;
  /** The command line or job that asked for this run, recorded in the report. */
  command?: string;
}

/** Invalid training options; `problems` lists every one found. */
export class TrainingConfigError extends Error {
  readonly code = 'INVALID_JOB';
  constructor(readonly problems: string[]) {
    super(`invalid training options: ${problems.join('; ')}`);
    this.name = 'TrainingConfigError';
  }
}

/** The raw options, as the CLI flags or JSON job body name them. */
export interface TrainingOptionsInput {
  data?: unknown;
  n?: unknown;
  features?: unknown;
  label?: unknown;
  split?: unknown;
  positive?: unknown;
  labelColumn?: unknown;
  roiUnits?: unknown;
  seed?: unknown;
  out?: unknown;
  reports?: unknown;
  models?: unknown;
  scenarios?: unknown;
  workers?: unknown;
  cache?: unknown;
  cvFolds?: unknown;
  quick?: unknown;
  command?: unknown;
}

const DEFAULT_SEED = 2016;

/**
 * Validates training options (strings from the CLI or JSON values from the job API) into a config.
 * Every problem is collected and reported together; nothing runs on a bad config.
 */
export function parseTrainingConfig(input: TrainingOptionsInput): TrainingConfig {
  const problems: string[] = [];
  const str = (v: unknown, name: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length === 0) {
      problems.push(`${name} must be a non-empty string`);
      return undefined;
    }
    return v;
  };
  const int = (v: unknown, name: string, min: number, max: number, fallback: number): number => {
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
      return fallback;
    }
    return n;
  };
  const list = <T extends string>(
    v: unknown,
    name: string,
    allowed: readonly T[],
    fallback: readonly T[],
  ): T[] => {
    if (v === undefined || v === null) return [...fallback];
    const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
    if (!Array.isArray(items) || items.length === 0 || items.some((s) => typeof s !== 'string')) {
      problems.push(`${name} must be a comma-separated list of ${allowed.join(', ')}`);
      return [...fallback];
    }
    const unknown = items.filter((s) => !allowed.includes(s as T));
    if (unknown.length > 0)
      problems.push(`${name}: unknown ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
    return [...new Set(items as T[])].filter((s) => allowed.includes(s));
  };

  const data = str(input.data, 'data');
  const features = str(input.features, 'features');
  const seed = int(input.seed, 'seed', 0, 0xffffffff, DEFAULT_SEED);
  let source: TrainingSource | undefined;
  if ((data === undefined) === (features === undefined)) {
    problems.push('give exactly one of --data MANIFEST.csv|synthetic and --features TABLE.csv');
  } else if (features !== undefined) {
    const label = str(input.label, 'label');
    if (label === undefined) problems.push('--features needs --label COLUMN');
    source = {
      kind: 'table',
      path: features,
      label: label ?? '',
      split: str(input.split, 'split'),
      positive: str(input.positive, 'positive'),
    };
  } else if (data === 'synthetic') {
    source = { kind: 'synthetic', n: int(input.n, 'n', 10, 100_000, 1204) };
  } else {
    const roiUnits = str(input.roiUnits, 'roi-units');
    if (roiUnits !== undefined && roiUnits !== 'mm' && roiUnits !== 'px')
      problems.push('--roi-units must be mm or px');
    source = {
      kind: 'manifest',
      path: data as string,
      labelColumn: str(input.labelColumn, 'label-column'),
      roiUnits: roiUnits as 'mm' | 'px' | undefined,
    };
  }
  if (source?.kind !== 'table' && (input.label !== undefined || input.split !== undefined)) {
    problems.push('--label and --split go with --features');
  }
  const cache = input.cache;
  const config: TrainingConfig = {
    source: source as TrainingSource,
    seed,
    out: str(input.out, 'out') ?? 'models',
    reportsDir: str(input.reports, 'reports') ?? 'reports',
    models: list(input.models, 'models', MODEL_FAMILIES, ['sae', 'svm', 'knn', 'lda']),
    scenarios: list(input.scenarios, 'scenarios', SCENARIOS, SCENARIOS),
    workers: int(input.workers, 'workers', 1, 64, Math.max(1, availableParallelism() - 1)),
    cacheDir: cache === false || cache === 'none' ? null : (str(cache, 'cache') ?? '.cache/features'),
    cvFolds: int(input.cvFolds, 'cv-folds', 2, 20, 10),
    quick: input.quick === true || input.quick === 'true',
    command: typeof input.command === 'string' ? input.command : undefined,
  };
  if (problems.length > 0) throw new TrainingConfigError(problems);
  return config;
}
