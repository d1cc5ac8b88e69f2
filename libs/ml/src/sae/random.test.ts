import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random';
import { fitStandardiser, standardiseRows } from './standardiser';

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

describe('standardiser', () => {
  it('learns mean and population std from the chosen rows and maps constant features to 0', () => {
    // 3 rows × 2 features; row 2 is excluded from fitting.
    const x = Float32Array.from([1, 5, 3, 5, 100, 5]);
    const s = fitStandardiser(x, 2, [0, 1]);
    expect(Array.from(s.mean)).toEqual([2, 5]);
    expect(Array.from(s.std)).toEqual([1, 1]);
    expect(Array.from(standardiseRows(x, 2, [2, 0], s))).toEqual([98, 0, -1, 0]);
    const t = fitStandardiser(Float32Array.from([0, 0, 2, 0, 4, 0]), 2, [0, 1, 2]);
    expect(t.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
  });
});
