import type { SaeModel, TabularModel } from '@calcscope/ml';
import type { ExecutionProviderName } from '@calcscope/onnx';

/** The model families `fitModel` trains: the paper's SAE and baselines, plus L1 logistic regression. */
export type ModelFamily = 'sae' | 'svm' | 'knn' | 'lda' | 'logistic';

/** Every family, in report order. */
export const MODEL_FAMILIES: readonly ModelFamily[] = ['sae', 'svm', 'knn', 'lda', 'logistic'];

/** The paper's four models (Wang 2016, Tables 2–4): what `runExperiment` trains unless told otherwise. */
export const DEFAULT_MODEL_FAMILIES: readonly ModelFamily[] = ['sae', 'svm', 'knn', 'lda'];

/** Labelled rows: `x` is n × p row-major raw features, `y` the n labels (1 = malignant), n = y.length. */
export interface LabelledRows {
  readonly x: Float64Array;
  readonly y: Uint8Array;
  /** Features per row. */
  readonly p: number;
}

/** A trained SAE wrapped so that every trained model carries a `family` tag. */
export interface SaeClassifier {
  readonly family: 'sae';
  readonly sae: SaeModel;
}

/** Any model `fitModel` returns: a libs/ml tabular model (svm, knn, lda, logistic) or the wrapped SAE. */
export type TrainedModel = TabularModel | SaeClassifier;

/** A hyperparameter value as it appears in reports and model cards. */
export type HyperparameterValue = number | string | boolean | null | readonly number[];

/** Named hyperparameters (what was chosen, and fixed settings worth recording). */
export type Hyperparameters = Readonly<Record<string, HyperparameterValue>>;

/** Cross-validated accuracy of one configuration on the training set. */
export interface CvSummary {
  /** Number of folds k. */
  readonly folds: number;
  /** Mean of the fold accuracies. */
  readonly accuracyMean: number;
  /** Sample standard deviation (divisor k − 1) of the fold accuracies. */
  readonly accuracyStd: number;
  /** Accuracy on each held-out fold, fold order. */
  readonly perFold: readonly number[];
}

/** One candidate of a hyperparameter search and its CV score. */
export interface SearchEntry {
  readonly params: Hyperparameters;
  /** Mean fold score (accuracy: higher is better; deviance: lower is better). */
  readonly score: number;
  /** Sample standard deviation of the fold scores (standard error for the LASSO's deviance). */
  readonly std: number;
}

/** The hyperparameter search behind a fitted model. */
export interface SearchSummary {
  /** What the candidates were ranked by. */
  readonly criterion: 'cv-accuracy' | 'cv-deviance';
  readonly entries: readonly SearchEntry[];
  /** Index into `entries` of the chosen candidate. */
  readonly bestIndex: number;
}

/** What `fitModel` reports while it works. */
export interface TrainingProgress {
  readonly family: ModelFamily;
  /** `search`: cross-validating candidates; `final`: fitting the chosen one on all rows; `done`. */
  readonly stage: 'search' | 'final' | 'done';
  /** 1-based candidate being cross-validated, and how many there are (search stage). */
  readonly candidate?: number;
  readonly candidates?: number;
  /** 1-based fold just finished, and how many there are (search stage). */
  readonly fold?: number;
  readonly folds?: number;
  /** Share of this fit's work done, in [0, 1]. */
  readonly fraction: number;
  /** One line for a log or a progress bar. */
  readonly message: string;
}

/** Settings of `fitModel`. */
export interface FitOptions {
  /** Seed of the CV folds and of every random choice in training (an integer in [0, 2³²)). */
  readonly seed: number;
  /** Folds of the hyperparameter search and of the reported CV accuracy (default 10, the paper's). */
  readonly cvFolds?: number;
  /** Called as the search and the final fit progress. */
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Tiny grids and few epochs, for tests and smoke runs (default false). */
  readonly quick?: boolean;
  /** onnxruntime intra-op threads of SAE training (default 1: fastest per process on the 2-core host). */
  readonly threads?: number;
  /** onnxruntime execution providers of SAE training (default: `ORT_PROVIDERS`, else cuda then cpu). */
  readonly providers?: readonly ExecutionProviderName[];
}

/** What `fitModel` returns. */
export interface FitResult {
  readonly family: ModelFamily;
  /** Trained on all training rows with the chosen hyperparameters. */
  readonly model: TrainedModel;
  /** The chosen hyperparameters and the fixed settings of the fit. */
  readonly hyperparameters: Hyperparameters;
  /** CV accuracy of the chosen configuration on the training set (the paper's "CV accuracy mean ± std"). */
  readonly cv: CvSummary;
  /** Every candidate of the search with its CV score. */
  readonly search: SearchSummary;
  /** Wall time of search and final fit, in seconds. */
  readonly seconds: number;
}
