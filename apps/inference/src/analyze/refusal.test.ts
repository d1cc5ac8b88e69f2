import { WorkerPoolError, WorkerTaskError } from '@calcscope/analysis';
import { ImageDecodeError } from '@calcscope/imaging';
import { SegmentationError } from '@calcscope/segmentation';
import { describe, expect, it } from 'vitest';
import { InferenceError } from '../errors';
import { analyzeOutcome, analyzeRefusal } from './refusal';

function answer(error: unknown): { status: number; detail: string | undefined } {
  const refusal = analyzeRefusal(error);
  return { status: refusal.status, detail: refusal.detail };
}

describe('analyzeRefusal', () => {
  it('maps decoder errors, thrown here or reported by a worker, to 400/413/415 with their code', () => {
    expect(answer(new ImageDecodeError('TRUNCATED', 'x'))).toEqual({ status: 400, detail: 'TRUNCATED' });
    expect(answer(new WorkerTaskError('ImageDecodeError', 'CORRUPT', 'x'))).toEqual({
      status: 400,
      detail: 'CORRUPT',
    });
    expect(answer(new WorkerTaskError('ImageDecodeError', 'TOO_LARGE', 'x'))).toEqual({
      status: 413,
      detail: 'TOO_LARGE',
    });
    expect(answer(new WorkerTaskError('ImageDecodeError', 'UNSUPPORTED_TRANSFER_SYNTAX', 'x'))).toEqual({
      status: 415,
      detail: 'UNSUPPORTED_TRANSFER_SYNTAX',
    });
    expect(answer(new ImageDecodeError('UNSUPPORTED_PIXEL_FORMAT', 'x')).status).toBe(415);
    expect(answer(new ImageDecodeError('UNSUPPORTED_FORMAT', 'x'))).toEqual({
      status: 400,
      detail: 'UNSUPPORTED_FORMAT',
    });
  });

  it('maps pipeline refusals to 422, pool trouble to 503/500, the rest to 500', () => {
    expect(answer(new SegmentationError('INVALID_IMAGE', 'x'))).toEqual({
      status: 422,
      detail: 'INVALID_IMAGE',
    });
    expect(answer(new WorkerTaskError('FeatureError', 'EMPTY_REGION', 'x'))).toEqual({
      status: 422,
      detail: 'EMPTY_REGION',
    });
    expect(answer(new WorkerPoolError('QUEUE_FULL', 'x'))).toEqual({ status: 503, detail: 'QUEUE_FULL' });
    expect(answer(new WorkerPoolError('TIMEOUT', 'x'))).toEqual({ status: 503, detail: 'TIMEOUT' });
    expect(answer(new WorkerPoolError('WORKER_EXITED', 'x'))).toEqual({
      status: 500,
      detail: 'WORKER_EXITED',
    });
    expect(answer(new TypeError('boom'))).toEqual({ status: 500, detail: 'INTERNAL' });
    // A decoder refusing our own option is our bug, not the client's.
    expect(answer(new ImageDecodeError('INVALID_OPTION', 'x')).status).toBe(500);
  });

  it('keeps service errors, adding their code as the detail', () => {
    expect(answer(new InferenceError('PAYLOAD_TOO_LARGE', 'big'))).toEqual({
      status: 413,
      detail: 'PAYLOAD_TOO_LARGE',
    });
    const detailed = new InferenceError('BAD_REQUEST', 'x', { detail: 'EMPTY' });
    expect(analyzeRefusal(detailed)).toBe(detailed);
  });
});

describe('analyzeOutcome', () => {
  it('names the outcome of every status class', () => {
    expect([200, 400, 404, 413, 415, 422, 500, 503].map(analyzeOutcome)).toEqual([
      'success',
      'bad_request',
      'bad_request',
      'payload_too_large',
      'unsupported_media_type',
      'unprocessable',
      'error',
      'unavailable',
    ]);
  });
});
