import { MlError } from '../core/errors';
import { checkTrainingSet, type Dataset, type Matrix, selectDatasetRows, selectRows } from '../core/matrix';
import { type Fold, stratifiedKFold } from './folds';

/** What a model says about a batch of rows: a positive-class score and a 0/1 decision per row. */
export interface Prediction {
  /** Higher = more likely positive (a probability, or a decision value for the SVM's grid). */
  readonly scores: Float64Array;
  readonly labels: Uint8Array;
}

/** Trains on `train` and predicts `testX` (a fresh model each call; must not keep state between calls). */
export type FitPredict = (train: Dataset, testX: Matrix) => Prediction;

/** Per-fold accuracies and out-of-fold predictions of one cross-validation. */
export interface CrossValidationResult {
  readonly foldAccuracy: Float64Array;
  /** Mean of the fold accuracies. */
  readonly meanAccuracy: number;
  /** Sample standard deviation (divisor k − 1) of the fold accuracies. */
  readonly stdAccuracy: number;
  /** Score each row received from the model that did not see it. */
  readonly outOfFoldScores: Float64Array;
  readonly outOfFoldLabels: Uint8Array;
  readonly folds: readonly Fold[];
}

/**
 * Mean and sample standard deviation (divisor n − 1; 0 for a single value).
 *
 * @param values - numbers.
 * @returns `{ mean, std }`.
 */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/**
 * Cross-validates `fitPredict` over given folds.
 *
 * @param fitPredict - trains on the training rows of a fold and predicts its test rows.
 * @param data - the dataset (validated: shapes, 0/1 labels, finite values, both classes).
 * @param folds - partitions of `data`'s rows (e.g. from `stratifiedKFold`).
 * @returns per-fold accuracy (share of test labels predicted right), their mean ± sample std and the
 *   out-of-fold predictions.
 * @throws MlError from validation, or `SHAPE_MISMATCH` when fitPredict returns the wrong number of rows.
 */
export function crossValidateFolds(
  fitPredict: FitPredict,
  data: Dataset,
  folds: readonly Fold[],
): CrossValidationResult {
  checkTrainingSet(data);
  const n = data.x.rows;
  const outOfFoldScores = new Float64Array(n).fill(Number.NaN);
  const outOfFoldLabels = new Uint8Array(n);
  const foldAccuracy = new Float64Array(folds.length);
  folds.forEach((fold, f) => {
    const prediction = fitPredict(selectDatasetRows(data, fold.train), selectRows(data.x, fold.test));
    if (prediction.labels.length !== fold.test.length || prediction.scores.length !== fold.test.length) {
      throw new MlError(
        'SHAPE_MISMATCH',
        `fold ${f}: fitPredict returned ${prediction.labels.length} rows for ${fold.test.length}`,
      );
    }
    let correct = 0;
    for (let t = 0; t < fold.test.length; t++) {
      const row = fold.test[t];
      outOfFoldScores[row] = prediction.scores[t];
      outOfFoldLabels[row] = prediction.labels[t];
      if (prediction.labels[t] === data.y[row]) correct++;
    }
    foldAccuracy[f] = correct / fold.test.length;
  });
  const { mean, std } = meanAndStd(foldAccuracy);
  return { foldAccuracy, meanAccuracy: mean, stdAccuracy: std, outOfFoldScores, outOfFoldLabels, folds };
}

/**
 * Stratified k-fold cross-validation of any model (the paper's "10-fold CV accuracy mean ± std").
 *
 * @param fitPredict - trains on a fold's training rows and predicts its test rows.
 * @param x - n × p features.
 * @param y - n labels 0/1.
 * @param k - number of folds (2 ≤ k ≤ n).
 * @param seed - fold-assignment seed.
 * @returns see `crossValidateFolds`.
 * @throws MlError as `crossValidateFolds` and `stratifiedKFold`.
 */
export function crossValidate(
  fitPredict: FitPredict,
  x: Matrix,
  y: Uint8Array,
  k: number,
  seed: number,
): CrossValidationResult {
  return crossValidateFolds(fitPredict, { x, y }, stratifiedKFold(y, k, seed));
}
