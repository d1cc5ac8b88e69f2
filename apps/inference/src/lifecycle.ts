/**
 * Graceful shutdown: on SIGTERM (or SIGINT) the server stops accepting connections, finishes the
 * requests in flight, releases every model session, and the process exits — 0 when everything drained
 * in time, 1 when connections had to be cut.
 */
import type { InferenceServer } from './http/server';
import type { ModelManager } from './serving/model-manager';

/** Options of shutdownGracefully / installShutdownHandlers. */
export interface ShutdownOptions {
  /** How long in-flight requests may take before connections are closed forcibly (ms). */
  readonly drainTimeoutMs: number;
  /** Receives progress lines (default console.log). */
  readonly log?: (line: string) => void;
  /** Releases what else the process holds (the analysis workers) after the manager closed. */
  readonly release?: () => Promise<void>;
}

/**
 * Drains the server, then closes the manager.
 *
 * @param server - The HTTP server.
 * @param manager - The model manager.
 * @param options - Drain timeout and logger.
 * @returns True when every in-flight request finished within the timeout.
 */
export async function shutdownGracefully(
  server: InferenceServer,
  manager: ModelManager,
  options: ShutdownOptions,
): Promise<boolean> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  log(`inference: shutting down, ${server.inFlight} request(s) in flight`);
  const clean = await server.drain(options.drainTimeoutMs);
  await manager.close();
  await options.release?.();
  log(
    `inference: ${clean ? 'drained' : 'drain timed out, connections closed'}; sessions released in ${(performance.now() - started).toFixed(0)} ms`,
  );
  return clean;
}

/**
 * Installs SIGTERM and SIGINT handlers that shut down gracefully and exit. A second signal exits at once
 * with status 1.
 *
 * @param server - The HTTP server.
 * @param manager - The model manager.
 * @param options - Drain timeout, logger, and the exit function (default process.exit).
 */
export function installShutdownHandlers(
  server: InferenceServer,
  manager: ModelManager,
  options: ShutdownOptions & { readonly exit?: (code: number) => void },
): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      exit(1);
      return;
    }
    stopping = true;
    (options.log ?? console.log)(`inference: received ${signal}`);
    shutdownGracefully(server, manager, options).then(
      (clean) => exit(clean ? 0 : 1),
      (error) => {
        console.error(`inference: shutdown failed: ${(error as Error).stack ?? String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
