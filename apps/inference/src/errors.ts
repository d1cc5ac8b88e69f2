/**
 * Typed errors of the inference service. Every refusal the service reports to a caller is an
 * InferenceError whose `code` decides the HTTP status, so handlers never pick status numbers themselves.
 */

/** Machine-readable reasons a request or a control operation is refused. */
export type InferenceErrorCode =
  /** Malformed JSON, a tensor whose name, shape, datatype or values break the model's signature, ... */
  | 'BAD_REQUEST'
  /** No such route, model, version or alias. */
  | 'NOT_FOUND'
  /** The route exists but not for this HTTP method. */
  | 'METHOD_NOT_ALLOWED'
  /** The request body exceeds the configured limit (or, on analyze, the image's pixel count does). */
  | 'PAYLOAD_TOO_LARGE'
  /** The body is a recognised image the service cannot decode (a DICOM transfer syntax, a pixel format). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The image decoded but the analysis refused it (e.g. segmentation's rules on its size or spacing). */
  | 'UNPROCESSABLE'
  /** The model or version exists but is not ready (not loaded, refused, unloading) or the server drains. */
  | 'UNAVAILABLE'
  /** A model version failed while loading, warming or running (the message says which and why). */
  | 'MODEL_FAILURE'
  /** Anything else that failed inside the service (e.g. an analysis worker died). */
  | 'INTERNAL';

const HTTP_STATUS: Record<InferenceErrorCode, number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
  MODEL_FAILURE: 500,
  INTERNAL: 500,
};

/** Thrown for a request or control operation the service refuses; `status` is the HTTP status it maps to. */
export class InferenceError extends Error {
  readonly code: InferenceErrorCode;
  /**
   * A finer machine-readable reason sent to the client as `code` beside `error` (e.g. the
   * ImageDecodeError code 'TRUNCATED' on /v1/analyze); undefined = the body is `{"error": "..."}` only,
   * as the Open Inference Protocol's errors are.
   */
  readonly detail: string | undefined;

  constructor(code: InferenceErrorCode, message: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InferenceError';
    this.code = code;
    this.detail = options?.detail;
  }

  /** The HTTP status code of this error (400, 404, 405, 413, 415, 422, 503 or 500). */
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

/** Thrown by `loadSettings` when an environment variable is invalid; `problems` lists every one. */
export class SettingsError extends Error {
  readonly code = 'INVALID_SETTINGS';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid inference settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}
