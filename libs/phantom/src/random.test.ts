import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from './random';

describe('Rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const seqA = Array.from({ length: 50 }, () => a.nextUint32());
    const seqB = Array.from({ length: 50 }, () => b.nextUint32());
    const seqC = Array.from({ length: 50 }, () => c.nextUint32());
    expect(seqA).toEqual(seqB);
    expect(seqA.filter((v, i) => v === seqC[i]).length).toBe(0);
  });

  it('gives uniforms with mean 1/2 and variance 1/12, and standard normals', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let su = 0;
    let su2 = 0;
    let sn = 0;
    let sn2 = 0;
    let sn4 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      su2 += u * u;
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
      sn4 += z ** 4;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(su2 / n - (su / n) ** 2).toBeCloseTo(1 / 12, 3);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(sn2 / n).toBeCloseTo(1, 1);
    // Kurtosis of a normal is 3.
    expect(sn4 / n).toBeGreaterThan(2.9);
    expect(sn4 / n).toBeLessThan(3.1);
  });

  it('draws weighted keys in proportion to their weights and never a zero weight', () => {
    const rng = new Rng(99);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 60_000; i++) counts[rng.weighted({ a: 1, b: 2, c: 0 })]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(1.9);
    expect(counts.b / counts.a).toBeLessThan(2.1);
    expect(() => rng.weighted({ a: 0 })).toThrow(RangeError);
  });

  it('draws integers in [lo, hi) covering the range', () => {
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(3, 7);
      expect(k >= 3 && k < 7 && Number.isInteger(k)).toBe(true);
      seen.add(k);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(() => rng.int(2, 2)).toThrow(RangeError);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = new Rng(1).shuffle(items.slice());
    expect(shuffled).not.toEqual(items);
    expect(shuffled.slice().sort((a, b) => a - b)).toEqual(items);
  });
});

describe('deriveSeed', () => {
  it('is deterministic and separates labels, order and base seeds', () => {
    expect(deriveSeed(1, 'noise')).toBe(deriveSeed(1, 'noise'));
    const seeds = new Set([
      deriveSeed(1, 'noise'),
      deriveSeed(1, 'texture'),
      deriveSeed(2, 'noise'),
      deriveSeed(1, 'a', 'b'),
      deriveSeed(1, 'b', 'a'),
      deriveSeed(1, 'x', 0),
      deriveSeed(1, 'x', 1),
    ]);
    expect(seeds.size).toBe(7);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
  });
});
