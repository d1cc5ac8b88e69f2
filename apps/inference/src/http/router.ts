/**
 * Routes: a method, a path template with `{name}` segments, and a handler. A feature adds its routes in
 * one file under routes/ and lists them in routes/index.ts; nothing else changes.
 */
import type { IncomingMessage } from 'node:http';
import type { Analyzer } from '../analyze/analyzer';
import type { InferenceMetrics } from '../metrics';
import type { ModelManager } from '../serving/model-manager';

/** What handlers can use. */
export interface ServerServices {
  readonly manager: ModelManager;
  readonly metrics: InferenceMetrics;
  /** Whether the server is draining for shutdown (readiness is then false). */
  readonly draining: () => boolean;
  /** Name and version reported by `GET /v2`. */
  readonly server: { readonly name: string; readonly version: string };
  /** The image pipeline behind `POST /v1/analyze`; undefined when the server was created without one. */
  readonly analyzer: Analyzer | undefined;
}

/** One request as a handler sees it. */
export interface RouteContext {
  readonly req: IncomingMessage;
  /** Decoded path parameters by template name. */
  readonly params: Readonly<Record<string, string>>;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
  readonly services: ServerServices;
  /** Reads the body (limited to the server's maximum). */
  readBody(): Promise<Buffer>;
  /**
   * Reads the body into a fresh ArrayBuffer of exactly its length, owned by nothing else, so it can be
   * transferred to a worker thread. Use instead of `readBody` (a request body is read once).
   *
   * @param limit - Largest accepted body in bytes (a route's own limit, e.g. images on /v1/analyze).
   * @throws InferenceError PAYLOAD_TOO_LARGE beyond `limit`; BAD_REQUEST when the client aborts.
   */
  readBytes(limit: number): Promise<Uint8Array>;
  /** Reads and parses a JSON body; an empty body is an error when `required`, else undefined. */
  readJson(required: boolean): Promise<unknown>;
}

/** A handler's answer: a status and a JSON value, a text body, or no body. */
export interface RouteResult {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path template, e.g. `/v2/models/{model}/versions/{version}/infer`; also the metrics route label. */
  readonly path: string;
  readonly handler: (context: RouteContext) => Promise<RouteResult> | RouteResult;
}

interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/** Outcome of matching a path: a route with parameters, a path known only for other methods, or nothing. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

/** Matches request paths against route templates, in the order the routes were given. */
export class Router {
  private readonly routes: CompiledRoute[];

  /**
   * @param routes - Routes in priority order (a literal route such as `/v2/models/stats` must precede
   *   the template `/v2/models/{model}` it would otherwise match).
   */
  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{([a-z_]+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]);
          return '([^/]+)';
        })
        .join('/');
      return { ...route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  /**
   * Finds the route of a request.
   *
   * @param method - HTTP method.
   * @param path - URL path without the query string.
   * @returns The route and its decoded parameters; or the methods the path allows; or none.
   */
  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (found === null) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < route.names.length; i++) {
        let value: string;
        try {
          value = decodeURIComponent(found[i + 1]);
        } catch {
          value = found[i + 1];
        }
        params[route.names[i]] = value;
      }
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}
