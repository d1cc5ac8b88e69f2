/**
 * SPLIT.json: `{"train": [row indices], "test": [row indices]}`, the user's own train/test partition of
 * a feature table (0-based data-row indices: index 0 is the first row below the header).
 */
import { readFile } from 'node:fs/promises';
import { DatasetError, type DatasetProblem } from './errors';

/** A train/test partition of row indices. */
export interface TrainTestIndices {
  /** Sorted ascending. */
  readonly train: Uint32Array;
  /** Sorted ascending, disjoint from train. */
  readonly test: Uint32Array;
}

/** How many indices a problem message spells out. */
const INDICES_SHOWN = 10;

/**
 * Validates a parsed SPLIT.json against a table of `rows` rows and labels `y`.
 *
 * Rules: an object with exactly the keys "train" and "test", each a non-empty array of integers in
 * [0, rows), no index twice in one array, no index in both; the training rows must hold both classes.
 * Rows in neither array take part in neither training nor testing.
 *
 * Parameters
 * ----------
 * json : the parsed file.
 * rows : number of data rows of the table.
 * y : the rows' labels (0/1), for the class check.
 *
 * Returns the sorted indices, or the problems (row 0: they concern the file, not a table row).
 */
export function validateSplit(
  json: unknown,
  rows: number,
  y: ArrayLike<number>,
): { split: TrainTestIndices | null; problems: DatasetProblem[] } {
  const problems: DatasetProblem[] = [];
  const fail = (message: string) => problems.push({ row: 0, message });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('SPLIT.json must be an object {"train": [...], "test": [...]}');
    return { split: null, problems };
  }
  const record = json as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => k !== 'train' && k !== 'test');
  if (unknown.length > 0)
    fail(`unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')} (only "train" and "test")`);
  const parts: Record<'train' | 'test', number[] | null> = { train: null, test: null };
  for (const key of ['train', 'test'] as const) {
    const value = record[key];
    if (!Array.isArray(value)) {
      fail(`"${key}" must be an array of row indices`);
      continue;
    }
    if (value.length === 0) fail(`"${key}" is empty`);
    const bad = value.filter((v) => !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < rows));
    if (bad.length > 0) {
      fail(
        `"${key}" has ${bad.length} value(s) that are not integer row indices in [0, ${rows}): ${show(bad)}`,
      );
      continue;
    }
    const sorted = [...(value as number[])].sort((a, b) => a - b);
    const repeated = sorted.filter((v, k) => k > 0 && sorted[k - 1] === v);
    if (repeated.length > 0) fail(`"${key}" lists ${repeated.length} index(es) twice: ${show(repeated)}`);
    parts[key] = [...new Set(sorted)];
  }
  if (parts.train && parts.test) {
    const inTrain = new Set(parts.train);
    const both = parts.test.filter((v) => inTrain.has(v));
    if (both.length > 0) fail(`${both.length} index(es) are in both "train" and "test": ${show(both)}`);
    let positives = 0;
    for (const i of parts.train) positives += y[i] === 1 ? 1 : 0;
    if (parts.train.length > 0 && (positives === 0 || positives === parts.train.length)) {
      fail(`the training rows hold only one class (${positives} positive of ${parts.train.length})`);
    }
  }
  if (problems.length > 0 || !parts.train || !parts.test) return { split: null, problems };
  return { split: { train: Uint32Array.from(parts.train), test: Uint32Array.from(parts.test) }, problems };
}

/**
 * Reads and validates SPLIT.json (see validateSplit).
 *
 * Raises DatasetError INVALID_SPLIT with every problem, including an unreadable file or invalid JSON.
 */
export async function readSplitJson(
  path: string,
  rows: number,
  y: ArrayLike<number>,
): Promise<TrainTestIndices> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DatasetError(
      'INVALID_SPLIT',
      `cannot read ${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
  const { split, problems } = validateSplit(json, rows, y);
  if (!split) throw new DatasetError('INVALID_SPLIT', `${path} is not a valid split`, problems);
  return split;
}

function show(values: readonly unknown[]): string {
  const shown = values.slice(0, INDICES_SHOWN).map((v) => JSON.stringify(v));
  return values.length > INDICES_SHOWN ? `${shown.join(', ')}, …` : shown.join(', ');
}
