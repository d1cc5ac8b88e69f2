/**
 * The k-th smallest of the first `n` values of `values` (0-based), by Hoare's quickselect.
 * Reorders those values in place; O(n) expected.
 *
 * Parameters: `values` – scratch array (its first `n` entries are permuted); `n` – how many values
 * count (≥ 1); `k` – rank, 0 ≤ k < n.
 * Returns: the value of rank k.
 */
export function selectKth(values: Float32Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/** Median and normal-consistent MAD (1.4826 · median |v − median|) of a sample. */
export interface RobustLocationScale {
  readonly median: number;
  readonly sigma: number;
}

/**
 * Median and scaled median absolute deviation of the first `n` values (a robust mean and standard
 * deviation: for Gaussian data `sigma` estimates the standard deviation).
 *
 * Parameters: `values` – scratch array, permuted and overwritten; `n` – number of values (≥ 1).
 * Returns: { median, sigma }.
 */
export function medianAndMad(values: Float32Array, n: number): RobustLocationScale {
  const median = selectKth(values, n, n >> 1);
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i] - median);
  const mad = selectKth(values, n, n >> 1);
  return { median, sigma: 1.4826 * mad };
}
