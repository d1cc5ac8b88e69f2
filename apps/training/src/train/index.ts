export { TrainingError, type TrainingErrorCode } from './errors';
export { evaluateModel, type RocPoints, type TestEvaluation } from './evaluate';
export {
  type ClassCounts,
  type DelongComparison,
  type ExperimentOptions,
  type ExperimentProgress,
  type ExperimentResult,
  type ModelResult,
  runExperiment,
  type ScenarioResult,
} from './experiment';
export type { FeatureTableLike } from './feature-table';
export { DEFAULT_CV_FOLDS, fitModel } from './fit-model';
export {
  DEFAULT_GRIDS,
  type LdaShrinkageCandidate,
  QUICK_GRIDS,
  type SaeGrid,
  type TrainingGrids,
} from './grids';
export { predictMalignancy } from './predict';
export { deriveSeed } from './seeds';
export {
  type CvSummary,
  DEFAULT_MODEL_FAMILIES,
  type FitOptions,
  type FitResult,
  type Hyperparameters,
  type HyperparameterValue,
  type LabelledRows,
  MODEL_FAMILIES,
  type ModelFamily,
  type SaeClassifier,
  type SearchEntry,
  type SearchSummary,
  type TrainedModel,
  type TrainingProgress,
} from './types';
