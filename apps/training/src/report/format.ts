/** Number formatting shared by the Markdown report and the figures; NaN and ±∞ print as `n/a`. */

/**
 * A share as a percentage, e.g. 0.8578 → `85.8%`.
 *
 * @param value - a share in [0, 1]; digits - decimals of the percentage (default 1).
 */
export function formatPercent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(digits)}%` : 'n/a';
}

/**
 * A rate or AUC with fixed decimals, e.g. 0.93 → `0.930`.
 *
 * @param value - the number; digits - decimals (default 3).
 */
export function formatFixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/**
 * An AUC with its confidence interval, e.g. `0.873 [0.824, 0.921]`.
 *
 * @param auc - the point estimate; ci - [lo, hi].
 */
export function formatAucWithCi(auc: number, ci: readonly [number, number]): string {
  return `${formatFixed(auc)} [${formatFixed(ci[0])}, ${formatFixed(ci[1])}]`;
}

/**
 * Mean ± standard deviation, e.g. `0.852 ± 0.030`.
 *
 * @param mean - the mean; std - the standard deviation; digits - decimals (default 3).
 */
export function formatMeanStd(mean: number, std: number, digits = 3): string {
  return `${formatFixed(mean, digits)} ± ${formatFixed(std, digits)}`;
}

/**
 * A p-value: `< 0.001` below 0.001, else three decimals (`0.042`, `1.000`).
 *
 * @param p - the p-value in [0, 1].
 */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/**
 * A duration, e.g. 4.2 → `4.2 s`, 312 → `5 min 12 s`.
 *
 * @param seconds - the duration in seconds.
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}
