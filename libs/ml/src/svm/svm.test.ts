import { describe, expect, it } from 'vitest';
import { createMatrix, type Dataset, selectRows } from '../core/matrix';
import { createRandom } from '../core/random';
import { fitStandardizer, standardize } from '../core/standardize';
import { gaussianClasses } from '../core/synthetic';
import { stratifiedKFold } from '../cv/folds';
import { svmGridSearch } from './grid';
import { PrecomputedKernel, RbfKernelCache, rbfFromSquaredDistances, squaredDistanceMatrix } from './kernel';
import { fitPlattSigmoid, plattProbability } from './platt';
import { solveSvmDual } from './smo';
import { fitSvm, predictProbaSvm, rbfDecisionValues, svmDecisionValues } from './svm';

function rbfKernel(x: ReturnType<typeof createMatrix>, gamma: number): PrecomputedKernel {
  return new PrecomputedKernel(rbfFromSquaredDistances(squaredDistanceMatrix(x), gamma), x.rows);
}

/** y_i f(x_i) for every training row, recomputed from α and K (independent of the solver's gradient). */
function marginProducts(
  k: Float64Array,
  n: number,
  y: Uint8Array,
  alpha: Float64Array,
  rho: number,
): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = -rho;
    for (let j = 0; j < n; j++) f += (y[j] === 1 ? 1 : -1) * alpha[j] * k[i * n + j];
    out[i] = (y[i] === 1 ? 1 : -1) * f;
  }
  return out;
}

describe('SMO solver', () => {
  it('solves the two-point problem analytically: α = 1/(1 − k), ρ = 0', () => {
    const gamma = 0.5;
    const x = createMatrix(2, 2, Float64Array.from([0, 0, 1, 1])); // d² = 2
    const k = Math.exp(-gamma * 2);
    const y = Uint8Array.from([1, 0]);
    const free = solveSvmDual(rbfKernel(x, gamma), y, 100, { tolerance: 1e-10 });
    expect(free.alpha[0]).toBeCloseTo(1 / (1 - k), 10);
    expect(free.alpha[1]).toBeCloseTo(1 / (1 - k), 10);
    expect(free.rho).toBeCloseTo(0, 12);
    // With C below 1/(1 − k) both multipliers sit at the bound.
    const bounded = solveSvmDual(rbfKernel(x, gamma), y, 1, { tolerance: 1e-10 });
    expect(Array.from(bounded.alpha)).toEqual([1, 1]);
    expect(bounded.rho).toBeCloseTo(0, 12);
  });

  it('solves XOR on the square’s corners: α = 1/(1 + e^{−8γ} − 2e^{−4γ}) for all four', () => {
    const gamma = 0.3;
    const x = createMatrix(4, 2, Float64Array.from([1, 1, -1, -1, 1, -1, -1, 1]));
    const y = Uint8Array.from([1, 1, 0, 0]);
    const expected = 1 / (1 + Math.exp(-8 * gamma) - 2 * Math.exp(-4 * gamma));
    const s = solveSvmDual(rbfKernel(x, gamma), y, 1000, { tolerance: 1e-12 });
    for (const a of s.alpha) expect(a).toBeCloseTo(expected, 9);
    expect(s.rho).toBeCloseTo(0, 10);
  });

  it('meets the KKT conditions on a random overlapping problem', () => {
    const data = gaussianClasses({ n: 200, p: 5, separation: 1.5, seed: 11 });
    const n = data.x.rows;
    const gamma = 0.2;
    const c = 2;
    const kernel = rbfFromSquaredDistances(squaredDistanceMatrix(data.x), gamma);
    for (const tolerance of [1e-3, 1e-7]) {
      const s = solveSvmDual(new PrecomputedKernel(kernel, n), data.y, c, { tolerance });
      expect(s.converged).toBe(true);
      const yf = marginProducts(kernel, n, data.y, s.alpha, s.rho);
      let balance = 0;
      let free = 0;
      let atBound = 0;
      for (let i = 0; i < n; i++) {
        expect(s.alpha[i]).toBeGreaterThanOrEqual(0);
        expect(s.alpha[i]).toBeLessThanOrEqual(c);
        balance += (data.y[i] === 1 ? 1 : -1) * s.alpha[i];
        // LIBSVM's criterion bounds every violation of y f ≥ 1 (α = 0), y f = 1 (free), y f ≤ 1 (α = C) by ε.
        if (s.alpha[i] === 0) expect(yf[i]).toBeGreaterThan(1 - tolerance);
        else if (s.alpha[i] === c) {
          expect(yf[i]).toBeLessThan(1 + tolerance);
          atBound++;
        } else {
          expect(Math.abs(yf[i] - 1)).toBeLessThan(tolerance);
          free++;
        }
      }
      expect(Math.abs(balance)).toBeLessThan(1e-9);
      expect(free).toBeGreaterThan(0);
      expect(atBound).toBeGreaterThan(0); // overlapping classes: some points inside the margin
    }
  });

  it('gives the same solution from an LRU kernel cache of 8 columns as from the full matrix', () => {
    const data = gaussianClasses({ n: 120, p: 3, separation: 1, seed: 5 });
    const full = solveSvmDual(rbfKernel(data.x, 0.5), data.y, 1);
    const cache = new RbfKernelCache(data.x, 0.5, 8);
    const cached = solveSvmDual(cache, data.y, 1);
    expect(Array.from(cached.alpha)).toEqual(Array.from(full.alpha));
    expect(cached.rho).toBe(full.rho);
    expect(cache.misses).toBeGreaterThan(8); // it really evicted and recomputed
  });
});

