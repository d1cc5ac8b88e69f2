/**
 * How a failed analysis is answered: every error — the decoder's, the pipeline's, the worker pool's —
 * becomes an InferenceError whose status says whose fault it was and whose `detail` (sent as `code`)
 * says exactly why, e.g. `400 {"error": "...", "code": "TRUNCATED"}`.
 *
 * | cause | status | code |
 * | --- | --- | --- |
 * | empty, truncated, corrupt or non-image bytes, bad DICOM attributes | 400 | the ImageDecodeError code |
 * | body over the limit; image over the pixel limit (a decompression bomb) | 413 | PAYLOAD_TOO_LARGE, TOO_LARGE |
 * | a recognised image we cannot decode: DICOM transfer syntax, pixel format | 415 | UNSUPPORTED_TRANSFER_SYNTAX, UNSUPPORTED_PIXEL_FORMAT |
 * | decoded, but segmentation or features refuse it (size, spacing) | 422 | the SegmentationError / FeatureError code |
 * | too many analyses pending, analysis timed out, pool closed, models loading | 503 | QUEUE_FULL, TIMEOUT, CLOSED, UNAVAILABLE |
 * | the worker died, anything unexpected | 500 | WORKER_EXITED, INTERNAL |
 */
import { WorkerPoolError, WorkerTaskError } from '@calcscope/analysis';
import { InferenceError, type InferenceErrorCode } from '../errors';
import type { AnalyzeOutcome } from '../metrics';

const DECODE_CODES_415 = new Set(['UNSUPPORTED_TRANSFER_SYNTAX', 'UNSUPPORTED_PIXEL_FORMAT']);

/** Name and code of an error, whether thrown here or reported by a worker. */
function identify(error: unknown): { name: string; code: string | undefined; message: string } {
  if (error instanceof WorkerTaskError)
    return { name: error.causeName, code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { name: 'Error', code: undefined, message: String(error) };
}

/**
 * The answer to a failed analysis.
 *
 * @param error - What the body reader, the runner or the prediction step threw.
 * @returns An InferenceError with status and `detail` per the table in the module comment; an
 *   InferenceError without a detail gets its own code as the detail.
 */
export function analyzeRefusal(error: unknown): InferenceError {
  if (error instanceof InferenceError)
    return error.detail !== undefined
      ? error
      : new InferenceError(error.code, error.message, { cause: error, detail: error.code });
  if (error instanceof WorkerPoolError) {
    const code: InferenceErrorCode =
      error.code === 'WORKER_EXITED' || error.code === 'TASK_NOT_SENT' ? 'INTERNAL' : 'UNAVAILABLE';
    return new InferenceError(code, `the analysis failed: ${error.message}`, {
      cause: error,
      detail: error.code,
    });
  }
  const { name, code, message } = identify(error);
  if (name === 'ImageDecodeError' && code !== undefined && code !== 'INVALID_OPTION') {
    const status: InferenceErrorCode =
      code === 'TOO_LARGE'
        ? 'PAYLOAD_TOO_LARGE'
        : DECODE_CODES_415.has(code)
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : 'BAD_REQUEST';
    return new InferenceError(status, `the image could not be decoded: ${message}`, {
      cause: error,
      detail: code,
    });
  }
  if ((name === 'SegmentationError' || name === 'FeatureError') && code !== undefined)
    return new InferenceError('UNPROCESSABLE', `the image decoded but could not be analysed: ${message}`, {
      cause: error,
      detail: code,
    });
  return new InferenceError('INTERNAL', `the analysis failed: ${name}: ${message}`, {
    cause: error,
    detail: 'INTERNAL',
  });
}

/**
 * The metrics outcome of an HTTP status.
 *
 * @param status - The response status.
 * @returns success (2xx), payload_too_large (413), unsupported_media_type (415), unprocessable (422),
 *   unavailable (503), bad_request (other 4xx) or error (5xx).
 */
export function analyzeOutcome(status: number): AnalyzeOutcome {
  if (status < 400) return 'success';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 422) return 'unprocessable';
  if (status === 503) return 'unavailable';
  return status < 500 ? 'bad_request' : 'error';
}
