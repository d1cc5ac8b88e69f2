/**
 * A seed for one sub-task, derived from a run seed and the sub-task's coordinates (e.g. candidate and fold),
 * so that every sub-task gets its own reproducible random stream and reordering work does not change it.
 *
 * Each part is folded in with the murmur3 32-bit finaliser (an invertible avalanche mix).
 *
 * @param seed - the run seed (its low 32 bits are used).
 * @param parts - non-negative integers naming the sub-task.
 * @returns an integer in [0, 2³²).
 */
export function deriveSeed(seed: number, ...parts: readonly number[]): number {
  let h = seed >>> 0;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}
