/**
 * Per-model OIP v2 endpoints — metadata, readiness, inference — and Triton's configuration and
 * statistics extensions. Every route exists with and without `/versions/{version}`; the version segment
 * is a version number or (a Calcscope extension) an alias such as `production` or `staging`. Without it,
 * inference follows the model's routing (canary split, shadow mirror) and metadata describes production.
 */
import type { Route, RouteContext, RouteResult } from '../router';

async function infer(context: RouteContext): Promise<RouteResult> {
  const { manager } = context.services;
  const model = context.params.model;
  // While the body arrives, the model's batchers know more work is on its way (see DynamicBatcher).
  manager.beginArrival(model);
  let pending: ReturnType<typeof manager.infer>;
  try {
    const body = await context.readJson(true);
    pending = manager.infer(model, context.params.version, body, context.receivedAt);
  } finally {
    manager.endArrival(model);
  }
  return { status: 200, json: await pending };
}

function metadata({ services, params }: RouteContext): RouteResult {
  return { status: 200, json: services.manager.metadata(params.model, params.version) };
}

function ready({ services, params }: RouteContext): RouteResult {
  return { status: services.manager.isModelReady(params.model, params.version) ? 200 : 400 };
}

function config({ services, params }: RouteContext): RouteResult {
  return { status: 200, json: services.manager.config(params.model, params.version) };
}

function statistics({ services, params }: RouteContext): RouteResult {
  return { status: 200, json: services.manager.statistics(params.model, params.version) };
}

export const modelRoutes: Route[] = [
  // Literal paths first: `/v2/models/stats` must not be taken for a model named "stats".
  { method: 'GET', path: '/v2/models/stats', handler: statistics },
  { method: 'POST', path: '/v2/models/{model}/infer', handler: infer },
  { method: 'POST', path: '/v2/models/{model}/versions/{version}/infer', handler: infer },
  { method: 'GET', path: '/v2/models/{model}', handler: metadata },
  { method: 'GET', path: '/v2/models/{model}/versions/{version}', handler: metadata },
  { method: 'GET', path: '/v2/models/{model}/ready', handler: ready },
  { method: 'GET', path: '/v2/models/{model}/versions/{version}/ready', handler: ready },
  { method: 'GET', path: '/v2/models/{model}/config', handler: config },
  { method: 'GET', path: '/v2/models/{model}/versions/{version}/config', handler: config },
  { method: 'GET', path: '/v2/models/{model}/stats', handler: statistics },
  { method: 'GET', path: '/v2/models/{model}/versions/{version}/stats', handler: statistics },
];
