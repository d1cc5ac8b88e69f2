import { describe, expect, it } from 'vitest';
import { rawLinearCoefficients } from '../core/linear';
import { createMatrix, matrixFromRows } from '../core/matrix';
import { gaussianClasses } from '../core/synthetic';
import { fitLda, ledoitWolfShrinkage, predictProbaLda } from './lda';

/** 3 × 3 solve by Cramer's rule (independent of the library's Cholesky). */
function solve3(a: number[][], b: number[]): number[] {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(a);
  return [0, 1, 2].map((col) => det(a.map((row, r) => row.map((v, c) => (c === col ? b[r] : v)))) / d);
}

describe('LDA', () => {
  it('recovers the analytic Bayes discriminant of two Gaussians with shared covariance', () => {
    const l = [1, 0, 0, 0.5, 1, 0, -0.3, 0.2, 0.8];
    const sigma = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => l[i * 3] * l[j * 3] + l[i * 3 + 1] * l[j * 3 + 1] + l[i * 3 + 2] * l[j * 3 + 2]),
    );
    const mean0 = [0.5, 0, 1];
    const mean1 = [1.5, 0.5, 0.5];
    const prior1 = 0.3;
    const w = solve3(sigma, [1, 0.5, -0.5]);
    const b =
      -0.5 * w.reduce((s, wj, j) => s + wj * (mean0[j] + mean1[j]), 0) + Math.log(prior1 / (1 - prior1));
    const data = gaussianClasses({
      n: 40000,
      p: 3,
      mean0,
      mean1,
      choleskyFactor: l,
      positiveFraction: prior1,
      seed: 17,
    });
    const model = fitLda(data, 'none');
    const raw = rawLinearCoefficients(model);
    for (let j = 0; j < 3; j++) expect(Math.abs(raw.weights[j] - w[j])).toBeLessThan(0.05);
    expect(Math.abs(raw.bias - b)).toBeLessThan(0.05);
    // the threshold: a point on the analytic boundary gets posterior ≈ ½
    const t = -b / (w[0] * w[0]);
    const onBoundary = matrixFromRows([[t * w[0], 0, 0]]);
    expect(Math.abs(predictProbaLda(model, onBoundary)[0] - 0.5)).toBeLessThan(0.02);
    expect(model.shrinkage).toBe(0);
  });

  it('Ledoit–Wolf intensity equals the paper’s formula and behaves at the extremes', () => {
    const data = gaussianClasses({ n: 50, p: 4, separation: 0, seed: 2 });
    const { rows: n, cols: p, data: x } = data.x;
    // Ledoit & Wolf (2004): S = XᵀX/n, m = ⟨S, I⟩, d² = ‖S − mI‖², b̄² = n⁻² Σₖ ‖xₖxₖᵀ − S‖², λ = min(b̄², d²)/d²,
    // with ‖A‖² = tr(AAᵀ)/p.
    const s = new Float64Array(p * p);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) s[i * p + j] += (x[r * p + i] * x[r * p + j]) / n;
    let m = 0;
    for (let i = 0; i < p; i++) m += s[i * p + i] / p;
    let d2 = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) d2 += (s[i * p + j] - (i === j ? m : 0)) ** 2 / p;
    let b2 = 0;
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) b2 += (x[r * p + i] * x[r * p + j] - s[i * p + j]) ** 2 / p / (n * n);
    }
    expect(ledoitWolfShrinkage(data.x)).toBeCloseTo(Math.min(b2, d2) / d2, 12);

    const correlated = gaussianClasses({
      n: 5000,
      p: 3,
      separation: 0,
      choleskyFactor: [1, 0, 0, 0.95, 0.3, 0, 0.9, 0.1, 0.4],
      seed: 3,
    });
    expect(ledoitWolfShrinkage(correlated.x)).toBeLessThan(0.02);
    const isotropic = gaussianClasses({ n: 200, p: 10, separation: 0, seed: 4 });
    expect(ledoitWolfShrinkage(isotropic.x)).toBeGreaterThan(0.7);
  });

  it('handles more features than rows with shrinkage and refuses it without', () => {
    const data = gaussianClasses({ n: 12, p: 20, separation: 3, seed: 6 });
    const model = fitLda(data);
    expect(model.shrinkage).toBeGreaterThan(0);
    const p = predictProbaLda(model, data.x);
    for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
    expect(() => fitLda(data, 'none')).toThrow(/positive definite/);
  });

  it('chooses λ by CV from a list', () => {
    const data = gaussianClasses({ n: 120, p: 5, separation: 1.5, seed: 9 });
    const model = fitLda(data, { cv: [0, 0.3, 0.9], k: 5, seed: 1 });
    expect([0, 0.3, 0.9]).toContain(model.shrinkage);
    expect(() => fitLda(data, 1.5)).toThrow(/outside/);
    expect(() => fitLda({ x: createMatrix(3, 1), y: Uint8Array.from([1, 0, 0]) })).toThrow(/need ≥ 2/);
  });
});
