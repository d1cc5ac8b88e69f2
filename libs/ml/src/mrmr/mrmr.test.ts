import { describe, expect, it } from 'vitest';
import { createMatrix, matrixFromRows } from '../core/matrix';
import { createGaussian, createRandom } from '../core/random';
import { discretizeFeatures } from './discretize';
import { mrmr } from './mrmr';
import { mutualInformation } from './mutual-information';

/**
 * Columns: 0 noise, 1 independent informative (C = y + N(0,1)), 2 informative (A = 1.5y + N(0,1)),
 * 3 noisy duplicate of A (A + N(0, 0.5²)). Put A at index 2 so "first" is not an index accident.
 */
function syntheticSet(seed: number, n = 2000) {
  const random = createRandom(seed);
  const gaussian = createGaussian(random);
  const y = new Uint8Array(n);
  const x = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    y[i] = random() < 0.5 ? 1 : 0;
    const a = 1.5 * y[i] + gaussian();
    x[i * 4] = gaussian();
    x[i * 4 + 1] = y[i] + gaussian();
    x[i * 4 + 2] = a;
    x[i * 4 + 3] = a + 0.5 * gaussian();
  }
  return { x: createMatrix(n, 4, x), y };
}

describe('mutual information', () => {
  it('is log 3 for identical uniform 3-state variables and 0 for a product table', () => {
    const n = 900;
    const a = Uint8Array.from({ length: n }, (_, i) => i % 3);
    expect(mutualInformation(a, 3, a, 3)).toBeCloseTo(Math.log(3), 14);
    const b = Uint8Array.from({ length: n }, (_, i) => Math.floor(i / 3) % 3);
    expect(mutualInformation(a, 3, b, 3)).toBeCloseTo(0, 14);
    // hand example: joint counts [[2, 0], [1, 1]] of n = 4 → Σ p log(p/(pa pb))
    const u = [0, 0, 1, 1];
    const v = [0, 0, 0, 1];
    const expected =
      0.5 * Math.log(0.5 / (0.5 * 0.75)) +
      0.25 * Math.log(0.25 / (0.5 * 0.75)) +
      0.25 * Math.log(0.25 / (0.5 * 0.25));
    expect(mutualInformation(u, 2, v, 2)).toBeCloseTo(expected, 14);
  });
});

describe('discretization', () => {
  it('splits at μ ± σ and into equal-frequency bins', () => {
    // values −2…2: μ = 0, population σ = √2
    const x = matrixFromRows([[-2], [-1], [0], [1], [2]]);
    expect(Array.from(discretizeFeatures(x).codes)).toEqual([0, 1, 1, 1, 2]);
    expect(Array.from(discretizeFeatures(x, { kind: 'sigma', factor: 0.5 }).codes)).toEqual([0, 0, 1, 2, 2]);
    const y = matrixFromRows([[5], [1], [3], [3], [9], [7]]);
    // ranks 4, 1, 2.5, 2.5, 6, 5 → ⌊(rank − ½)·3/6⌋ = 1, 0, 1, 1, 2, 2: the tied 3s share a bin
    expect(Array.from(discretizeFeatures(y, { kind: 'equal-frequency', bins: 3 }).codes)).toEqual([
      1, 0, 1, 1, 2, 2,
    ]);
  });
});

describe('mRMR', () => {
  for (const criterion of ['MID', 'MIQ'] as const) {
    for (const discretization of [
      { kind: 'sigma' as const },
      { kind: 'equal-frequency' as const, bins: 5 },
    ]) {
      it(`${criterion}, ${discretization.kind}: picks the informative feature, then the independent one before the duplicate`, () => {
        for (const seed of [1, 2, 3]) {
          const { x, y } = syntheticSet(seed);
          const result = mrmr(x, y, { count: 4, criterion, discretization });
          expect(result.selected[0]).toBe(2);
          expect(result.selected.indexOf(1)).toBe(1);
          expect(result.selected.indexOf(3)).toBeGreaterThan(1);
          // the duplicate alone is more relevant than the independent feature: redundancy made the difference
          expect(result.relevance[3]).toBeGreaterThan(result.relevance[1]);
          expect(result.relevance[0]).toBeLessThan(0.01);
        }
      });
    }
  }

  it('refuses a count outside [1, p]', () => {
    const { x, y } = syntheticSet(1, 20);
    expect(() => mrmr(x, y, { count: 5 })).toThrow(/count/);
  });
});
