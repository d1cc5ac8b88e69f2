export { validateCard } from './card-validate';
export type { ConfigForModelOptions } from './config-for-model';
export {
  configForModel,
  DEFAULT_SERVING_OPTIONS,
  isBatchedSignature,
  signatureProblems,
  tensorsForSignature,
} from './config-for-model';
export type { ParseConfigOptions } from './config-parse';
export { parseConfigPbtxt } from './config-parse';
export { renderConfigPbtxt } from './config-render';
export type {
  TritonDataType,
  TritonDynamicBatching,
  TritonInstanceGroup,
  TritonInstanceKind,
  TritonModelConfig,
  TritonTensorConfig,
  TritonVersionPolicy,
} from './config-types';
export { TRITON_DATA_TYPES, TRITON_INSTANCE_KINDS } from './config-types';
export type { ModelRepositoryErrorCode } from './errors';
export { ModelRepositoryError } from './errors';
export {
  CARD_FILE,
  CONFIG_FILE,
  isVersionFolderName,
  MODEL_FILE,
  modelDirectory,
  TEMPORARY_PREFIX,
  versionDirectory,
} from './layout';
export type { LoadedModelVersion, LoadModelVersionOptions } from './load-version';
export { loadModelVersion } from './load-version';
export type { RepositoryModel, RepositoryProblem, RepositoryVersion } from './read-repository';
export { readRepository } from './read-repository';
export type { RemoveStaleStagingOptions } from './staging';
export { DEFAULT_STAGING_MAX_AGE_MS, removeStaleStaging } from './staging';
export type { TextProtoField, TextProtoMessage, TextProtoScalar, TextProtoValue } from './text-proto';
export { parseTextProto } from './text-proto';
export type { ModelCardDraft, WriteModelVersionInput, WrittenModelVersion } from './write-version';
export { writeModelVersion } from './write-version';
