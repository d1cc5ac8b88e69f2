/** Reading request bodies with a size limit. */
import type { IncomingMessage } from 'node:http';
import { InferenceError } from '../errors';

function tooLarge(limit: number): InferenceError {
  return new InferenceError('PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${limit} bytes`);
}

/**
 * Reads a request body into memory: readOwnedBody's bytes, viewed as a Buffer (no copy).
 *
 * @param req - The request.
 * @param limit - Largest accepted body in bytes.
 * @returns The body bytes (empty when there is no body).
 * @throws InferenceError PAYLOAD_TOO_LARGE as soon as the declared Content-Length or the bytes received
 *   exceed `limit` (the rest is not buffered); BAD_REQUEST when the client aborts mid-body.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const bytes = await readOwnedBody(req, limit);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** First allocation for a body without Content-Length (chunked); doubled as needed up to the limit. */
const INITIAL_UNSIZED_BYTES = 64 * 1024;

/**
 * Reads a request body into one ArrayBuffer of exactly the body's length that nothing else references
 * (unlike a socket chunk or a pooled Buffer), so the caller may transfer it to a worker thread. With a
 * Content-Length the buffer is allocated once and every chunk is copied into place as it arrives (the
 * one copy any body reader makes); a chunked body grows by doubling and is trimmed at the end.
 *
 * @param req - The request.
 * @param limit - Largest accepted body in bytes.
 * @returns The body bytes; `bytes.buffer.byteLength === bytes.length` and `bytes.byteOffset === 0`.
 * @throws InferenceError PAYLOAD_TOO_LARGE as soon as the declared Content-Length or the bytes received
 *   exceed `limit`; BAD_REQUEST when the client aborts mid-body.
 */
export function readOwnedBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declaredText = req.headers['content-length'];
  const declared = declaredText === undefined ? undefined : Number(declaredText);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge(limit));
  const sized = declared !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  return new Promise<Uint8Array>((resolve, reject) => {
    let bytes = new Uint8Array(sized ? declared : Math.min(limit, INITIAL_UNSIZED_BYTES));
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      const end = size + chunk.length;
      if (end > limit) {
        cleanup();
        // Keep the socket flowing so the 413 response can be written; the bytes are discarded.
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      if (end > bytes.length) {
        const grown = new Uint8Array(Math.min(limit, Math.max(end, 2 * bytes.length)));
        grown.set(bytes.subarray(0, size));
        bytes = grown;
      }
      bytes.set(chunk, size);
      size = end;
    };
    const onEnd = () => {
      cleanup();
      resolve(size === bytes.length ? bytes : bytes.slice(0, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new InferenceError('BAD_REQUEST', `reading the request body failed: ${error.message}`));
    };
    const onAborted = () => onError(new Error('the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Parses a JSON body.
 *
 * @param bytes - Body bytes (UTF-8).
 * @param required - Whether an empty body is an error (else it parses as undefined).
 * @returns The parsed value.
 * @throws InferenceError BAD_REQUEST for an empty (when required) or malformed body, with the parser's
 *   message (it names the position of a truncation).
 */
export function parseJson(bytes: Buffer, required: boolean): unknown {
  if (bytes.length === 0) {
    if (required)
      throw new InferenceError('BAD_REQUEST', 'the request body is empty; a JSON object is required');
    return undefined;
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new InferenceError(
      'BAD_REQUEST',
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
