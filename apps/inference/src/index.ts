// The /v1/analyze contract lives in @calcscope/contracts; re-exported so existing importers keep working.
export type {
  AnalyzeResponse,
  ClassActivationMap,
  ClusterPrediction,
  LesionPrediction,
  PredictionRoi,
} from '@calcscope/contracts';
export { Analyzer, type AnalyzerOptions, checkImageBytes } from './analyze/analyzer';
export { predictClusters, roiSpecsToCut } from './analyze/cluster-predictions';
export {
  lesionsForScenario,
  MALIGNANCY_TASK,
  predictLesions,
  tabularRequest,
  twoClassRows,
} from './analyze/lesion-predictions';
export { analyzeOutcome, analyzeRefusal } from './analyze/refusal';
export { ROI_INPUT, ROI_TASK, roiSpecForModel, roiSpecKey } from './analyze/roi';
export { type AnalyzeRunnerOptions, createAnalyzeRunner } from './analyze/runner';
export { InferenceError, type InferenceErrorCode, SettingsError } from './errors';
export type { Route, RouteContext, RouteResult, ServerServices } from './http/router';
export { defaultRoutes } from './http/routes';
export { createInferenceServer, type InferenceServer, type InferenceServerOptions } from './http/server';
export { installShutdownHandlers, type ShutdownOptions, shutdownGracefully } from './lifecycle';
export {
  type AnalyzeOutcome,
  InferenceMetrics,
  type MetricsSources,
  type RequestOutcome,
  type VersionInstruments,
} from './metrics';
export { type BatchedResult, type BatcherOptions, type BatchRunner, DynamicBatcher } from './serving/batcher';
export { type DecodedInferRequest, decodeInferRequest } from './serving/infer-request';
export { encodeInferResponse, type InferResponseBody } from './serving/infer-response';
export {
  ModelManager,
  type ModelManagerOptions,
  type RepositoryIndexEntry,
  versionsByPolicy,
} from './serving/model-manager';
export {
  parseRoutingSpec,
  pickVersion,
  type Routing,
  type RoutingSpec,
  resolveRouting,
} from './serving/routing';
export { ServedVersion } from './serving/served-version';
export { type ModelSignature, signatureFromConfig, type TensorSpec } from './serving/signature';
export { DEFAULT_SETTINGS, defaultAnalyzeWorkers, type InferenceSettings, loadSettings } from './settings';
