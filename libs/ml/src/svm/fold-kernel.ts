import type { SvmDualSolution } from './smo';

/**
 * Decision value of one held-out row from a full precomputed kernel: Σₐ αₐyₐ K[test, trainRows[a]] − ρ,
 * where the solution was trained on the rows `trainRows` (in that order).
 *
 * @param full - N × N kernel over all rows.
 * @param size - N.
 * @param trainRows - the rows the solution was trained on.
 * @param solution - the dual solution (α indexed like trainRows).
 * @param trainY - labels 0/1 of trainRows, in the same order.
 * @param testRow - row of `full` to evaluate.
 * @returns f(x_testRow).
 */
export function decisionFromFullKernel(
  full: Float64Array,
  size: number,
  trainRows: ArrayLike<number>,
  solution: SvmDualSolution,
  trainY: Uint8Array,
  testRow: number,
): number {
  const base = testRow * size;
  let f = -solution.rho;
  for (let a = 0; a < trainRows.length; a++) {
    const alpha = solution.alpha[a];
    if (alpha !== 0) f += (trainY[a] === 1 ? alpha : -alpha) * full[base + trainRows[a]];
  }
  return f;
}

/**
 * The labels of the listed rows.
 *
 * @param y - all labels.
 * @param rows - row indices.
 * @returns a new array with y[rows[k]] at k.
 */
export function subsetLabels(y: Uint8Array, rows: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = y[rows[k]];
  return out;
}
