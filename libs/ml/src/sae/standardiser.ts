/** Per-feature location and scale learned from training rows. */
export interface Standardiser {
  /** Mean of each feature. */
  readonly mean: Float32Array;
  /** Population standard deviation of each feature; 1 where a feature is constant (it then maps to 0). */
  readonly std: Float32Array;
}

/**
 * Mean and standard deviation of each feature over selected rows (two-pass, float64 accumulation).
 *
 * @param x - Row-major n × f matrix.
 * @param nFeatures - f.
 * @param rows - Row indices to use.
 * @returns The standardiser; std is 1 for zero-variance features so that (x − mean) / std stays finite.
 */
export function fitStandardiser(
  x: ArrayLike<number>,
  nFeatures: number,
  rows: ArrayLike<number>,
): Standardiser {
  const sum = new Float64Array(nFeatures);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * nFeatures;
    for (let j = 0; j < nFeatures; j++) sum[j] += x[base + j];
  }
  const mean = sum.map((s) => s / rows.length);
  const squares = new Float64Array(nFeatures);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * nFeatures;
    for (let j = 0; j < nFeatures; j++) {
      const d = x[base + j] - mean[j];
      squares[j] += d * d;
    }
  }
  const std = new Float32Array(nFeatures);
  for (let j = 0; j < nFeatures; j++) {
    const s = Math.sqrt(squares[j] / rows.length);
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/**
 * Standardised copy of selected rows: (x − mean) / std in float32, rows in the given order.
 *
 * @param x - Row-major n × f matrix.
 * @param nFeatures - f.
 * @param rows - Row indices to copy.
 * @param s - The standardiser.
 * @returns Row-major rows.length × f matrix.
 */
export function standardiseRows(
  x: ArrayLike<number>,
  nFeatures: number,
  rows: ArrayLike<number>,
  s: Standardiser,
): Float32Array {
  const out = new Float32Array(rows.length * nFeatures);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * nFeatures;
    for (let j = 0; j < nFeatures; j++) out[r * nFeatures + j] = (x[base + j] - s.mean[j]) / s.std[j];
  }
  return out;
}
