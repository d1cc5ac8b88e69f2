/**
 * The HTTP server (node:http, no framework): matches routes, reads bodies within the size limit, turns
 * InferenceErrors into `{"error": "..."}` with their status, counts requests, and drains for shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Analyzer } from '../analyze/analyzer';
import { InferenceError } from '../errors';
import type { InferenceMetrics } from '../metrics';
import type { ModelManager } from '../serving/model-manager';
import { parseJson, readBody, readOwnedBody } from './body';
import { type Route, type RouteContext, type RouteResult, Router, type ServerServices } from './router';
import { defaultRoutes } from './routes';

/** Options of createInferenceServer. */
export interface InferenceServerOptions {
  readonly manager: ModelManager;
  readonly metrics: InferenceMetrics;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes: number;
  /** Routes (default: defaultRoutes()). */
  readonly routes?: readonly Route[];
  /** The image pipeline of `POST /v1/analyze` (without one that route answers 503). */
  readonly analyzer?: Analyzer;
  /** Name and version for `GET /v2` (default calcscope-inference, 0.1.0). */
  readonly serverInfo?: { readonly name: string; readonly version: string };
  /** Receives one line per unexpected (500) error; default console.error. */
  readonly log?: (line: string) => void;
}

/** A running (or listening-to-be) inference HTTP server. */
export interface InferenceServer {
  readonly server: Server;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** Whether `drain` has been called. */
  readonly draining: boolean;
  /**
   * Starts listening.
   *
   * @param port - TCP port (0 = a free one).
   * @param host - Interface address.
   * @returns The bound address.
   */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, answers requests arriving on open connections with 503 and closes
   * those connections, and waits for in-flight requests to finish.
   *
   * @param timeoutMs - How long to wait before closing the remaining connections forcibly.
   * @returns True when every in-flight request finished in time.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

const JSON_TYPE = 'application/json';

function errorBody(message: string, detail?: string): string {
  return JSON.stringify(detail === undefined ? { error: message } : { error: message, code: detail });
}

/**
 * Creates the service's HTTP server (not yet listening).
 *
 * @param options - Manager, metrics, body limit, routes.
 * @returns The server with listen and drain.
 */
export function createInferenceServer(options: InferenceServerOptions): InferenceServer {
  const router = new Router(options.routes ?? defaultRoutes());
  const log = options.log ?? ((line: string) => console.error(line));
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const services: ServerServices = {
    manager: options.manager,
    metrics: options.metrics,
    draining: () => draining,
    server: options.serverInfo ?? { name: 'calcscope-inference', version: '0.1.0' },
    analyzer: options.analyzer,
  };

  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    routeLabel: string,
    status: number,
    body: string | Buffer | undefined,
    contentType: string | undefined,
    extraHeaders?: Record<string, string>,
  ) => {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { ...extraHeaders };
    if (body !== undefined) {
      headers['content-type'] = contentType ?? JSON_TYPE;
      headers['content-length'] = Buffer.byteLength(body);
    } else headers['content-length'] = 0;
    // While draining, and after refusing a body, the connection is not reused.
    if (draining || status === 413) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
    options.metrics.httpRequest(req.method ?? 'UNKNOWN', routeLabel, status);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, routeLabel: string, error: unknown) => {
    if (error instanceof InferenceError) {
      finish(req, res, routeLabel, error.status, errorBody(error.message, error.detail), JSON_TYPE);
      return;
    }
    log(
      `inference: unexpected error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}`,
    );
    finish(
      req,
      res,
      routeLabel,
      500,
      errorBody(`internal error: ${(error as Error)?.message ?? String(error)}`),
      JSON_TYPE,
    );
  };

  const respond = (req: IncomingMessage, res: ServerResponse, route: Route, result: RouteResult) => {
    if (result.json !== undefined)
      finish(req, res, route.path, result.status, JSON.stringify(result.json), JSON_TYPE);
    else if (result.text !== undefined)
      finish(req, res, route.path, result.status, result.text, result.contentType);
    else finish(req, res, route.path, result.status, undefined, undefined);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = performance.now();
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    });
    if (draining) {
      req.resume();
      finish(req, res, 'draining', 503, errorBody('the server is shutting down'), JSON_TYPE);
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const match = router.match(req.method ?? 'GET', path);
    if (match.kind !== 'found') {
      req.resume();
      if (match.kind === 'method')
        finish(
          req,
          res,
          'unmatched',
          405,
          errorBody(`${req.method} is not allowed on ${path}; use ${match.allowed.join(' or ')}`),
          JSON_TYPE,
          { allow: match.allowed.join(', ') },
        );
      else finish(req, res, 'unmatched', 404, errorBody(`no route for ${req.method} ${path}`), JSON_TYPE);
      return;
    }
    const route = match.route;
    let bodyRead: Promise<Buffer> | undefined;
    let bytesRead: Promise<Uint8Array> | undefined;
    const bodyUntouched = () => bodyRead === undefined && bytesRead === undefined;
    const context: RouteContext = {
      req,
      params: match.params,
      receivedAt,
      services,
      readBody: () => {
        if (bytesRead) return Promise.reject(new Error('the body was already read by readBytes'));
        bodyRead ??= readBody(req, options.maxBodyBytes);
        return bodyRead;
      },
      readBytes: (limit) => {
        if (bodyRead) return Promise.reject(new Error('the body was already read by readBody'));
        bytesRead ??= readOwnedBody(req, limit);
        return bytesRead;
      },
      readJson: async (required) => parseJson(await context.readBody(), required),
    };
    let result: Promise<RouteResult> | RouteResult;
    try {
      result = route.handler(context);
    } catch (error) {
      req.resume();
      fail(req, res, route.path, error);
      return;
    }
    if (result instanceof Promise)
      result.then(
        (value) => respond(req, res, route, value),
        (error) => {
          if (bodyUntouched()) req.resume();
          fail(req, res, route.path, error);
        },
      );
    else {
      if (bodyUntouched()) req.resume();
      respond(req, res, route, result);
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, handle);
  // A malformed request line or header never reaches `handle`; answer it as JSON like everything else.
  server.on('clientError', (error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = errorBody(`malformed HTTP request: ${(error as Error).message}`);
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    get draining() {
      return draining;
    },
    listen(port, host) {
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    drain(timeoutMs) {
      draining = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          drained = undefined;
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          drained = undefined;
          // Keep-alive connections that carried the last requests are closed by `connection: close`.
          server.closeIdleConnections();
          resolve(true);
        };
      });
    },
  };
}
