import { MlError } from './errors';
import type { Matrix } from './matrix';

/**
 * Per-feature affine map x ↦ (x − mean) / scale, fitted on training data only.
 *
 * `scale` is the population standard deviation (divisor n, as scikit-learn's StandardScaler and glmnet);
 * a feature with zero (or numerically negligible) variance gets scale 1, so it maps to a constant 0 instead
 * of dividing by zero. Exporters implement it as `Div(Sub(features, mean), scale)`.
 */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

/** Relative variance below which a feature counts as constant (rounding noise of a constant column). */
const CONSTANT_FEATURE_RELATIVE_VARIANCE = 1e-24;

/**
 * Fits a standardizer to the columns of `x`, over all its rows or the chosen ones.
 *
 * @param x - training matrix, n × p.
 * @param rowIndices - rows to fit on, in this order (sums run in it); default every row in order.
 * @returns per-column mean and population standard deviation (1 for constant columns), float64.
 * @throws MlError `SHAPE_MISMATCH` when no row is fitted on.
 */
export function fitStandardizer(x: Matrix, rowIndices?: ArrayLike<number>): Standardizer {
  const { cols, data } = x;
  const rows = rowIndices ? rowIndices.length : x.rows;
  if (rows === 0) throw new MlError('SHAPE_MISMATCH', 'cannot fit a standardizer to zero rows');
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols);
  for (let k = 0; k < rows; k++) {
    const o = (rowIndices ? rowIndices[k] : k) * cols;
    for (let c = 0; c < cols; c++) mean[c] += data[o + c];
  }
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  // Two-pass variance: stable when the mean is large compared with the spread.
  for (let k = 0; k < rows; k++) {
    const o = (rowIndices ? rowIndices[k] : k) * cols;
    for (let c = 0; c < cols; c++) {
      const d = data[o + c] - mean[c];
      scale[c] += d * d;
    }
  }
  for (let c = 0; c < cols; c++) {
    const variance = scale[c] / rows;
    const isConstant = variance <= CONSTANT_FEATURE_RELATIVE_VARIANCE * Math.max(1, mean[c] * mean[c]);
    scale[c] = isConstant ? 1 : Math.sqrt(variance);
  }
  return { mean, scale };
}

/**
 * Applies a standardizer.
 *
 * @param s - fitted standardizer with p entries.
 * @param x - n × p matrix (Float32 or Float64).
 * @returns a new Float64 n × p matrix of standardized values.
 * @throws MlError `SHAPE_MISMATCH` when x has a different number of columns than the standardizer.
 */
export function standardize(s: Standardizer, x: Matrix): Matrix {
  const { rows, cols, data } = x;
  if (cols !== s.mean.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `matrix has ${cols} columns, standardizer was fitted on ${s.mean.length}`,
    );
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[o + c] = (data[o + c] - s.mean[c]) / s.scale[c];
  }
  return { rows, cols, data: out };
}
