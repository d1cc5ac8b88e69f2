/** Prometheus exposition at `/metrics`. */
import type { Route } from '../router';

export const metricsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/metrics',
    handler: async ({ services }) => {
      const { contentType, text } = await services.metrics.render();
      return { status: 200, text, contentType };
    },
  },
];
