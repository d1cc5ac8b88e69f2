export {
  type BlockSpec,
  bufferSpecs,
  CNN_CLASSES,
  type CnnArchitecture,
  type CnnPlan,
  type CnnStage,
  type ConvSpec,
  convLayers,
  convNames,
  HEAD,
  type ParameterSpec,
  type PoolSpec,
  parameterSpecs,
  planCnn,
  referenceResNet,
} from './architecture';
export {
  type AugmentationHook,
  type AugmentationOptions,
  augmentBatch,
  resolveAugmentation,
} from './augment';
export { benchmarkCnnTraining, type CnnBenchmarkOptions, type CnnBenchmarkResult } from './bench';
export { CnnError, type CnnErrorCode } from './errors';
export { buildCnnInferenceGraph, CNN_OUTPUT, type CnnExportOptions, camWeights } from './export';
export { type CnnFlops, countCnnFlops, type LayerMacs } from './flops';
export {
  type BatchStatisticsOutput,
  buildCnnEvaluator,
  buildCnnTrainingStep,
  CNN_INPUT,
  CNN_OUTPUT_LOGITS,
  type CnnStepGraph,
} from './graphs';
export { type CnnWeights, initCnnWeights } from './init';
export {
  type BatchStatistics,
  batchNorm,
  type CnnGraphContext,
  conv2d,
  convBn,
  createCnnContext,
  dense,
  globalAvgPool,
  initializerParameters,
  inputParameters,
  type ParameterSource,
  pool2d,
  relu,
  residualBlock,
  softmaxCrossEntropy,
} from './layers';
export {
  type CnnHistory,
  CnnModel,
  type CnnPrediction,
  type CnnPredictOptions,
  type CnnTrainingStats,
  sampleCount,
} from './model';
export { type CnnForward, cnnForward } from './network';
export {
  batchNormReference,
  type CnnReferenceOutput,
  cnnForwardReference,
  conv2dReference,
  type FeatureMaps,
  poolReference,
  resizeBilinearReference,
} from './reference';
export {
  batchSizes,
  type CnnDataset,
  type CnnProgress,
  type CnnStepProgress,
  type CnnTrainOptions,
  trainCnn,
} from './train';
