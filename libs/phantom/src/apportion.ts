/**
 * Integer apportionment by the largest-remainder (Hamilton) method.
 */

/**
 * Splits `total` into integers proportional to `weights` that sum exactly to `total`.
 *
 * Each share gets ⌊total · w / Σw⌋; the units left over go to the largest fractional remainders (ties:
 * lower index first). When the weights are integers summing to `total` the shares equal the weights.
 *
 * @param total - non-negative integer to split.
 * @param weights - non-negative weights, at least one positive.
 * @returns integer shares, same length as weights.
 * @throws RangeError for a negative or non-integer total or no positive weight.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!(Number.isInteger(total) && total >= 0)) throw new RangeError(`apportion: bad total ${total}`);
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (!(sum > 0)) throw new RangeError('apportion: no positive weight');
  const exact = weights.map((w) => (total * Math.max(0, w)) / sum);
  const shares = exact.map((e) => Math.floor(e + 1e-9));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, remainder: e - shares[i] }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) shares[order[k].i] += 1;
  return shares;
}
