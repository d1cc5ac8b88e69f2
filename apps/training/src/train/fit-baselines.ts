import {
  type Dataset,
  type Fold,
  fitKnn,
  fitLda,
  fitLogistic,
  fitSvm,
  type KnnModel,
  type LdaModel,
  type LogisticModel,
  MlError,
  type SvmModel,
  selectKnn,
  svmGridSearch,
  trainLassoLogistic,
} from '@calcscope/ml';
import { crossValidateConfiguration } from './cv-summary';
import { TrainingError } from './errors';
import type { TrainingGrids } from './grids';
import { deriveSeed } from './seeds';
import type { CvSummary, Hyperparameters, SearchEntry, SearchSummary } from './types';

/** A fitted baseline: model, hyperparameters, CV accuracy of the chosen configuration and the search. */
export interface BaselineFit<M> {
  readonly model: M;
  readonly hyperparameters: Hyperparameters;
  readonly cv: CvSummary;
  readonly search: SearchSummary;
}

/** Seed stream of the SVM's Platt folds. */
const SVM_STREAM = 0x5e;

/**
 * RBF SVM: C × γ by k-fold CV accuracy (`svmGridSearch`: LIBSVM grid.py's scoring — features standardized
 * once on the whole training set, folds scored by sign f), then a Platt-scaled SVM on all training rows.
 * The reported CV accuracy re-runs the chosen (C, γ) fold by fold as the model is used: standardization on
 * the fold's rows, Platt scaling, label P > 0.5; it can differ slightly from the grid's own score.
 *
 * @param data - training set; folds - CV folds; grid - C and γ candidates; seed - Platt folds' seed.
 * @returns the fit; hyperparameters `c`, `gamma`, `supportVectors`, `plattA`, `plattB`.
 * @throws MlError from validation and the solver.
 */
export function fitSvmByCv(
  data: Dataset,
  folds: readonly Fold[],
  grid: TrainingGrids['svm'],
  seed: number,
): BaselineFit<SvmModel> {
  const search = svmGridSearch(data, { cs: grid.cs, gammas: grid.gammas, folds });
  const params = { ...search.best, seed: deriveSeed(seed, SVM_STREAM) };
  const model = fitSvm(data, params);
  return {
    model,
    hyperparameters: {
      c: model.c,
      gamma: model.gamma,
      kernel: 'rbf',
      supportVectors: model.supportVectorCount,
      plattA: model.platt.a,
      plattB: model.platt.b,
    },
    cv: crossValidateConfiguration((d) => fitSvm(d, params), data, folds),
    search: {
      criterion: 'cv-accuracy',
      entries: search.entries.map((e) => ({
        params: { c: e.params.c, gamma: e.params.gamma },
        score: e.score,
        std: e.std,
      })),
      bestIndex: search.entries.findIndex((e) => e.params === search.best),
    },
  };
}

/**
 * KNN: k (and uniform vs distance weighting) by k-fold CV accuracy (`selectKnn`), then the KNN of all
 * training rows. Candidates with k above the smallest fold's training rows are dropped.
 *
 * @param data - training set; folds - CV folds; grid - k and weighting candidates.
 * @returns the fit; hyperparameters `k`, `weighted`.
 * @throws MlError from validation; TrainingError `INVALID_DATA` when no k fits the folds.
 */
export function fitKnnByCv(
  data: Dataset,
  folds: readonly Fold[],
  grid: TrainingGrids['knn'],
): BaselineFit<KnnModel> {
  const smallest = Math.min(...folds.map((f) => f.train.length));
  const ks = grid.ks.filter((k) => k <= smallest);
  if (ks.length === 0)
    throw new TrainingError('INVALID_DATA', `every k exceeds the ${smallest} rows of a fold`);
  const search = selectKnn(data, { ks, weightings: grid.weightings, folds });
  const model = fitKnn(data, search.best);
  return {
    model,
    hyperparameters: { k: model.k, weighted: model.weighted },
    cv: crossValidateConfiguration((d) => fitKnn(d, search.best), data, folds),
    search: {
      criterion: 'cv-accuracy',
      entries: search.entries.map((e) => ({
        params: { k: e.params.k, weighted: e.params.weighted },
        score: e.score,
        std: e.std,
      })),
      bestIndex: search.entries.findIndex((e) => e.params === search.best),
    },
  };
}

