import { describe, expect, it } from 'vitest';
import { sigmoid } from '../core/linalg';
import { rawLinearCoefficients } from '../core/linear';
import { createMatrix, type Dataset } from '../core/matrix';
import { createRandom } from '../core/random';
import { fitStandardizer, standardize } from '../core/standardize';
import { gaussianClasses } from '../core/synthetic';
import {
  cvLassoPath,
  fitLogistic,
  logisticModelFromPath,
  predictProbaLogistic,
  trainLassoLogistic,
} from './logistic';
import { fitLassoPath, lassoLambdaMax } from './path';

/** Unpenalised logistic regression by Newton–Raphson on raw features with an intercept (test oracle). */
function newtonLogistic(data: Dataset): { bias: number; weights: number[] } {
  const { rows: n, cols: p, data: x } = data.x;
  const q = p + 1;
  const beta = new Array<number>(q).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const h = Array.from({ length: q }, () => new Array<number>(q + 1).fill(0)); // augmented [H | g]
    for (let i = 0; i < n; i++) {
      const row = [1, ...Array.from(x.subarray(i * p, (i + 1) * p))];
      const prob = sigmoid(row.reduce((s, v, j) => s + v * beta[j], 0));
      const w = prob * (1 - prob);
      for (let a = 0; a < q; a++) {
        h[a][q] += row[a] * (data.y[i] - prob);
        for (let b = 0; b < q; b++) h[a][b] += w * row[a] * row[b];
      }
    }
    // Gaussian elimination with partial pivoting on [H | g]
    for (let c = 0; c < q; c++) {
      let pivot = c;
      for (let r = c + 1; r < q; r++) if (Math.abs(h[r][c]) > Math.abs(h[pivot][c])) pivot = r;
      [h[c], h[pivot]] = [h[pivot], h[c]];
      for (let r = c + 1; r < q; r++) {
        const f = h[r][c] / h[c][c];
        for (let k = c; k <= q; k++) h[r][k] -= f * h[c][k];
      }
    }
    const step = new Array<number>(q).fill(0);
    for (let r = q - 1; r >= 0; r--) {
      let s = h[r][q];
      for (let k = r + 1; k < q; k++) s -= h[r][k] * step[k];
      step[r] = s / h[r][r];
    }
    for (let j = 0; j < q; j++) beta[j] += step[j];
    if (Math.max(...step.map(Math.abs)) < 1e-13) break;
  }
  return { bias: beta[0], weights: beta.slice(1) };
}

/** Independent features, the first three informative with log-odds 1.5·x0 − 1·x1 + 0.7·x2 − 0.3. */
function sparseProblem(n: number, p: number, seed: number): Dataset {
  const base = gaussianClasses({ n, p, separation: 0, seed });
  const y = new Uint8Array(n);
  const random = createRandom(seed + 1000);
  const x = base.x.data;
  for (let i = 0; i < n; i++) {
    const t = 1.5 * x[i * p] - x[i * p + 1] + 0.7 * x[i * p + 2] - 0.3;
    y[i] = random() < sigmoid(t) ? 1 : 0;
  }
  return { x: base.x, y };
}

