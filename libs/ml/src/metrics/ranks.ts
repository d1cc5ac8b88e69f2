import { MlError } from '../core/errors';

/**
 * Ranks with ties replaced by their average ("midranks"), 1-based: the smallest value gets rank 1,
 * and k tied values occupying ranks r…r+k−1 all get r + (k−1)/2.
 *
 * @param values - finite numbers.
 * @returns a Float64Array of the same length holding each value's midrank.
 * @throws MlError `NON_FINITE` for NaN or ±Infinity.
 */
export function midranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new MlError('NON_FINITE', `score ${i} is ${values[i]}`);
    order[i] = i;
  }
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const v = values[order[start]];
    while (end < n && values[order[end]] === v) end++;
    // Positions start..end−1 (0-based) are ranks start+1..end; their mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}
