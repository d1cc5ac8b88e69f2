import {
  type CrossValidationResult,
  createMatrix,
  crossValidate,
  type Dataset,
  fitLogistic,
  type LogisticModel,
  type Matrix,
  mrmr,
  trainLassoLogistic,
} from '@calcscope/ml';
import { selectColumns } from './clinical';
import { RoiError } from './errors';

/**
 * A logistic head over some embedding channels and some clinical columns:
 * logit = bias + Σⱼ weightⱼ·(xⱼ − meanⱼ)/scaleⱼ, where x = [embedding[embeddingColumns], clinical[clinicalColumns]].
 * Every model here (deep, clinical, combined) is one of these; the exporter turns it into graph ops.
 */
export interface LinearHead {
  /** Embedding channels used, in column order (empty for the clinical model). */
  readonly embeddingColumns: readonly number[];
  /** Columns of the `clinical` input used, in column order (empty for the deep model). */
  readonly clinicalColumns: readonly number[];
  /** Per used column: training mean and scale (standardisation), and coefficient of the standardized value. */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly weights: Float64Array;
  readonly bias: number;
}

/**
 * The head of a logistic model fitted on `[embedding[embeddingColumns], clinical[clinicalColumns]]`,
 * keeping only the non-zero coefficients (the LASSO's selection; the predictions do not change).
 *
 * @param model - Fitted on exactly those columns, in that order.
 * @param embeddingColumns - Embedding channels of the model's first columns.
 * @param clinicalColumns - Clinical columns of the rest.
 * @returns The head.
 * @throws RoiError `INVALID_DATA` when the column counts disagree with the model.
 */
export function headFromLogistic(
  model: LogisticModel,
  embeddingColumns: readonly number[],
  clinicalColumns: readonly number[],
): LinearHead {
  const d = embeddingColumns.length;
  if (model.featureCount !== d + clinicalColumns.length)
    throw new RoiError(
      'INVALID_DATA',
      `model has ${model.featureCount} columns, head lists ${d} + ${clinicalColumns.length}`,
    );
  const keep: number[] = [];
  for (let j = 0; j < model.featureCount; j++) if (model.weights[j] !== 0) keep.push(j);
  return {
    embeddingColumns: keep.filter((j) => j < d).map((j) => embeddingColumns[j]),
    clinicalColumns: keep.filter((j) => j >= d).map((j) => clinicalColumns[j - d]),
    mean: Float64Array.from(keep, (j) => model.standardizer.mean[j]),
    scale: Float64Array.from(keep, (j) => model.standardizer.scale[j]),
    weights: Float64Array.from(keep, (j) => model.weights[j]),
    bias: model.bias,
  };
}

/**
 * The head's inputs gathered from full embedding and clinical rows.
 *
 * @param head - The head.
 * @param embedding - n × D embedding (or null when the head uses none).
 * @param clinical - n × C clinical rows (or null when the head uses none).
 * @param n - Rows.
 * @returns n × (used columns) matrix.
 */
export function headInputs(
  head: LinearHead,
  embedding: Matrix | null,
  clinical: Matrix | null,
  n: number,
): Matrix {
  const e = head.embeddingColumns;
  const c = head.clinicalColumns;
  const k = e.length + c.length;
  const data = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < e.length; j++)
      data[r * k + j] = (embedding as Matrix).data[r * (embedding as Matrix).cols + e[j]];
    for (let j = 0; j < c.length; j++)
      data[r * k + e.length + j] = (clinical as Matrix).data[r * (clinical as Matrix).cols + c[j]];
  }
  return createMatrix(n, k, data);
}

/**
 * Log-odds of the head.
 *
 * @param head - The head.
 * @param x - Rows from `headInputs`.
 * @returns n log-odds (float64).
 */
export function headLogits(head: LinearHead, x: Matrix): Float64Array {
  const k = head.weights.length;
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let t = head.bias;
    for (let j = 0; j < k; j++) t += (head.weights[j] * (x.data[r * k + j] - head.mean[j])) / head.scale[j];
    out[r] = t;
  }
  return out;
}

/**
 * P(class 1) of the head, σ(logit).
 *
 * @param head - The head.
 * @param x - Rows from `headInputs`.
 * @returns n probabilities.
 */
export function headProbabilities(head: LinearHead, x: Matrix): Float64Array {
  const t = headLogits(head, x);
  for (let i = 0; i < t.length; i++) t[i] = 1 / (1 + Math.exp(-t[i]));
  return t;
}

/** Settings of the deep head. */
export interface DeepHeadOptions {
  /** Features kept by mRMR (default min(20, D)). */
  readonly mrmrCount?: number;
  /** Folds of the LASSO's λ search (default 10, fewer when a class has fewer training rows). */
  readonly folds?: number;
  readonly seed: number;
}

/** The deep model and how it was chosen. */
export interface DeepHead {
  readonly head: LinearHead;
  /** Embedding channels mRMR chose, in selection order. */
  readonly mrmrSelected: readonly number[];
  readonly mrmrCount: number;
  /** λ chosen by CV (minimum mean deviance) and its CV deviance. */
  readonly lambda: number;
  readonly cvDeviance: number;
  readonly lassoFolds: number;
  /** Whether the minimum-deviance λ kept no feature and the path's first λ with one was taken instead. */
  readonly emptyAtMinimum: boolean;
}

