/**
 * Plug-in (maximum-likelihood) mutual information of two discrete variables, in nats:
 * I(A; B) = Σ p(a, b) · log(p(a, b) / (p(a) p(b))) over the empirical joint distribution.
 *
 * @param a - codes in [0, statesA), length n.
 * @param statesA - number of states of a.
 * @param b - codes in [0, statesB), same length.
 * @param statesB - number of states of b.
 * @param scratch - optional zeroed-on-entry buffer of ≥ statesA·statesB + statesA + statesB entries (reused).
 * @returns I(A; B) ≥ 0 (0 for n = 0).
 */
export function mutualInformation(
  a: ArrayLike<number>,
  statesA: number,
  b: ArrayLike<number>,
  statesB: number,
  scratch?: Float64Array,
): number {
  const n = a.length;
  if (n === 0) return 0;
  const size = statesA * statesB + statesA + statesB;
  const counts = scratch && scratch.length >= size ? scratch.fill(0, 0, size) : new Float64Array(size);
  const marginalA = statesA * statesB;
  const marginalB = marginalA + statesA;
  for (let i = 0; i < n; i++) {
    counts[a[i] * statesB + b[i]]++;
    counts[marginalA + a[i]]++;
    counts[marginalB + b[i]]++;
  }
  let mi = 0;
  for (let u = 0; u < statesA; u++) {
    const na = counts[marginalA + u];
    if (na === 0) continue;
    for (let v = 0; v < statesB; v++) {
      const nab = counts[u * statesB + v];
      if (nab === 0) continue;
      mi += (nab / n) * Math.log((nab * n) / (na * counts[marginalB + v]));
    }
  }
  return Math.max(0, mi);
}
