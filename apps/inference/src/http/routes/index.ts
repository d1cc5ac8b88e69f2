/**
 * Every route of the service, in match order. A new feature (e.g. `POST /v1/analyze`) is one file in
 * this folder exporting its `Route[]`, added to the list below.
 */
import type { Route } from '../router';
import { analyzeRoutes } from './analyze';
import { healthRoutes } from './health';
import { metricsRoutes } from './metrics';
import { modelRoutes } from './models';
import { repositoryRoutes } from './repository';

/** The default routes: health and server metadata, models, repository control, metrics, analyze. */
export function defaultRoutes(): Route[] {
  return [...healthRoutes, ...modelRoutes, ...repositoryRoutes, ...metricsRoutes, ...analyzeRoutes];
}
