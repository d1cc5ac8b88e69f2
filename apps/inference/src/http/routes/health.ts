/**
 * Server health and metadata (OIP v2): liveness, readiness and `GET /v2`. Health answers carry no body;
 * the status is the answer: 200 for true and, as the protocol and Triton do, 400 for false.
 */
import type { Route, RouteResult, ServerServices } from '../router';

/** Protocol extensions this server implements, as `GET /v2` lists them. */
export const SERVER_EXTENSIONS = [
  'model_repository',
  'model_configuration',
  'statistics',
  'calcscope_routing',
];

function readiness(services: ServerServices): RouteResult {
  return { status: services.manager.ready && !services.draining() ? 200 : 400 };
}

export const healthRoutes: Route[] = [
  { method: 'GET', path: '/v2/health/live', handler: () => ({ status: 200 }) },
  { method: 'GET', path: '/v2/health/ready', handler: ({ services }) => readiness(services) },
  { method: 'GET', path: '/health/live', handler: () => ({ status: 200 }) },
  { method: 'GET', path: '/health/ready', handler: ({ services }) => readiness(services) },
  {
    method: 'GET',
    path: '/v2',
    handler: ({ services }) => ({
      status: 200,
      json: { name: services.server.name, version: services.server.version, extensions: SERVER_EXTENSIONS },
    }),
  },
];
