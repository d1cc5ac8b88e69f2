export {
  appendContractOutputs,
  appendLogOddsOutputs,
  BATCH_DIM,
  createTabularGraph,
  TABULAR_ONNX_OPSET,
  TABULAR_TENSOR_NAMES,
} from './contract';
export { appendSquaredDistances } from './distances';
export { type EnsembleExportOptions, exportEnsemble } from './ensemble';
export { OnnxExportError, type OnnxExportErrorCode } from './errors';
export { exportKnn } from './knn';
export { exportLda, exportLogistic } from './linear';
export { checkExportMetadata, ONNX_METADATA_KEYS, type OnnxExportMetadata } from './metadata';
export {
  decodeOnnxModel,
  readOnnxMetadata,
  signatureOfOnnx,
  type TabularSignature,
  type TabularTensorSignature,
  tabularSignature,
} from './signature';
export { appendStandardization } from './standardize';
export { exportSvm } from './svm';
export {
  type ExportableFamily,
  type ExportableModel,
  exportSae,
  exportTabularModel,
  familyOf,
} from './tabular';