describe('Platt scaling', () => {
  it('recovers a known sigmoid', () => {
    const random = createRandom(21);
    const n = 20000;
    const f = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      f[i] = -3 + 6 * random();
      y[i] = random() < 1 / (1 + Math.exp(-2 * f[i] + 0.5)) ? 1 : 0;
    }
    const s = fitPlattSigmoid(f, y);
    expect(s.a).toBeCloseTo(-2, 0);
    expect(Math.abs(s.a + 2)).toBeLessThan(0.12);
    expect(Math.abs(s.b - 0.5)).toBeLessThan(0.08);
    expect(plattProbability(0, { a: -2, b: 0 })).toBe(0.5);
    expect(plattProbability(1000, { a: -2, b: 0 })).toBe(1);
  });
});

describe('fitSvm', () => {
  it('separates a separable set perfectly, in and out of sample', () => {
    const make = (seed: number) =>
      gaussianClasses({ n: 150, p: 4, mean0: [0, 0, 0, 0], mean1: [6, 6, 0, 0], seed });
    const train = make(1);
    const model = fitSvm(train, { c: 10, gamma: 0.25 });
    for (const data of [train, make(2)]) {
      const p = predictProbaSvm(model, data.x);
      const f = svmDecisionValues(model, data.x);
      for (let i = 0; i < data.y.length; i++) {
        expect(f[i] > 0 ? 1 : 0).toBe(data.y[i]);
        expect(p[i] > 0.5 ? 1 : 0).toBe(data.y[i]);
      }
    }
    expect(model.platt.a).toBeLessThan(0);
    expect(model.supportVectorCount).toBeLessThan(150);
  });

  it('stores a model whose plain-data decision function equals the solver’s', () => {
    const train = gaussianClasses({ n: 80, p: 3, seed: 8 });
    const model = fitSvm(train, { c: 1, gamma: 0.3, tolerance: 1e-8 });
    const xs = standardize(fitStandardizer(train.x), train.x);
    const kernel = rbfFromSquaredDistances(squaredDistanceMatrix(xs), 0.3);
    const s = solveSvmDual(new PrecomputedKernel(kernel, 80), train.y, 1, { tolerance: 1e-8 });
    const yf = marginProducts(kernel, 80, train.y, s.alpha, s.rho);
    const f = svmDecisionValues(model, train.x);
    for (let i = 0; i < 80; i++) expect(f[i] * (train.y[i] === 1 ? 1 : -1)).toBeCloseTo(yf[i], 10);
  });
});

describe('svmGridSearch', () => {
  it('matches fold-by-fold CV computed through the kernel cache and explicit row subsets', () => {
    const data: Dataset = gaussianClasses({ n: 160, p: 4, separation: 1.2, seed: 3 });
    const folds = stratifiedKFold(data.y, 4, 9);
    const grid = svmGridSearch(data, { cs: [0.5, 4], gammas: [0.1, 1], folds });
    expect(grid.entries.map((e) => e.params)).toEqual([
      { c: 0.5, gamma: 0.1 },
      { c: 0.5, gamma: 1 },
      { c: 4, gamma: 0.1 },
      { c: 4, gamma: 1 },
    ]);
    const xs = standardize(fitStandardizer(data.x), data.x);
    for (const entry of grid.entries) {
      let correct = 0;
      for (const fold of folds) {
        const trainX = selectRows(xs, fold.train);
        const trainY = Uint8Array.from(fold.train, (i) => data.y[i]);
        const s = solveSvmDual(new RbfKernelCache(trainX, entry.params.gamma, 50), trainY, entry.params.c);
        const coefficients = Float64Array.from(s.alpha, (a, i) => (trainY[i] === 1 ? a : -a));
        const f = rbfDecisionValues(
          selectRows(xs, fold.test),
          trainX.data as Float64Array,
          coefficients,
          -s.rho,
          entry.params.gamma,
        );
        fold.test.forEach((row, t) => {
          if ((f[t] > 0 ? 1 : 0) === data.y[row]) correct++;
        });
      }
      // folds are equal-sized (40), so the mean of fold accuracies is the pooled accuracy
      expect(entry.score).toBeCloseTo(correct / 160, 12);
    }
    const bestScore = Math.max(...grid.entries.map((e) => e.score));
    expect(grid.bestScore).toBe(bestScore);
  });
});
