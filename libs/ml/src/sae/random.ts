/**
 * Seeded pseudo-random numbers (mulberry32: 32-bit state, period 2³², passes the usual small-sample tests;
 * plenty for weight init, shuffling and noise masks, and identical on every platform).
 */
export class SeededRandom {
  private state: number;

  /** @param seed - Any integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** @returns A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** @returns A standard normal number (Box–Muller on two uniforms). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Shuffles in place (Fisher–Yates).
   *
   * @param values - Array to permute.
   * @returns The same array.
   */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
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
   * Each 32-bit draw decides two entries (its high and low 16 bits), in an inlined loop: this runs for every
   * pretraining minibatch, 40,000 entries for a 100 × 400 batch.
   *
   * @param out - Mask to fill.
   * @param dropFraction - Probability of zeroing an input, in [0, 1).
   * @returns `out`.
   */
  fillKeepMask(out: Float32Array, dropFraction: number): Float32Array {
    const threshold = Math.round(dropFraction * 65536);
    let state = this.state;
    for (let i = 0; i < out.length; i += 2) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t = (t ^ (t >>> 14)) >>> 0;
      out[i] = t >>> 16 < threshold ? 0 : 1;
      if (i + 1 < out.length) out[i + 1] = (t & 0xffff) < threshold ? 0 : 1;
    }
    this.state = state;
    return out;
  }
}
