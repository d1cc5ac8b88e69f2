import { MlError } from '../core/errors';
import { checkTrainingSet, type Dataset, selectRows } from '../core/matrix';
import { fitStandardizer, standardize } from '../core/standardize';
import { meanAndStd } from '../cv/cross-validate';
import { type Fold, stratifiedKFold } from '../cv/folds';
import type { GridEntry, GridSearchResult } from '../cv/grid-search';
import { fitKnn, type KnnModel, nearestNeighbours, neighbourVoteShare } from './knn';

/** k and weighting of a KNN. */
export interface KnnHyperparameters {
  readonly k: number;
  readonly weighted: boolean;
}

/** Settings of the KNN CV search. Defaults: k = 1…25, uniform weights only, 10 folds, seed 0. */
export interface KnnSelectOptions {
  readonly ks?: readonly number[];
  readonly weightings?: readonly boolean[];
  readonly k?: number;
  readonly seed?: number;
  readonly folds?: readonly Fold[];
}

export const DEFAULT_KNN_KS: readonly number[] = Array.from({ length: 25 }, (_, i) => i + 1);

/**
 * Chooses k (and optionally the weighting) by stratified k-fold CV accuracy of the label P > 0.5.
 *
 * Each fold standardizes on its own training rows (exactly `fitKnn` per fold) and sorts every held-out
 * row's max(ks) nearest neighbours once; all candidates are then read off that list.
 *
 * @param train - training set.
 * @param options - candidates and folds.
 * @returns entries in (weighting, k) order with mean ± sample-std fold accuracy; best = highest mean, ties
 *   to the earlier entry (smaller k, uniform before weighted).
 * @throws MlError from validation, `INVALID_OPTION` for a k outside [1, smallest training fold].
 */
export function selectKnn(
  train: Dataset,
  options: KnnSelectOptions = {},
): GridSearchResult<KnnHyperparameters> {
  checkTrainingSet(train, 2);
  const ks = options.ks ?? DEFAULT_KNN_KS;
  const weightings = options.weightings ?? [false];
  if (ks.length === 0 || weightings.length === 0)
    throw new MlError('INVALID_OPTION', 'empty k or weighting list');
  const folds = options.folds ?? stratifiedKFold(train.y, options.k ?? 10, options.seed ?? 0);
  const kMax = Math.max(...ks);
  for (const k of ks) {
    const smallest = Math.min(...folds.map((f) => f.train.length));
    if (!Number.isInteger(k) || k < 1 || k > smallest) {
      throw new MlError('INVALID_OPTION', `k = ${k} must be an integer in [1, ${smallest}]`);
    }
  }
  const candidates: KnnHyperparameters[] = [];
  for (const weighted of weightings) for (const k of ks) candidates.push({ k, weighted });
  const accuracy = candidates.map(() => new Float64Array(folds.length));
  folds.forEach((fold, f) => {
    const trainX = selectRows(train.x, fold.train);
    const trainY = Uint8Array.from(fold.train, (i) => train.y[i]);
    const standardizer = fitStandardizer(trainX);
    const reference = standardize(standardizer, trainX).data as Float64Array;
    const queries = standardize(standardizer, selectRows(train.x, fold.test));
    const neighbours = nearestNeighbours(queries, reference, trainX.rows, kMax);
    candidates.forEach((candidate, ci) => {
      const p = neighbourVoteShare(neighbours, kMax, trainY, candidate.k, candidate.weighted);
      let correct = 0;
      fold.test.forEach((row, t) => {
        if ((p[t] > 0.5 ? 1 : 0) === train.y[row]) correct++;
      });
      accuracy[ci][f] = correct / fold.test.length;
    });
  });
  const entries: GridEntry<KnnHyperparameters>[] = [];
  let best = 0;
  candidates.forEach((params, ci) => {
    const { mean, std } = meanAndStd(accuracy[ci]);
    entries.push({ params, score: mean, std });
    if (mean > entries[best].score) best = ci;
  });
  return { best: entries[best].params, bestScore: entries[best].score, entries };
}

/**
 * Selects k by CV, then fits the KNN on the whole training set.
 *
 * @param train - training set.
 * @param options - see `KnnSelectOptions`.
 * @returns the model and the CV table.
 * @throws MlError as `selectKnn`.
 */
export function trainKnn(
  train: Dataset,
  options: KnnSelectOptions = {},
): { model: KnnModel; grid: GridSearchResult<KnnHyperparameters> } {
  const grid = selectKnn(train, options);
  return { model: fitKnn(train, grid.best), grid };
}
