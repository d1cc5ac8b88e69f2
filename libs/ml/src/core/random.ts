/**
 * Seeded pseudo-random numbers for splits, solvers, weight initialisation, shuffles and noise masks: the one
 * generator of this library (mulberry32: 32-bit state, period 2³², passes the usual small-sample tests).
 *
 * libs/phantom has its own generator; this library stays free of that dependency, so it keeps this
 * tiny one. Identical seeds give identical sequences on every platform (32-bit integer arithmetic).
 * Two ways to hold it: `SeededRandom` (an object with samplers, for the networks) and `createRandom` (a
 * bare `() => number`, for splits and solvers); for a seed both give the same uniform sequence.
 */

/** A generator of uniform doubles in [0, 1). */
export type Random = () => number;

/** A seeded mulberry32 generator with the samplers the networks need. */
export class SeededRandom {
  private state: number;

  /** @param seed - Any number; its low 32 bits are the state, so equal seeds give equal sequences. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** @returns The next 32 random bits, an integer in [0, 2³²) (one mulberry32 step). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** @returns A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * @returns A standard normal number: Box–Muller on two fresh uniforms, the cosine variate only (unlike
   *   createGaussian, which also returns the sine one; the two samplers give different sequences).
   */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Shuffles in place (Fisher–Yates, as shuffleInPlace).
   *
   * @param values - Array to permute.
   * @returns The same array.
   */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    return shuffleInPlace(values, () => this.next());
  }

  /**
   * Fills an array with independent uniform values in [−limit, limit).
   *
   * @param out - Array to fill.
   * @param limit - Half-width of the interval.
   * @returns `out`.
   */
  fillUniform(out: Float32Array, limit: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = (2 * this.next() - 1) * limit;
    return out;
  }

  /**
   * Fills a masking-noise mask: each entry 0 with probability `dropFraction` (quantised to 1/65536), else 1.
   * Each 32-bit draw decides two entries (its high and low 16 bits): this runs for every pretraining
   * minibatch, 40,000 entries for a 100 × 400 batch.
   *
   * @param out - Mask to fill.
   * @param dropFraction - Probability of zeroing an input, in [0, 1).
   * @returns `out`.
   */
  fillKeepMask(out: Float32Array, dropFraction: number): Float32Array {
    const threshold = Math.round(dropFraction * 65536);
    for (let i = 0; i < out.length; i += 2) {
      const t = this.nextUint32();
      out[i] = t >>> 16 < threshold ? 0 : 1;
      if (i + 1 < out.length) out[i + 1] = (t & 0xffff) < threshold ? 0 : 1;
    }
    return out;
  }
}

/**
 * Creates a mulberry32 generator as a bare function.
 *
 * @param seed - any number; its low 32 bits are the state.
 * @returns a function returning uniform doubles in [0, 1) with 32 random bits each (the sequence of
 *   `new SeededRandom(seed).next()`).
 */
export function createRandom(seed: number): Random {
  const generator = new SeededRandom(seed);
  return () => generator.next();
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
