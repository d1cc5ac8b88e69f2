import { MlError } from '../core/errors';
import type { Dataset } from '../core/matrix';
import { crossValidateFolds, type FitPredict } from './cross-validate';
import { type Fold, stratifiedKFold } from './folds';

/** One evaluated candidate. */
export interface GridEntry<P> {
  readonly params: P;
  /** Mean CV accuracy (or any higher-is-better score). */
  readonly score: number;
  /** Sample std of the fold scores (0 when the scorer gives a single number). */
  readonly std: number;
}

/** All candidates' scores and the winner (highest score; ties go to the earliest candidate). */
export interface GridSearchResult<P> {
  readonly best: P;
  readonly bestScore: number;
  readonly entries: readonly GridEntry<P>[];
}

/**
 * The Cartesian product of named value lists, the first key varying slowest.
 *
 * @param grid - e.g. `{ c: [1, 10], gamma: [0.1, 1] }`.
 * @returns every combination, e.g. `[{c:1,gamma:0.1},{c:1,gamma:1},{c:10,gamma:0.1},{c:10,gamma:1}]`.
 * @throws MlError `INVALID_OPTION` for an empty list.
 */
export function expandGrid<K extends string>(
  grid: Readonly<Record<K, readonly number[]>>,
): Record<K, number>[] {
  let combos: Record<string, number>[] = [{}];
  for (const key of Object.keys(grid) as K[]) {
    const values = grid[key];
    if (values.length === 0) throw new MlError('INVALID_OPTION', `grid entry "${key}" has no values`);
    const next: Record<string, number>[] = [];
    for (const combo of combos) for (const v of values) next.push({ ...combo, [key]: v });
    combos = next;
  }
  return combos as Record<K, number>[];
}

/**
 * Scores every candidate and keeps the best.
 *
 * @param candidates - parameter sets (non-empty).
 * @param evaluate - returns `{ score, std }` for a candidate, higher score = better.
 * @returns the table and the winner; a NaN score never wins.
 * @throws MlError `INVALID_OPTION` for an empty candidate list or when every score is NaN.
 */
export function gridSearch<P>(
  candidates: readonly P[],
  evaluate: (params: P) => { score: number; std: number },
): GridSearchResult<P> {
  if (candidates.length === 0) throw new MlError('INVALID_OPTION', 'grid search over zero candidates');
  const entries: GridEntry<P>[] = [];
  let bestIndex = -1;
  for (const params of candidates) {
    const { score, std } = evaluate(params);
    entries.push({ params, score, std });
    if (!Number.isNaN(score) && (bestIndex < 0 || score > entries[bestIndex].score))
      bestIndex = entries.length - 1;
  }
  if (bestIndex < 0) throw new MlError('INVALID_OPTION', 'every grid candidate scored NaN');
  return { best: entries[bestIndex].params, bestScore: entries[bestIndex].score, entries };
}

/**
 * Grid search by stratified k-fold CV accuracy; every candidate sees the same folds.
 *
 * @param makeFitPredict - builds the model's fit/predict function for a parameter set.
 * @param data - training dataset.
 * @param candidates - parameter sets.
 * @param options.k - folds (default 10); options.seed - fold seed (default 0); options.folds - explicit folds
 *   (override k and seed).
 * @returns the table (mean ± std CV accuracy per candidate) and the winner.
 * @throws MlError as `gridSearch` and `crossValidateFolds`.
 */
export function gridSearchCv<P>(
  makeFitPredict: (params: P) => FitPredict,
  data: Dataset,
  candidates: readonly P[],
  options: { k?: number; seed?: number; folds?: readonly Fold[] } = {},
): GridSearchResult<P> {
  const folds = options.folds ?? stratifiedKFold(data.y, options.k ?? 10, options.seed ?? 0);
  return gridSearch(candidates, (params) => {
    const cv = crossValidateFolds(makeFitPredict(params), data, folds);
    return { score: cv.meanAccuracy, std: cv.stdAccuracy };
  });
}
