/** Why an ONNX export refused its input. */
export type OnnxExportErrorCode =
  /** Scenario, schema hash or feature names are missing, malformed or disagree with the model's width. */
  | 'INVALID_METADATA'
  /** A model's arrays disagree in size, hold NaN/∞, or hold values float32 cannot represent. */
  | 'INVALID_MODEL'
  /** An option is out of range (e.g. ensemble weights); the message names it. */
  | 'INVALID_OPTION'
  /** Ensemble members expect different feature counts, schemas or scenarios. */
  | 'INCOMPATIBLE_MEMBERS'
  /** An ONNX member graph is not a tabular-contract graph this exporter can merge. */
  | 'UNSUPPORTED_GRAPH';

/** Thrown by the exporters of `libs/ml/src/export` for bad input; `code` says why, `message` says where. */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
  readonly code: OnnxExportErrorCode;

  constructor(code: OnnxExportErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
