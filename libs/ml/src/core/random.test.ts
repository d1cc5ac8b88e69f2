import { describe, expect, it } from 'vitest';
import { createGaussian, createRandom, SeededRandom, shuffleInPlace } from './random';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('draws masks with the requested drop fraction and standard normals with mean 0 and variance 1', () => {
    const rng = new SeededRandom(7);
    const n = 200_000;
    const mask = rng.fillKeepMask(new Float32Array(n + 1), 0.3);
    const dropped = mask.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / (n + 1);
    expect(Math.abs(dropped - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / n));
    expect(mask.every((v) => v === 0 || v === 1)).toBe(true);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    new SeededRandom(1).shuffle(values);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...values]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('one generator, two handles', () => {
  it('gives createRandom and SeededRandom.next the same sequence for a seed', () => {
    const bare = createRandom(2016);
    const held = new SeededRandom(2016);
    for (let i = 0; i < 1000; i++) expect(bare()).toBe(held.next());
  });

  it('builds next, masks and shuffles from the same 32-bit draws', () => {
    const bits = new SeededRandom(11);
    const a = new SeededRandom(11);
    const words = Array.from({ length: 3 }, () => bits.nextUint32());
    expect(words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)).toBe(true);
    expect(a.next()).toBe(words[0] / 2 ** 32);
    // Two mask entries per draw: high then low 16 bits against round(0.5 · 65536).
    const mask = a.fillKeepMask(new Float32Array(3), 0.5);
    expect(Array.from(mask)).toEqual([
      words[1] >>> 16 < 32768 ? 0 : 1,
      (words[1] & 0xffff) < 32768 ? 0 : 1,
      words[2] >>> 16 < 32768 ? 0 : 1,
    ]);
    const order = Int32Array.from({ length: 20 }, (_, i) => i);
    const same = Int32Array.from(order);
    new SeededRandom(5).shuffle(order);
    shuffleInPlace(same, createRandom(5));
    expect(Array.from(order)).toEqual(Array.from(same));
  });

  it("draws SeededRandom.normal as createGaussian's cosine variates (every other value)", () => {
    const pairs = createGaussian(createRandom(3));
    const singles = new SeededRandom(3);
    for (let i = 0; i < 100; i++) {
      expect(singles.normal()).toBe(pairs());
      pairs(); // the sine variate, which SeededRandom.normal does not use
    }
  });
});
