/** Machine-readable reasons a function of @calcscope/model-repository refuses or fails. */
export type ModelRepositoryErrorCode =
  /** The repository, model, version, card.json, model.onnx or config.pbtxt does not exist. */
  | 'NOT_FOUND'
  /** The sha256 of model.onnx differs from the card's `onnxSha256` (the file was altered or truncated). */
  | 'SHA256_MISMATCH'
  /** The card's `featureSchemaHash` is not among the hashes the caller accepts. */
  | 'UNKNOWN_SCHEMA'
  /** card.json is not JSON, breaks a rule of the card contract, or names another model or version. */
  | 'INVALID_CARD'
  /** config.pbtxt is not protobuf text format, or breaks a rule of the subset Calcscope reads. */
  | 'INVALID_CONFIG'
  /** The card's input/output signature differs from the tensors config.pbtxt declares. */
  | 'SIGNATURE_MISMATCH'
  /** A model name or version number is malformed (unsafe as a path segment, not a positive integer). */
  | 'INVALID_ARGUMENT'
  /** No free version number could be claimed after repeated concurrent-writer collisions. */
  | 'VERSION_CONFLICT';

/** Thrown by @calcscope/model-repository; `code` says which rule was broken, `problems` lists every one. */
export class ModelRepositoryError extends Error {
  readonly code: ModelRepositoryErrorCode;
  /** Every individual problem found (one line each); a single-item list when there was one cause. */
  readonly problems: readonly string[];

  constructor(code: ModelRepositoryErrorCode, message: string, problems?: readonly string[]) {
    super(problems === undefined ? message : `${message}: ${problems.join('; ')}`);
    this.name = 'ModelRepositoryError';
    this.code = code;
    this.problems = problems ?? [message];
  }
}
