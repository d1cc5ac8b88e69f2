import { stratifiedKFold } from '@calcscope/ml';
import { TrainingError } from './errors';
import { fitKnnByCv, fitLdaByCv, fitLogisticByCv, fitSvmByCv } from './fit-baselines';
import { fitSaeByCv } from './fit-sae';
import { DEFAULT_GRIDS, QUICK_GRIDS } from './grids';
import { checkLabelledRows, datasetOf } from './labelled-rows';
import {
  type FitOptions,
  type FitResult,
  type LabelledRows,
  MODEL_FAMILIES,
  type ModelFamily,
} from './types';

/** Default number of CV folds (the paper's 10-fold CV). */
export const DEFAULT_CV_FOLDS = 10;

/**
 * Trains one model family the way the paper does: hyperparameters by stratified k-fold CV accuracy on the
 * training set, then the chosen configuration on all training rows.
 *
 * - `sae`: hidden layers/units × masking noise by CV; fine-tuning epochs by early stopping on a validation
 *   fold inside each CV training run, the final fit using their median (see `fitSaeByCv`, grids in
 *   `DEFAULT_GRIDS`). Runs on onnxruntime.
 * - `svm`: C × γ by CV, Platt-scaled probabilities. `knn`: k and weighting by CV. `lda`: covariance
 *   shrinkage by CV. `logistic`: L1 λ by CV deviance.
 *
 * The folds come from `stratifiedKFold(y, cvFolds, seed)`, the same for every family of a run, and the
 * whole fit is deterministic for a seed (and, for the SAE, a thread count). `cv` is the CV accuracy (labels
 * P(malignant) > 0.5) of the chosen configuration on those folds: the paper's "CV accuracy mean ± std".
 *
 * @param family - which model.
 * @param train - training rows: x n × p row-major, y 0/1.
 * @param options - seed (integer in [0, 2³²)), cvFolds (default 10), onProgress, quick (tiny grids),
 *   threads and providers for the SAE.
 * @returns the model, hyperparameters, CV accuracy, search table and wall time.
 * @throws TrainingError `INVALID_OPTION` for an unknown family, a bad seed or fold count;
 *   `INVALID_DATA` for malformed rows or a class with fewer than max(cvFolds, 3) rows.
 */
export async function fitModel(
  family: ModelFamily,
  train: LabelledRows,
  options: FitOptions,
): Promise<FitResult> {
  if (!MODEL_FAMILIES.includes(family)) {
    throw new TrainingError(
      'INVALID_OPTION',
      `unknown model family '${family}' (known: ${MODEL_FAMILIES.join(', ')})`,
    );
  }
  const { seed } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new TrainingError('INVALID_OPTION', `seed must be an integer in [0, 2^32), got ${seed}`);
  }
  const k = options.cvFolds ?? DEFAULT_CV_FOLDS;
  if (!Number.isInteger(k) || k < 2 || k > 255) {
    throw new TrainingError('INVALID_OPTION', `cvFolds must be an integer in [2, 255], got ${k}`);
  }
  const counts = checkLabelledRows(train, 'training set');
  const needed = Math.max(k, 3);
  if (counts.positives < needed || counts.negatives < needed) {
    throw new TrainingError(
      'INVALID_DATA',
      `training set has ${counts.positives} positive and ${counts.negatives} negative rows; ${k}-fold CV needs at least ${needed} of each`,
    );
  }
  const grids = options.quick ? QUICK_GRIDS : DEFAULT_GRIDS;
  const folds = stratifiedKFold(train.y, k, seed);
  const data = datasetOf(train);
  const started = performance.now();
  const progress = (stage: 'search' | 'final' | 'done', fraction: number, message: string) =>
    options.onProgress?.({ family, stage, fraction, message });
  let fit: Omit<FitResult, 'family' | 'seconds'>;
  if (family === 'sae') {
    fit = await fitSaeByCv(train, folds, grids.sae, options);
  } else {
    progress('search', 0, `${family}: ${k}-fold CV search on ${counts.n} rows`);
    if (family === 'svm') fit = fitSvmByCv(data, folds, grids.svm, seed);
    else if (family === 'knn') fit = fitKnnByCv(data, folds, grids.knn);
    else if (family === 'lda') fit = fitLdaByCv(data, folds, grids.lda);
    else fit = fitLogisticByCv(data, folds, grids.logistic);
  }
  const seconds = (performance.now() - started) / 1000;
  progress(
    'done',
    1,
    `${family}: CV accuracy ${fit.cv.accuracyMean.toFixed(3)} ± ${fit.cv.accuracyStd.toFixed(3)} (${seconds.toFixed(1)} s)`,
  );
  return { family, ...fit, seconds };
}
