import type { SaeParameters } from './model';

/**
 * Standardised copy of selected rows: (x − mean) / std in float32, rows in the given order. The SAE fits
 * with core's fitStandardizer and keeps the parameters in float32, because its graph standardises float32
 * features with float32 Sub/Div (export/standardize.ts's float64 folding would change its predictions in
 * the last bits); training inputs are made the same way.
 *
 * @param x - Row-major n × f matrix.
 * @param nFeatures - f.
 * @param rows - Row indices to copy.
 * @param s - Float32 mean and std (SaeParameters').
 * @returns Row-major rows.length × f matrix.
 */
export function standardiseRows(
  x: ArrayLike<number>,
  nFeatures: number,
  rows: ArrayLike<number>,
  s: Pick<SaeParameters, 'mean' | 'std'>,
): Float32Array {
  const out = new Float32Array(rows.length * nFeatures);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * nFeatures;
    for (let j = 0; j < nFeatures; j++) out[r * nFeatures + j] = (x[base + j] - s.mean[j]) / s.std[j];
  }
  return out;
}
