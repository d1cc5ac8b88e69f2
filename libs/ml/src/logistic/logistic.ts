import { MlError } from '../core/errors';
import { sigmoid } from '../core/linalg';
import {
  checkFinite,
  checkTrainingSet,
  type Dataset,
  type Matrix,
  selectDatasetRows,
  selectRows,
} from '../core/matrix';
import type { Standardizer } from '../core/standardize';
import { standardize } from '../core/standardize';
import { type Fold, stratifiedKFold } from '../cv/folds';
import { fitLassoPath, type LassoPath, type LassoPathOptions, lassoLambdaMax } from './path';

/**
 * A (possibly L1-penalised) logistic regression as plain data.
 *
 * For a raw row x: z = (x − mean) / scale; P(malignant) = 1/(1 + e^(−(weights·z + bias))); label = P > 0.5.
 * `selectedFeatures` lists the indices of the non-zero weights (the LASSO's selection).
 */
export interface LogisticModel {
  readonly family: 'logistic';
  readonly featureCount: number;
  readonly standardizer: Standardizer;
  readonly weights: Float64Array;
  readonly bias: number;
  readonly lambda: number;
  readonly selectedFeatures: Uint32Array;
}

/** Cross-validated λ path. */
export interface LassoCvResult {
  /** The path fitted on the whole training set. */
  readonly path: LassoPath;
  /** Mean held-out binomial deviance per λ (−2 × mean log-likelihood per row, averaged over folds). */
  readonly cvMean: Float64Array;
  /** Its standard error across folds (fold sd / √k). */
  readonly cvStandardError: Float64Array;
  /** Index and value of the λ with the smallest mean deviance. */
  readonly indexMin: number;
  readonly lambdaMin: number;
  /** Index and value of the largest λ whose mean deviance is within one standard error of the minimum. */
  readonly index1se: number;
  readonly lambda1se: number;
  readonly folds: readonly Fold[];
}

/**
 * Log-odds of raw rows under coefficients of standardized features.
 *
 * @param standardizer - the training standardizer.
 * @param weights - coefficients (standardized units); bias - intercept.
 * @param x - raw rows.
 * @returns n log-odds.
 */
function logOdds(
  standardizer: Standardizer,
  weights: ArrayLike<number>,
  bias: number,
  x: Matrix,
): Float64Array {
  const z = standardize(standardizer, x);
  const p = z.cols;
  const out = new Float64Array(z.rows);
  for (let r = 0; r < z.rows; r++) {
    let t = bias;
    for (let j = 0; j < p; j++) t += weights[j] * z.data[r * p + j];
    out[r] = t;
  }
  return out;
}

/** Binomial deviance −2 Σ [y log p + (1 − y) log(1 − p)] / n, from log-odds (stable: log σ(t) = −log1p(e^(−t))). */
function meanDeviance(eta: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < eta.length; i++) {
    const t = y[i] === 1 ? eta[i] : -eta[i];
    s += t > 0 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
  }
  return (2 * s) / eta.length;
}

/**
 * Turns one λ of a path into a model.
 *
 * @param path - fitted path.
 * @param index - which λ.
 * @returns the model (weights copied).
 */
export function logisticModelFromPath(path: LassoPath, index: number): LogisticModel {
  const p = path.featureCount;
  const weights = path.coefficients.slice(index * p, (index + 1) * p);
  const selected: number[] = [];
  weights.forEach((v, j) => {
    if (v !== 0) selected.push(j);
  });
  return {
    family: 'logistic',
    featureCount: p,
    standardizer: path.standardizer,
    weights,
    bias: path.intercepts[index],
    lambda: path.lambdas[index],
    selectedFeatures: Uint32Array.from(selected),
  };
}

/**
 * Fits logistic regression at a single penalty λ (0 = unpenalised maximum likelihood), reaching it along a
 * 20-step log-spaced warm-start path from λ_max.
 *
 * @param train - training set.
 * @param lambda - penalty ≥ 0.
 * @param options - tolerance and iteration limits (`lambdas`/`nLambda` are ignored).
 * @returns the model. On linearly separable data and λ = 0 the likelihood has no maximum; the weights then
 *   grow until the iteration limit.
 * @throws MlError from validation, `INVALID_OPTION` for λ < 0.
 */
