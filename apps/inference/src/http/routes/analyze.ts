/**
 * `POST /v1/analyze`: the body is an image file (DICOM, PNG or TIFF; recognised by its bytes, whatever
 * the Content-Type); the answer is the analysis with predictions (see analyze/analyzer.ts). Errors carry
 * a machine-readable `code` beside `error` (see analyze/refusal.ts).
 */
import { InferenceError } from '../../errors';
import type { Route, RouteContext, RouteResult } from '../router';

async function analyze(context: RouteContext): Promise<RouteResult> {
  const analyzer = context.services.analyzer;
  if (analyzer === undefined)
    throw new InferenceError('UNAVAILABLE', 'image analysis is not enabled on this server', {
      detail: 'UNAVAILABLE',
    });
  const json = await analyzer.analyze((limit) => context.readBytes(limit), context.receivedAt);
  return { status: 200, json };
}

export const analyzeRoutes: Route[] = [{ method: 'POST', path: '/v1/analyze', handler: analyze }];
