/** Two-class split of a sample by Otsu's method, with each class's mean and standard deviation. */
export interface OtsuSplit {
  /** Values above `threshold` form the upper class. */
  readonly threshold: number;
  readonly lowerMean: number;
  readonly lowerStd: number;
  readonly lowerFraction: number;
  readonly upperMean: number;
  readonly upperStd: number;
}

/**
 * Otsu's threshold (maximum between-class variance) of the values where `mask` is set (every value
 * when `mask` is omitted), from a histogram of `bins` bins over the sample's range.
 *
 * Parameters: `values` – the sample; `mask` – optional selector of the same length (non-zero = use);
 * `bins` – histogram bins (default 256).
 * Returns: the OtsuSplit; for an empty or constant sample, threshold = that value (or 0), both means
 * equal to it and both deviations 0, lowerFraction 1.
 */
export function otsuSplit(values: Float32Array, mask?: Uint8Array, bins = 256): OtsuSplit {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    n++;
  }
  if (n === 0 || !(hi > lo)) {
    const v = n === 0 ? 0 : lo;
    return { threshold: v, lowerMean: v, lowerStd: 0, lowerFraction: 1, upperMean: v, upperStd: 0 };
  }
  const count = new Float64Array(bins);
  const sum = new Float64Array(bins);
  const sumSq = new Float64Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i];
    let b = ((v - lo) * scale) | 0;
    if (b >= bins) b = bins - 1;
    count[b]++;
    sum[b] += v;
    sumSq[b] += v * v;
  }
  const total = sum.reduce((a, b) => a + b, 0);
  let bestBin = 0;
  let bestScore = -1;
  let n0 = 0;
  let s0 = 0;
  for (let b = 0; b < bins - 1; b++) {
    n0 += count[b];
    s0 += sum[b];
    const n1 = n - n0;
    if (n0 === 0 || n1 === 0) continue;
    const m0 = s0 / n0;
    const m1 = (total - s0) / n1;
    const score = n0 * n1 * (m0 - m1) * (m0 - m1);
    if (score > bestScore) {
      bestScore = score;
      bestBin = b;
    }
  }
  let c0 = 0;
  let a0 = 0;
  let q0 = 0;
  for (let b = 0; b <= bestBin; b++) {
    c0 += count[b];
    a0 += sum[b];
    q0 += sumSq[b];
  }
  const c1 = n - c0;
  const a1 = total - a0;
  const q1 = sumSq.reduce((a, b) => a + b, 0) - q0;
  const lowerMean = a0 / c0;
  const upperMean = c1 > 0 ? a1 / c1 : lowerMean;
  return {
    threshold: lo + (bestBin + 1) / scale,
    lowerMean,
    lowerStd: Math.sqrt(Math.max(0, q0 / c0 - lowerMean * lowerMean)),
    lowerFraction: c0 / n,
    upperMean,
    upperStd: c1 > 0 ? Math.sqrt(Math.max(0, q1 / c1 - upperMean * upperMean)) : 0,
  };
}
