import { MlError } from '../core/errors';
import { cholesky, choleskySolve, sigmoid } from '../core/linalg';
import { checkFinite, checkTrainingSet, type Dataset, type Matrix } from '../core/matrix';
import { fitStandardizer, type Standardizer, standardize } from '../core/standardize';
import { gridSearchCv } from '../cv/grid-search';

/**
 * Two-class linear discriminant analysis with a shrunk pooled covariance, as plain data.
 *
 * For a raw row x: z = (x − mean) / scale; log-odds = weights · z + bias; P(malignant) = 1/(1 + e^(−log-odds));
 * label = P > 0.5. `weights` = Σ⁻¹(μ₁ − μ₀) and `bias` = −½ weights·(μ₁ + μ₀) + log(π₁/π₀), which is the
 * Gaussian posterior with shared covariance Σ.
 */
export interface LdaModel {
  readonly family: 'lda';
  readonly featureCount: number;
  readonly standardizer: Standardizer;
  /** Discriminant direction in standardized units. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** Shrinkage intensity λ ∈ [0, 1] actually used: Σ = (1 − λ)S + λ·(tr S / p)·I. */
  readonly shrinkage: number;
  /** Class means in standardized units: [μ₀; μ₁], 2 × p row-major. */
  readonly classMeans: Float64Array;
  /** Class priors π₀, π₁ (training frequencies). */
  readonly priors: readonly [number, number];
}

/**
 * How the pooled covariance is regularised: `ledoit-wolf` (default, analytic Ledoit & Wolf 2004 intensity
 * towards a scaled identity), `none` (λ = 0, needs a non-singular S), a fixed λ ∈ [0, 1], or `{ cv }`:
 * the λ of the list with the best stratified CV accuracy.
 */
export type LdaShrinkage =
  | 'ledoit-wolf'
  | 'none'
  | number
  | { readonly cv: readonly number[]; readonly k?: number; readonly seed?: number };

/**
 * Ledoit–Wolf shrinkage intensity towards μI for zero-mean rows (the estimator of scikit-learn's
 * `ledoit_wolf_shrinkage(assume_centered=True)`, divisor n).
 *
 * @param centred - n × p rows with the (class) means already removed.
 * @returns λ ∈ [0, 1].
 */
export function ledoitWolfShrinkage(centred: Matrix): number {
  const { rows: n, cols: p, data } = centred;
  const cov = new Float64Array(p * p); // XᵀX / n
  const squaresCross = new Float64Array(p * p); // Σₖ x²ₖᵢ x²ₖⱼ
  for (let r = 0; r < n; r++) {
    const o = r * p;
    for (let i = 0; i < p; i++) {
      const xi = data[o + i];
      for (let j = 0; j < p; j++) {
        const xj = data[o + j];
        cov[i * p + j] += xi * xj;
        squaresCross[i * p + j] += xi * xi * xj * xj;
      }
    }
  }
  let trace = 0;
  let betaSum = 0;
  let deltaSum = 0;
  for (let i = 0; i < p * p; i++) {
    cov[i] /= n;
    betaSum += squaresCross[i];
    deltaSum += cov[i] * cov[i];
  }
  for (let i = 0; i < p; i++) trace += cov[i * p + i];
  const mu = trace / p;
  let beta = (betaSum / n - deltaSum) / (p * n);
  const delta = (deltaSum - 2 * mu * trace + p * mu * mu) / p;
  beta = Math.min(beta, delta);
  return beta === 0 || delta === 0 ? 0 : Math.max(0, Math.min(1, beta / delta));
}

