/**
 * Maps `items` through an async function with at most `limit` calls in flight (file-system work over
 * thousands of rows without opening thousands of files at once).
 *
 * Parameters
 * ----------
 * items : inputs.
 * limit : maximum concurrent calls, ≥ 1.
 * fn : the mapping; receives the item and its index.
 *
 * Returns the results in input order; rejects with the first rejection.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