/**
 * LDA: the shrinkage of the pooled covariance by k-fold CV accuracy over the candidates (a candidate whose
 * covariance is singular on some fold, e.g. λ = 0 with more features than rows, scores NaN and cannot win;
 * ties go to the earlier candidate), then the LDA of all training rows.
 *
 * @param data - training set; folds - CV folds; grid - shrinkage candidates.
 * @returns the fit; hyperparameters `shrinkageRule` (`ledoit-wolf` | `fixed`) and `shrinkage` (λ used).
 * @throws MlError from validation; TrainingError `INVALID_DATA` when every candidate fails.
 */
export function fitLdaByCv(
  data: Dataset,
  folds: readonly Fold[],
  grid: TrainingGrids['lda'],
): BaselineFit<LdaModel> {
  const entries: SearchEntry[] = [];
  const perFold: (CvSummary | null)[] = [];
  let bestIndex = -1;
  for (const shrinkage of grid.shrinkages) {
    let cv: CvSummary | null = null;
    try {
      cv = crossValidateConfiguration((d) => fitLda(d, shrinkage), data, folds);
    } catch (error) {
      if (!(error instanceof MlError && error.code === 'NOT_POSITIVE_DEFINITE')) throw error;
    }
    perFold.push(cv);
    entries.push({
      params: { shrinkage },
      score: cv?.accuracyMean ?? Number.NaN,
      std: cv?.accuracyStd ?? Number.NaN,
    });
    const score = entries[entries.length - 1].score;
    if (!Number.isNaN(score) && (bestIndex < 0 || score > entries[bestIndex].score))
      bestIndex = entries.length - 1;
  }
  if (bestIndex < 0)
    throw new TrainingError('INVALID_DATA', 'LDA: the pooled covariance is singular for every shrinkage');
  const chosen = grid.shrinkages[bestIndex];
  const model = fitLda(data, chosen);
  return {
    model,
    hyperparameters: {
      shrinkageRule: chosen === 'ledoit-wolf' ? 'ledoit-wolf' : 'fixed',
      shrinkage: model.shrinkage,
    },
    cv: perFold[bestIndex] as CvSummary,
    search: { criterion: 'cv-accuracy', entries, bestIndex },
  };
}

/**
 * L1-penalised logistic regression: λ on glmnet's path by k-fold CV deviance (`trainLassoLogistic`, rule
 * `min` or `1se`), the model at that λ on all training rows; the reported CV accuracy refits that λ fold by
 * fold.
 *
 * @param data - training set; folds - CV folds; grid - the λ rule.
 * @returns the fit; hyperparameters `lambda`, `rule`, `lambdaMin`, `lambda1se`, `selectedFeatures` (count).
 * @throws MlError from validation.
 */
export function fitLogisticByCv(
  data: Dataset,
  folds: readonly Fold[],
  grid: TrainingGrids['logistic'],
): BaselineFit<LogisticModel> {
  const { model, cv } = trainLassoLogistic(data, { folds, rule: grid.rule });
  const entries: SearchEntry[] = Array.from(cv.path.lambdas, (lambda, l) => ({
    params: { lambda },
    score: cv.cvMean[l],
    std: cv.cvStandardError[l],
  }));
  return {
    model,
    hyperparameters: {
      lambda: model.lambda,
      rule: grid.rule,
      lambdaMin: cv.lambdaMin,
      lambda1se: cv.lambda1se,
      selectedFeatures: model.selectedFeatures.length,
    },
    cv: crossValidateConfiguration((d) => fitLogistic(d, model.lambda), data, folds),
    search: { criterion: 'cv-deviance', entries, bestIndex: grid.rule === 'min' ? cv.indexMin : cv.index1se },
  };
}