function fitWithShrinkage(train: Dataset, lambda: number | 'ledoit-wolf'): LdaModel {
  const { counts, standardizer, zs } = prepare(train);
  const n = zs.rows;
  const p = zs.cols;
  const means = new Float64Array(2 * p);
  for (let r = 0; r < n; r++) {
    const o = train.y[r] * p;
    for (let c = 0; c < p; c++) means[o + c] += zs.data[r * p + c];
  }
  for (let c = 0; c < p; c++) {
    means[c] /= counts.negatives;
    means[p + c] /= counts.positives;
  }
  const centred = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    const o = train.y[r] * p;
    for (let c = 0; c < p; c++) centred[r * p + c] = zs.data[r * p + c] - means[o + c];
  }
  // Pooled within-class covariance, unbiased (divisor n − 2).
  const pooled = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    const o = r * p;
    for (let i = 0; i < p; i++) {
      const v = centred[o + i];
      for (let j = 0; j <= i; j++) pooled[i * p + j] += v * centred[o + j];
    }
  }
  let trace = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      pooled[i * p + j] /= n - 2;
      pooled[j * p + i] = pooled[i * p + j];
    }
    trace += pooled[i * p + i];
  }
  const shrinkage =
    lambda === 'ledoit-wolf' ? ledoitWolfShrinkage({ rows: n, cols: p, data: centred }) : lambda;
  const target = trace / p;
  for (let i = 0; i < p * p; i++) pooled[i] *= 1 - shrinkage;
  for (let i = 0; i < p; i++) pooled[i * p + i] += shrinkage * target;
  const difference = new Float64Array(p);
  for (let c = 0; c < p; c++) difference[c] = means[p + c] - means[c];
  const weights = choleskySolve(cholesky(pooled, p), p, difference);
  const prior1 = counts.positives / n;
  let bias = Math.log(prior1 / (1 - prior1));
  for (let c = 0; c < p; c++) bias -= 0.5 * weights[c] * (means[p + c] + means[c]);
  return {
    family: 'lda',
    featureCount: p,
    standardizer,
    weights,
    bias,
    shrinkage,
    classMeans: means,
    priors: [1 - prior1, prior1],
  };
}

function prepare(train: Dataset) {
  const counts = checkTrainingSet(train, 2);
  const standardizer = fitStandardizer(train.x);
  return { counts, standardizer, zs: standardize(standardizer, train.x) };
}

/**
 * Fits two-class LDA with a shrunk pooled covariance (on standardized features, so shrinkage towards the
 * identity treats all features alike).
 *
 * @param train - training set (≥ 2 rows of each class, finite).
 * @param shrinkage - see `LdaShrinkage` (default `ledoit-wolf`).
 * @returns the model.
 * @throws MlError from validation; `INVALID_OPTION` for λ outside [0, 1]; `NOT_POSITIVE_DEFINITE` when the
 *   shrunk covariance is singular (e.g. λ = 0 with more features than rows).
 */
export function fitLda(train: Dataset, shrinkage: LdaShrinkage = 'ledoit-wolf'): LdaModel {
  if (shrinkage === 'ledoit-wolf') return fitWithShrinkage(train, 'ledoit-wolf');
  if (shrinkage === 'none') return fitWithShrinkage(train, 0);
  if (typeof shrinkage === 'number') {
    if (!(shrinkage >= 0 && shrinkage <= 1))
      throw new MlError('INVALID_OPTION', `shrinkage ${shrinkage} outside [0, 1]`);
    return fitWithShrinkage(train, shrinkage);
  }
  for (const v of shrinkage.cv)
    if (!(v >= 0 && v <= 1)) throw new MlError('INVALID_OPTION', `shrinkage ${v} outside [0, 1]`);
  const grid = gridSearchCv(
    (lambda: number) => (fold, testX) => {
      const p = predictProbaLda(fitWithShrinkage(fold, lambda), testX);
      return { scores: p, labels: Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)) };
    },
    train,
    shrinkage.cv,
    { k: shrinkage.k ?? 10, seed: shrinkage.seed ?? 0 },
  );
  return fitWithShrinkage(train, grid.best);
}

/**
 * Log-odds log P(1|x)/P(0|x) for raw feature rows.
 *
 * @param model - trained LDA.
 * @param x - n × featureCount raw features.
 * @returns n log-odds.
 * @throws MlError `SHAPE_MISMATCH`, `NON_FINITE`.
 */
export function ldaLogOdds(model: LdaModel, x: Matrix): Float64Array {
  checkFinite(x);
  const z = standardize(model.standardizer, x);
  const p = model.featureCount;
  const out = new Float64Array(z.rows);
  for (let r = 0; r < z.rows; r++) {
    let t = model.bias;
    for (let c = 0; c < p; c++) t += model.weights[c] * z.data[r * p + c];
    out[r] = t;
  }
  return out;
}

/**
 * Posterior probabilities of the positive class.
 *
 * @param model - trained LDA.
 * @param x - n × featureCount raw features.
 * @returns n probabilities.
 * @throws MlError as `ldaLogOdds`.
 */
export function predictProbaLda(model: LdaModel, x: Matrix): Float64Array {
  const t = ldaLogOdds(model, x);
  for (let i = 0; i < t.length; i++) t[i] = sigmoid(t[i]);
  return t;
}
