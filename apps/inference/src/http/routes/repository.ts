/**
 * Triton's model-repository extension (index, load, unload) and Calcscope's routing control:
 * `GET /v2/repository/models/{m}/routing` reports aliases, canary split and shadow as set and as resolved;
 * `PUT` replaces them as a whole with `{ "aliases": {...}, "canary": {...} | null, "shadow": ... | null }`.
 */
import { InferenceError } from '../../errors';
import { parseRoutingSpec } from '../../serving/routing';
import type { Route, RouteContext, RouteResult } from '../router';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function index(context: RouteContext): Promise<RouteResult> {
  const body = await context.readJson(false);
  if (body !== undefined && !isPlainObject(body))
    throw new InferenceError(
      'BAD_REQUEST',
      'the index request body must be a JSON object such as {"ready": true}',
    );
  const ready = body?.ready;
  if (ready !== undefined && typeof ready !== 'boolean')
    throw new InferenceError('BAD_REQUEST', `'ready' must be true or false`);
  return { status: 200, json: await context.services.manager.index(ready === true) };
}

/** Triton's load/unload bodies may carry parameters; the ones that replace files are not supported. */
async function readControlBody(context: RouteContext, allowed: readonly string[]): Promise<void> {
  const body = await context.readJson(false);
  if (body === undefined) return;
  if (!isPlainObject(body)) throw new InferenceError('BAD_REQUEST', 'the request body must be a JSON object');
  const parameters = body.parameters;
  if (parameters === undefined) return;
  if (!isPlainObject(parameters)) throw new InferenceError('BAD_REQUEST', `'parameters' must be an object`);
  for (const key of Object.keys(parameters))
    if (!allowed.includes(key))
      throw new InferenceError(
        'BAD_REQUEST',
        `load/unload parameter '${key}' is not supported (models are read from the repository, verified by their cards)`,
      );
}

async function load(context: RouteContext): Promise<RouteResult> {
  await readControlBody(context, []);
  await context.services.manager.load(context.params.model);
  return { status: 200 };
}

async function unload(context: RouteContext): Promise<RouteResult> {
  await readControlBody(context, ['unload_dependents']);
  await context.services.manager.unload(context.params.model);
  return { status: 200 };
}

function getRouting({ services, params }: RouteContext): RouteResult {
  return { status: 200, json: services.manager.routing(params.model) };
}

async function putRouting(context: RouteContext): Promise<RouteResult> {
  const spec = parseRoutingSpec(await context.readJson(true));
  return { status: 200, json: await context.services.manager.setRouting(context.params.model, spec) };
}

export const repositoryRoutes: Route[] = [
  { method: 'POST', path: '/v2/repository/index', handler: index },
  { method: 'POST', path: '/v2/repository/models/{model}/load', handler: load },
  { method: 'POST', path: '/v2/repository/models/{model}/unload', handler: unload },
  { method: 'GET', path: '/v2/repository/models/{model}/routing', handler: getRouting },
  { method: 'PUT', path: '/v2/repository/models/{model}/routing', handler: putRouting },
];