describe('LASSO logistic regression', () => {
  it('at λ = 0 matches an unpenalised Newton solution', () => {
    const data = gaussianClasses({ n: 400, p: 4, separation: 1, seed: 31 });
    const model = fitLogistic(data, 0, { tolerance: 1e-20, maxSweeps: 1_000_000 });
    const raw = rawLinearCoefficients(model);
    const newton = newtonLogistic(data);
    expect(raw.bias).toBeCloseTo(newton.bias, 7);
    for (let j = 0; j < 4; j++) expect(raw.weights[j]).toBeCloseTo(newton.weights[j], 7);
    expect(model.selectedFeatures.length).toBe(4);
  });

  it('gives all-zero coefficients for λ ≥ λ_max and the logit of the base rate as intercept', () => {
    const data = sparseProblem(300, 6, 5);
    const lambdaMax = lassoLambdaMax(data);
    const path = fitLassoPath(data, { lambdas: [2 * lambdaMax, lambdaMax, 0.98 * lambdaMax] });
    let positives = 0;
    for (const v of data.y) positives += v;
    const base = Math.log(positives / (300 - positives));
    for (let l = 0; l < 2; l++) {
      for (let j = 0; j < 6; j++) expect(path.coefficients[l * 6 + j]).toBe(0);
      expect(path.intercepts[l]).toBeCloseTo(base, 8);
    }
    // just below λ_max one coefficient enters: λ_max is tight
    let nonZero = 0;
    for (let j = 0; j < 6; j++) nonZero += path.coefficients[2 * 6 + j] !== 0 ? 1 : 0;
    expect(nonZero).toBe(1);
  });

  it('grows the active set along the path and satisfies the LASSO optimality conditions', () => {
    const data = sparseProblem(500, 8, 7);
    const path = fitLassoPath(data, { nLambda: 40, tolerance: 1e-14 });
    const counts = Array.from(
      { length: 40 },
      (_, l) => path.coefficients.subarray(l * 8, (l + 1) * 8).filter((v) => v !== 0).length,
    );
    expect(counts[0]).toBe(0);
    expect(counts[39]).toBe(8);
    for (let l = 1; l < 40; l++) expect(counts[l]).toBeGreaterThanOrEqual(counts[l - 1]);
    // KKT at a mid-path λ: (1/n) zⱼᵀ(y − p) = λ·sign(βⱼ) for βⱼ ≠ 0, |…| ≤ λ for βⱼ = 0
    const l = 15;
    const z = standardize(fitStandardizer(data.x), data.x).data;
    const beta = path.coefficients.subarray(l * 8, (l + 1) * 8);
    const residual = new Float64Array(500);
    for (let i = 0; i < 500; i++) {
      let t = path.intercepts[l];
      for (let j = 0; j < 8; j++) t += beta[j] * z[i * 8 + j];
      residual[i] = data.y[i] - sigmoid(t);
    }
    const lambda = path.lambdas[l];
    expect(Math.abs(residual.reduce((a, b) => a + b, 0)) / 500).toBeLessThan(1e-6); // intercept is unpenalised
    for (let j = 0; j < 8; j++) {
      let g = 0;
      for (let i = 0; i < 500; i++) g += z[i * 8 + j] * residual[i];
      g /= 500;
      if (beta[j] !== 0) expect(Math.abs(g - lambda * Math.sign(beta[j]))).toBeLessThan(1e-6);
      else expect(Math.abs(g)).toBeLessThanOrEqual(lambda + 1e-6);
    }
  });

  it('chooses λ by CV; the 1-SE model keeps the informative features', () => {
    const data = sparseProblem(600, 10, 11);
    const cv = cvLassoPath(data, { k: 5, seed: 3, nLambda: 50 });
    expect(cv.lambda1se).toBeGreaterThanOrEqual(cv.lambdaMin);
    expect(cv.cvMean[cv.index1se]).toBeLessThanOrEqual(
      cv.cvMean[cv.indexMin] + cv.cvStandardError[cv.indexMin],
    );
    // the null model's deviance is worse than the chosen one
    expect(cv.cvMean[0]).toBeGreaterThan(cv.cvMean[cv.indexMin]);
    const { model } = trainLassoLogistic(data, { k: 5, seed: 3, nLambda: 50 });
    const selected = Array.from(model.selectedFeatures);
    for (const j of [0, 1, 2]) expect(selected).toContain(j);
    expect(selected.length).toBeLessThanOrEqual(6);
    expect(model.weights[0]).toBeGreaterThan(0);
    expect(model.weights[1]).toBeLessThan(0);
    const p = predictProbaLogistic(model, data.x);
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
    expect(logisticModelFromPath(cv.path, cv.index1se).lambda).toBe(cv.lambda1se);
  });

  it('refuses a negative λ', () => {
    const data = { x: createMatrix(2, 1, Float64Array.from([0, 1])), y: Uint8Array.from([0, 1]) };
    expect(() => fitLogistic(data, -1)).toThrow(/lambda/);
  });
});
