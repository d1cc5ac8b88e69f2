/**
 * Seeded pseudo-random numbers for splits and solvers (mulberry32).
 *
 * libs/phantom has its own generator; this library stays free of that dependency, so it keeps this
 * tiny one. Identical seeds give identical sequences on every platform (32-bit integer arithmetic).
 */

/** A generator of uniform doubles in [0, 1). */
export type Random = () => number;

/**
 * Creates a mulberry32 generator.
 *
 * @param seed - any number; its low 32 bits are the state.
 * @returns a function returning uniform doubles in [0, 1) with 32 random bits each.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffles an array in place (Fisher–Yates).
 *
 * @param values - array to permute.
 * @param random - uniform [0, 1) source.
 * @returns the same array, permuted.
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  values: T,
  random: Random,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/**
 * Creates a standard normal sampler (Box–Muller, both variates used).
 *
 * @param random - uniform [0, 1) source.
 * @returns a function returning N(0, 1) draws.
 */
export function createGaussian(random: Random): () => number {
  let spare = 0;
  let hasSpare = false;
  return () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    hasSpare = true;
    return radius * Math.cos(angle);
  };
}
