import type { Dataset } from './core/matrix';
import { gaussianClasses } from './core/synthetic';
import { crossValidate } from './cv/cross-validate';
import { selectKnn } from './knn/select';
import { fitLda } from './lda/lda';
import { cvLassoPath } from './logistic/logistic';
import { fitLassoPath } from './logistic/path';
import { fitPredictOf } from './model';
import { svmGridSearch } from './svm/grid';
import { fitSvm } from './svm/svm';

/** Wall-clock seconds of each tabular training stage on one synthetic problem. */
export interface TabularBenchmark {
  readonly rows: number;
  readonly features: number;
  /** C × γ grid (5 × 5 defaults), 10-fold CV. */
  readonly svmGridSeconds: number;
  readonly svmGridCandidates: number;
  /** Final SVM fit at the best (C, γ), including the 5-fold Platt CV. */
  readonly svmFitSeconds: number;
  /** KNN k = 1…25, 10-fold CV. */
  readonly knnSelectSeconds: number;
  /** One LDA fit (Ledoit–Wolf) and its 10-fold CV. */
  readonly ldaFitSeconds: number;
  readonly ldaCvSeconds: number;
  /** LASSO logistic: one 100-λ path on all rows. */
  readonly lassoPathSeconds: number;
  /** LASSO logistic: 100-λ path with 10-fold CV (11 paths). */
  readonly lassoCvSeconds: number;
  /** CV accuracies, to show the problem is not trivial. */
  readonly svmCvAccuracy: number;
  readonly knnCvAccuracy: number;
  readonly ldaCvAccuracy: number;
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Times the tabular training stages on a Wang-2016-sized problem: n rows (default 1,000) of p Gaussian
 * features (default 41) whose class means differ by 0.3 sd on every feature (Bayes accuracy ≈ 0.83).
 *
 * @param options.n - rows; options.p - features; options.seed - data and fold seed (default 7).
 * @returns timings in seconds and the CV accuracies reached.
 */
export function benchmarkTabularModels(
  options: { n?: number; p?: number; seed?: number } = {},
): TabularBenchmark {
  const n = options.n ?? 1000;
  const p = options.p ?? 41;
  const seed = options.seed ?? 7;
  const data: Dataset = gaussianClasses({ n, p, mean1: new Array<number>(p).fill(0.3), seed });

  let start = performance.now();
  const grid = svmGridSearch(data, { k: 10, seed });
  const svmGridSeconds = seconds(start);
  start = performance.now();
  fitSvm(data, grid.best);
  const svmFitSeconds = seconds(start);

  start = performance.now();
  const knn = selectKnn(data, { k: 10, seed });
  const knnSelectSeconds = seconds(start);

  start = performance.now();
  fitLda(data);
  const ldaFitSeconds = seconds(start);
  start = performance.now();
  const lda = crossValidate(
    fitPredictOf((d) => fitLda(d)),
    data.x,
    data.y,
    10,
    seed,
  );
  const ldaCvSeconds = seconds(start);

  start = performance.now();
  fitLassoPath(data);
  const lassoPathSeconds = seconds(start);
  start = performance.now();
  cvLassoPath(data, { k: 10, seed });
  const lassoCvSeconds = seconds(start);

  return {
    rows: n,
    features: p,
    svmGridSeconds,
    svmGridCandidates: grid.entries.length,
    svmFitSeconds,
    knnSelectSeconds,
    ldaFitSeconds,
    ldaCvSeconds,
    lassoPathSeconds,
    lassoCvSeconds,
    svmCvAccuracy: grid.bestScore,
    knnCvAccuracy: knn.bestScore,
    ldaCvAccuracy: lda.meanAccuracy,
  };
}
