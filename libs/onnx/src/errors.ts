/** Machine-readable reasons the graph builder, autodiff or training helpers refuse a request. */
export type OnnxGraphErrorCode =
  /** A tensor, input, output or initializer name is already taken in this graph. */
  | 'DUPLICATE_NAME'
  /** A tensor handle does not belong to this graph (or was never registered). */
  | 'UNKNOWN_TENSOR'
  /** Operand shapes are incompatible (broadcast, MatMul inner dimensions, reshape sizes, ...). */
  | 'SHAPE_MISMATCH'
  /** Operand element types are incompatible (e.g. Add of float32 and int64). */
  | 'DTYPE_MISMATCH'
  /** An argument is out of range (axis, permutation, opset, data length, hyperparameter, ...). */
  | 'INVALID_ARGUMENT'
  /** Autodiff reached an op type that has no registered gradient rule. */
  | 'NO_GRADIENT_RULE'
  /** Autodiff needs a scalar float loss (rank 0 or all dimensions 1). */
  | 'NOT_SCALAR'
  /** A parameter passed to autodiff does not influence the loss. */
  | 'UNUSED_PARAMETER';

/** Thrown by @calcscope/onnx for an invalid graph construction request; `code` says which rule was broken. */
export class OnnxGraphError extends Error {
  readonly code: OnnxGraphErrorCode;

  constructor(code: OnnxGraphErrorCode, message: string) {
    super(message);
    this.name = 'OnnxGraphError';
    this.code = code;
  }
}

/** Machine-readable reasons a session could not be created or run. */
export type OnnxSessionErrorCode =
  /** `ORT_PROVIDERS` or the `providers` option names an execution provider this library does not know. */
  | 'UNKNOWN_PROVIDER'
  /** No requested execution provider could create the session (each attempt's error is in the message). */
  | 'NO_PROVIDER'
  /** An option of the session or trainer is invalid (thread count, missing parameter data, ...). */
  | 'INVALID_OPTION';

/** Thrown by the session and trainer helpers of @calcscope/onnx; `code` says why. */
export class OnnxSessionError extends Error {
  readonly code: OnnxSessionErrorCode;

  constructor(code: OnnxSessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OnnxSessionError';
    this.code = code;
  }
}