export function fitLogistic(train: Dataset, lambda: number, options: LassoPathOptions = {}): LogisticModel {
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new MlError('INVALID_OPTION', `lambda ${lambda} must be ≥ 0`);
  const steps: number[] = [];
  const top = lassoLambdaMax(train);
  const floor = Math.max(lambda, top * 1e-4);
  if (top > floor) for (let k = 0; k < 20; k++) steps.push(top * (floor / top) ** (k / 19));
  if (steps.length === 0 || steps[steps.length - 1] > lambda) steps.push(lambda);
  const path = fitLassoPath(train, { ...options, lambdas: steps });
  return logisticModelFromPath(path, steps.length - 1);
}

/**
 * Chooses λ by stratified k-fold CV of the held-out binomial deviance (glmnet's `cv.glmnet`): the whole-set
 * λ sequence is fitted on every fold's training rows (each fold standardizes on its own rows).
 *
 * @param train - training set.
 * @param options - path options plus `k` folds (default 10) and `seed` (default 0), or explicit `folds`.
 * @returns the whole-set path, CV curve, and the min and 1-SE choices.
 * @throws MlError from validation and the path.
 */
export function cvLassoPath(
  train: Dataset,
  options: LassoPathOptions & { k?: number; seed?: number; folds?: readonly Fold[] } = {},
): LassoCvResult {
  checkTrainingSet(train, 2);
  const path = fitLassoPath(train, options);
  const folds = options.folds ?? stratifiedKFold(train.y, options.k ?? 10, options.seed ?? 0);
  const lambdas = Array.from(path.lambdas);
  const perFold = folds.map((fold) => {
    const foldPath = fitLassoPath(selectDatasetRows(train, fold.train), { ...options, lambdas });
    const testX = selectRows(train.x, fold.test);
    const testY = Uint8Array.from(fold.test, (i) => train.y[i]);
    return lambdas.map((_, l) =>
      meanDeviance(
        logOdds(
          foldPath.standardizer,
          foldPath.coefficients.subarray(l * path.featureCount, (l + 1) * path.featureCount),
          foldPath.intercepts[l],
          testX,
        ),
        testY,
      ),
    );
  });
  const k = folds.length;
  const cvMean = new Float64Array(lambdas.length);
  const cvStandardError = new Float64Array(lambdas.length);
  for (let l = 0; l < lambdas.length; l++) {
    let m = 0;
    for (let f = 0; f < k; f++) m += perFold[f][l];
    m /= k;
    let ss = 0;
    for (let f = 0; f < k; f++) ss += (perFold[f][l] - m) ** 2;
    cvMean[l] = m;
    cvStandardError[l] = Math.sqrt(ss / (k - 1) / k);
  }
  let indexMin = 0;
  for (let l = 1; l < lambdas.length; l++) if (cvMean[l] < cvMean[indexMin]) indexMin = l;
  let index1se = indexMin;
  const limit = cvMean[indexMin] + cvStandardError[indexMin];
  for (let l = 0; l < indexMin; l++) {
    if (cvMean[l] <= limit) {
      index1se = l;
      break;
    }
  }
  return {
    path,
    cvMean,
    cvStandardError,
    indexMin,
    lambdaMin: path.lambdas[indexMin],
    index1se,
    lambda1se: path.lambdas[index1se],
    folds,
  };
}

/**
 * LASSO logistic regression with λ chosen by CV (the DCIS/IDC paper's feature selector and model).
 *
 * @param train - training set.
 * @param options - `rule`: `1se` (default, sparser, glmnet's recommendation) or `min`; plus `cvLassoPath`'s options.
 * @returns the model at the chosen λ and the CV result.
 * @throws MlError as `cvLassoPath`.
 */
export function trainLassoLogistic(
  train: Dataset,
  options: LassoPathOptions & {
    k?: number;
    seed?: number;
    folds?: readonly Fold[];
    rule?: 'min' | '1se';
  } = {},
): { model: LogisticModel; cv: LassoCvResult } {
  const cv = cvLassoPath(train, options);
  const index = (options.rule ?? '1se') === 'min' ? cv.indexMin : cv.index1se;
  return { model: logisticModelFromPath(cv.path, index), cv };
}

/**
 * Probabilities of the positive class for raw feature rows.
 *
 * @param model - trained logistic model.
 * @param x - n × featureCount raw features.
 * @returns n probabilities.
 * @throws MlError `SHAPE_MISMATCH`, `NON_FINITE`.
 */
export function predictProbaLogistic(model: LogisticModel, x: Matrix): Float64Array {
  checkFinite(x);
  const t = logOdds(model.standardizer, model.weights, model.bias, x);
  for (let i = 0; i < t.length; i++) t[i] = sigmoid(t[i]);
  return t;
}
