import type { Dataset, Matrix } from '@calcscope/ml';
import { TrainingError } from './errors';
import type { LabelledRows } from './types';

/** Rows and class counts of a validated `LabelledRows`. */
export interface RowCounts {
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Checks labelled rows: x holds n × p values with n = y.length ≥ 1, p a positive integer, every value
 * finite, every label 0 or 1.
 *
 * @param rows - the rows to check.
 * @param what - how to name them in messages (e.g. "training set").
 * @returns n and the count of each class.
 * @throws TrainingError `INVALID_DATA` naming the first problem (with its row and feature index).
 */
export function checkLabelledRows(rows: LabelledRows, what: string): RowCounts {
  const { x, y, p } = rows;
  if (!Number.isInteger(p) || p < 1) throw new TrainingError('INVALID_DATA', `${what}: p = ${p} features`);
  const n = y.length;
  if (n === 0) throw new TrainingError('INVALID_DATA', `${what} has no rows`);
  if (x.length !== n * p) {
    throw new TrainingError(
      'INVALID_DATA',
      `${what}: ${x.length} feature values for ${n} rows × ${p} features`,
    );
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) positives++;
    else if (y[i] !== 0) throw new TrainingError('INVALID_DATA', `${what}: label of row ${i} is ${y[i]}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new TrainingError(
        'INVALID_DATA',
        `${what}: feature ${i % p} of row ${Math.floor(i / p)} is ${x[i]}`,
      );
    }
  }
  return { n, positives, negatives: n - positives };
}

/**
 * Views labelled rows as a libs/ml `Dataset` (no copy).
 *
 * @param rows - labelled rows (x.length = y.length · p).
 * @returns `{ x: { rows: n, cols: p, data: x }, y }`.
 */
export function datasetOf(rows: LabelledRows): Dataset {
  return { x: matrixOf(rows.x, rows.p), y: rows.y };
}

/**
 * Views row-major features as a libs/ml `Matrix` (no copy).
 *
 * @param x - n × p values.
 * @param p - features per row.
 * @returns `{ rows: x.length / p, cols: p, data: x }`.
 */
export function matrixOf(x: Float64Array, p: number): Matrix {
  return { rows: x.length / p, cols: p, data: x };
}