/**
 * The 2025 paper's deep model on embeddings: mRMR (MID, Peng's μ ± σ tertile discretisation) keeps
 * `mrmrCount` channels, then an L1 logistic regression on them with λ at the minimum 10-fold CV deviance
 * (glmnet's `lambda.min`; the 1-SE rule emptied the model on 147 training rows). If that λ keeps no
 * feature, the largest λ that keeps one is used (recorded as `emptyAtMinimum`).
 *
 * @param train - n × D training embeddings and labels.
 * @param options - mRMR count, folds, seed.
 * @returns The head (only the non-zero channels) and the choices.
 * @throws MlError from mRMR and the path.
 */
export function fitDeepHead(train: Dataset, options: DeepHeadOptions): DeepHead {
  const d = train.x.cols;
  const mrmrCount = Math.min(options.mrmrCount ?? 20, d);
  const selected = mrmr(train.x, train.y, { count: mrmrCount }).selected;
  const x = selectColumns(train.x, selected);
  const lassoFolds = foldCount(train.y, options.folds ?? 10);
  const { model, cv } = trainLassoLogistic(
    { x, y: train.y },
    { k: lassoFolds, seed: options.seed, rule: 'min' },
  );
  let chosen = model;
  let emptyAtMinimum = false;
  if (model.selectedFeatures.length === 0) {
    emptyAtMinimum = true;
    const p = cv.path.featureCount;
    for (let l = 0; l < cv.path.lambdas.length; l++) {
      const row = cv.path.coefficients.subarray(l * p, (l + 1) * p);
      if (row.some((v) => v !== 0)) {
        chosen = fitLogistic({ x, y: train.y }, cv.path.lambdas[l]);
        break;
      }
    }
  }
  return {
    head: headFromLogistic(chosen, selected, []),
    mrmrSelected: selected,
    mrmrCount,
    lambda: chosen.lambda,
    cvDeviance: cv.cvMean[cv.indexMin],
    lassoFolds,
    emptyAtMinimum,
  };
}

/**
 * The combined model: unpenalised logistic regression on the deep head's channels and the chosen clinical
 * columns.
 *
 * @param embedding - n × D training embeddings.
 * @param clinical - n × C training clinical rows.
 * @param y - Labels.
 * @param embeddingColumns - The deep head's channels.
 * @param clinicalColumns - The clinical model's columns.
 * @returns The head.
 */
export function fitCombinedHead(
  embedding: Matrix,
  clinical: Matrix,
  y: Uint8Array,
  embeddingColumns: readonly number[],
  clinicalColumns: readonly number[],
): LinearHead {
  const x = joinColumns(selectColumns(embedding, embeddingColumns), selectColumns(clinical, clinicalColumns));
  return headFromLogistic(fitLogistic({ x, y }, 0), embeddingColumns, clinicalColumns);
}

/**
 * The clinical model: unpenalised logistic regression on the chosen clinical columns.
 *
 * @param clinical - n × C training rows.
 * @param y - Labels.
 * @param columns - Chosen columns.
 * @returns The head.
 */
export function fitClinicalHead(clinical: Matrix, y: Uint8Array, columns: readonly number[]): LinearHead {
  return headFromLogistic(fitLogistic({ x: selectColumns(clinical, columns), y }, 0), [], columns);
}

/**
 * Side-by-side concatenation of two matrices with equal rows.
 *
 * @param a - Left columns.
 * @param b - Right columns.
 * @returns n × (a.cols + b.cols).
 */
export function joinColumns(a: Matrix, b: Matrix): Matrix {
  const k = a.cols + b.cols;
  const data = new Float64Array(a.rows * k);
  for (let r = 0; r < a.rows; r++) {
    for (let j = 0; j < a.cols; j++) data[r * k + j] = a.data[r * a.cols + j];
    for (let j = 0; j < b.cols; j++) data[r * k + a.cols + j] = b.data[r * b.cols + j];
  }
  return createMatrix(a.rows, k, data);
}

/**
 * Stratified k-fold accuracy of a head-fitting procedure (labels P > 0.5), for the card's `cv`.
 *
 * @param fit - Fits on training rows, returns a predictor of P(class 1).
 * @param data - Training rows.
 * @param k - Folds (reduced to the smaller class's count).
 * @param seed - Fold seed.
 * @returns The CV result.
 */
export function headCrossValidation(
  fit: (train: Dataset) => (x: Matrix) => Float64Array,
  data: Dataset,
  k: number,
  seed: number,
): CrossValidationResult {
  return crossValidate(
    (train, testX) => {
      const scores = fit(train)(testX);
      return { scores, labels: Uint8Array.from(scores, (p) => (p > 0.5 ? 1 : 0)) };
    },
    data.x,
    data.y,
    foldCount(data.y, k),
    seed,
  );
}

/** k, lowered to the smaller class's count (each fold needs a case of each class), at least 2. */
export function foldCount(y: Uint8Array, k: number): number {
  let positives = 0;
  for (const v of y) positives += v;
  return Math.max(2, Math.min(k, positives, y.length - positives));
}
