import {
  crossValidateFolds,
  type Dataset,
  type Fold,
  fitPredictOf,
  meanAndStd,
  type TabularModel,
} from '@calcscope/ml';
import type { CvSummary } from './types';

/**
 * Summarises fold accuracies.
 *
 * @param perFold - accuracy on each held-out fold.
 * @returns their count, mean and sample standard deviation (divisor k − 1).
 */
export function summarizeFolds(perFold: ArrayLike<number>): CvSummary {
  const { mean, std } = meanAndStd(perFold);
  return { folds: perFold.length, accuracyMean: mean, accuracyStd: std, perFold: Array.from(perFold) };
}

/**
 * Cross-validated accuracy of one fixed configuration of a tabular model: on every fold, `fit` trains on
 * the fold's training rows and the model's own labels (P(malignant) > 0.5) are scored on its held-out rows.
 *
 * @param fit - trains the configuration on a dataset.
 * @param data - the training set.
 * @param folds - the folds (shared by all families of a run).
 * @returns the fold accuracies and their mean ± sample std.
 * @throws MlError from the model's validation.
 */
export function crossValidateConfiguration(
  fit: (train: Dataset) => TabularModel,
  data: Dataset,
  folds: readonly Fold[],
): CvSummary {
  return summarizeFolds(crossValidateFolds(fitPredictOf(fit), data, folds).foldAccuracy);
}
