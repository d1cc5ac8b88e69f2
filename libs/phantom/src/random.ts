/**
 * Deterministic pseudo-random numbers: xoshiro128** seeded through splitmix32, Box–Muller normals.
 *
 * Everything the phantom draws comes from an `Rng`, so one seed fixes every pixel and every truth value.
 * Independent purposes (texture, anatomy, lesions, noise) use independent streams derived with
 * `deriveSeed(seed, 'purpose')`, so changing how many numbers one stage draws does not shift the others.
 */

const TWO_POW_32 = 4294967296;

/**
 * Mixes a 32-bit integer into a well-distributed 32-bit integer (the murmur3 finaliser).
 *
 * @param h - any integer; only its low 32 bits are used.
 * @returns an unsigned 32-bit integer.
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Derives an independent 32-bit seed from a seed and a path of labels (FNV-1a over the labels, then
 * murmur3 mixing). `deriveSeed(7, 'noise')` and `deriveSeed(7, 'texture')` give unrelated streams.
 *
 * @param seed - base seed (its low 32 bits are used).
 * @param labels - strings or integers naming the purpose, in order.
 * @returns an unsigned 32-bit seed.
 */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  for (const label of labels) {
    const text = String(label);
    let f = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      f ^= text.charCodeAt(i);
      f = Math.imul(f, 0x01000193);
    }
    h = mix32(h ^ mix32(f + 0x632be5ab));
  }
  return h;
}

/**
 * A small, fast, deterministic generator (xoshiro128**, period 2^128 − 1).
 *
 * Not cryptographic. Identical seeds give identical sequences on every platform (integer arithmetic
 * via Math.imul, doubles built from 32-bit words).
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** @param seed - any integer; its low 32 bits select the stream. */
  constructor(seed: number) {
    // splitmix32 expands the 32-bit seed into 128 bits of state that are never all zero.
    let z = seed >>> 0;
    const next = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      return mix32(z);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** @returns the next unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** @returns a uniform double in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** @returns a uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * @returns a uniform integer in [lo, hi) (hi exclusive).
   * @throws RangeError when hi <= lo.
   */
  int(lo: number, hi: number): number {
    if (!(hi > lo)) throw new RangeError(`Rng.int: empty range [${lo}, ${hi})`);
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /** @returns true with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** @returns a standard normal deviate (Box–Muller; the second value of each pair is kept). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * v;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }

  /** @returns a normal deviate with the given mean and standard deviation, clipped to [lo, hi]. */
  clippedNormal(mean: number, sd: number, lo: number, hi: number): number {
    return Math.min(hi, Math.max(lo, mean + sd * this.normal()));
  }

  /**
   * Draws a key of a table of non-negative weights with probability proportional to its weight.
   * Keys are visited in insertion order, so the draw is deterministic.
   *
   * @throws RangeError when no weight is positive.
   */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[];
    let total = 0;
    for (const k of keys) total += Math.max(0, table[k]);
    if (!(total > 0)) throw new RangeError('Rng.weighted: no positive weight');
    let u = this.next() * total;
    for (const k of keys) {
      u -= Math.max(0, table[k]);
      if (u < 0) return k;
    }
    // Rounding can leave u at exactly 0 after the last key: return the last positive one.
    for (let i = keys.length - 1; i >= 0; i--) if (table[keys[i]] > 0) return keys[i];
    return keys[0];
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
