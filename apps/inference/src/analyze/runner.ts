/**
 * Where analyses run: a pool of worker threads (the service's normal mode: the event loop stays free
 * while images are decoded, segmented and measured), or the main thread when no compiled worker script
 * exists (running from TypeScript sources) or workers are disabled (`INFERENCE_ANALYZE_WORKERS=0`).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type PoolResult, WorkerPool, WorkerPoolError } from './pool';
import { runAnalyzeTask } from './run-task';
import type { AnalyzeOutput, AnalyzeTask } from './task';

/** Runs analyses somewhere; both implementations answer and fail alike. */
export interface AnalyzeRunner {
  /** In words, for the start-up log: `2 worker threads` or `the main thread (...)`. */
  readonly description: string;
  /**
   * Runs one analysis. The task's byte buffer may be transferred away (detached) by this call.
   *
   * @returns The output with queue and run times.
   * @throws WorkerPoolError (QUEUE_FULL, TIMEOUT, WORKER_EXITED, ...), WorkerTaskError (the pipeline's
   *   error from a worker), or the pipeline's own error (in process).
   */
  run(task: AnalyzeTask): Promise<PoolResult<AnalyzeOutput>>;
  /** Analyses waiting and running now. */
  load(): { queued: number; running: number };
  /** Stops the workers; pending analyses fail. */
  close(): Promise<void>;
}

/**
 * The compiled worker script beside this module: `worker.js` when this module runs from dist/analyze/;
 * null when it runs from TypeScript sources (Node 20 worker threads cannot load the .ts file).
 */
export function defaultAnalyzeWorkerScript(): string | null {
  const beside = join(__dirname, 'worker.js');
  return existsSync(beside) ? beside : null;
}

/**
 * The compiled worker in this app's dist/ (`npx tsc -b apps/inference` builds it), whether this module
 * runs compiled or from sources (tests build first, then pass it); null when it has not been built.
 */
export function compiledAnalyzeWorkerScript(): string | null {
  const path = __filename.endsWith('.ts')
    ? resolve(__dirname, '../../dist/analyze/worker.js')
    : join(__dirname, 'worker.js');
  return existsSync(path) ? path : null;
}

/** Analyses on a WorkerPool; the image bytes are transferred, never copied. */
export class WorkerAnalyzeRunner implements AnalyzeRunner {
  readonly description: string;

  /** @param pool - A pool whose workers run `worker.js` (or anything answering AnalyzeTask alike). */
  constructor(private readonly pool: WorkerPool<AnalyzeTask, AnalyzeOutput>) {
    this.description = `${pool.size} worker thread${pool.size === 1 ? '' : 's'}`;
  }

  run(task: AnalyzeTask): Promise<PoolResult<AnalyzeOutput>> {
    return this.pool.run(task, [task.bytes.buffer as ArrayBuffer]);
  }

  load(): { queued: number; running: number } {
    return { queued: this.pool.queued, running: this.pool.running };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Analyses on the main thread, one at a time. Each one blocks the event loop for its whole length: for
 * development from sources and for debugging, never for serving.
 */
export class InProcessAnalyzeRunner implements AnalyzeRunner {
  readonly description: string;
  private queue: Promise<unknown> = Promise.resolve();
  private queuedCount = 0;
  private runningCount = 0;
  private closed = false;

  /**
   * @param maxPending - Analyses queued or running at once; more are refused (QUEUE_FULL).
   * @param reason - Why analyses run here, for the description.
   */
  constructor(
    private readonly maxPending: number,
    reason: string,
  ) {
    this.description = `the main thread (${reason})`;
  }

  run(task: AnalyzeTask): Promise<PoolResult<AnalyzeOutput>> {
    if (this.closed) return Promise.reject(new WorkerPoolError('CLOSED', 'the analysis runner is closed'));
    if (this.queuedCount + this.runningCount >= this.maxPending)
      return Promise.reject(
        new WorkerPoolError('QUEUE_FULL', `${this.maxPending} analyses are already queued or running`),
      );
    const enqueuedAt = performance.now();
    this.queuedCount++;
    const run = this.queue.then(async () => {
      this.queuedCount--;
      this.runningCount++;
      const startedAt = performance.now();
      try {
        const value = await runAnalyzeTask(task);
        return {
          value,
          queueSeconds: (startedAt - enqueuedAt) / 1000,
          runSeconds: (performance.now() - startedAt) / 1000,
        };
      } finally {
        this.runningCount--;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  load(): { queued: number; running: number } {
    return { queued: this.queuedCount, running: this.runningCount };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }
}

/** Options of createAnalyzeRunner (the analyze settings). */
export interface AnalyzeRunnerOptions {
  /** Worker threads; 0 = the main thread. */
  readonly workers: number;
  readonly maxPending: number;
  readonly timeoutMs: number;
  /** Worker script (default: `defaultAnalyzeWorkerScript()`); null = none, run in process. */
  readonly script?: string | null;
  /** Told when a worker is replaced (for metrics and the log). */
  readonly onWorkerExit?: (reason: 'crashed' | 'timeout', message: string) => void;
}

/**
 * The runner the settings ask for: a started worker pool, or the main thread when workers are 0 or no
 * compiled worker script exists.
 *
 * @param options - Workers, pending limit, timeout, script, exit listener.
 * @returns The runner (its `description` says which).
 */
export function createAnalyzeRunner(options: AnalyzeRunnerOptions): AnalyzeRunner {
  if (options.workers === 0)
    return new InProcessAnalyzeRunner(options.maxPending, 'INFERENCE_ANALYZE_WORKERS=0');
  const script = options.script === undefined ? defaultAnalyzeWorkerScript() : options.script;
  if (script === null)
    return new InProcessAnalyzeRunner(
      options.maxPending,
      'no compiled worker script: running from sources; build with `npx tsc -b apps/inference`',
    );
  const pool = new WorkerPool<AnalyzeTask, AnalyzeOutput>({
    size: options.workers,
    spawn: () => new Worker(script),
    maxPending: options.maxPending,
    timeoutMs: options.timeoutMs,
    ...(options.onWorkerExit ? { onWorkerExit: options.onWorkerExit } : {}),
  });
  pool.start();
  return new WorkerAnalyzeRunner(pool);
}
