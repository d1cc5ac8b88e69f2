export {
  benchmarkSaeTraining,
  formatSaeBenchmark,
  type SaeBenchmarkOptions,
  type SaeBenchmarkResult,
  saeBenchmarkData,
} from './bench';
export { SaeError, type SaeErrorCode } from './errors';
export {
  type SaeDenseLayer,
  type SaeHistory,
  SaeModel,
  type SaeParameters,
  type SaeTrainingStats,
} from './model';
export { type SaeProgress, type SaeTrainOptions, trainSae } from './train';
