/**
 * Where analyses run: a pool of worker threads running the compiled `analysis-worker.js` (the normal
 * mode: the caller's event loop stays free while images are decoded, segmented and measured), or the
 * calling thread when no compiled worker script exists (TypeScript sources, e.g. under vitest) or no
 * workers are asked for. Both modes take the same tasks and answer and fail alike.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Transferable, Worker } from 'node:worker_threads';
import { type AnalysisOutput, type AnalysisTask, runAnalysisTask } from './analysis-task';
import { InProcessQueue } from './in-process-queue';
import { type PoolResult, WorkerPool } from './worker-pool';

/** The worker script's file name in this package's dist/. */
export const ANALYSIS_WORKER_FILE = 'analysis-worker.js';

/**
 * The compiled worker script beside this module: `analysis-worker.js` when this module runs from dist/;
 * null when it runs from TypeScript sources (Node 20 worker threads cannot load the .ts file).
 */
export function defaultAnalysisWorkerScript(): string | null {
  const beside = join(__dirname, ANALYSIS_WORKER_FILE);
  return existsSync(beside) ? beside : null;
}

/**
 * The compiled worker in this package's dist/ (`npx tsc -b libs/analysis`, or any app that depends on it,
 * builds it), whether this module runs compiled or from sources; null when it has not been built. From
 * sources it may be older than the sources: tests and benchmarks that pass it as `script` build first.
 */
export function compiledAnalysisWorkerScript(): string | null {
  const path = __filename.endsWith('.ts')
    ? resolve(__dirname, '../dist', ANALYSIS_WORKER_FILE)
    : join(__dirname, ANALYSIS_WORKER_FILE);
  return existsSync(path) ? path : null;
}

/** Settings of an AnalysisWorkerPool. */
export interface AnalysisWorkerPoolOptions {
  /** Worker threads, integer ≥ 0; 0 runs every analysis on the calling thread. */
  readonly workers: number;
  /** Analyses queued or running at once, integer ≥ 1; more are refused (QUEUE_FULL). Default: no limit. */
  readonly maxPending?: number;
  /**
   * Longest an analysis may run in a worker, ms (> 0); it then fails (TIMEOUT) and its worker is
   * replaced. Default: no limit. Not applied on the calling thread, where nothing can interrupt it.
   */
  readonly timeoutMs?: number;
  /** The worker script; default defaultAnalysisWorkerScript(); null runs on the calling thread. */
  readonly script?: string | null;
  /** Starts one worker thread on the script (default `new Worker(script)`); lets tests reach the threads. */
  readonly spawn?: (script: string) => Worker;
  /** Told when a worker is replaced: it died ('crashed') or ran an analysis too long ('timeout'). */
  readonly onWorkerExit?: (reason: 'crashed' | 'timeout', message: string) => void;
  /** Why `workers` is 0, for `description` (e.g. the setting that asked for it). */
  readonly inProcessReason?: string;
}

/** Runs analyses (AnalysisTask → AnalysisOutput) on worker threads or the calling thread. */
export class AnalysisWorkerPool {
  /** 'workers' when worker threads run the analyses, 'in-process' when the calling thread does. */
  readonly mode: 'workers' | 'in-process';
  /** Worker threads the pool keeps; 0 in process. */
  readonly size: number;
  /** In words, for a start-up log: `2 worker threads` or `the main thread (why)`. */
  readonly description: string;
  private readonly lane:
    | WorkerPool<AnalysisTask, AnalysisOutput>
    | InProcessQueue<AnalysisTask, AnalysisOutput>;

  /**
   * @param options - Workers, pending limit, timeout, script, spawner, exit listener.
   * @throws RangeError for a worker count that is not an integer ≥ 0, a pending limit that is not an
   *   integer ≥ 1, or a timeout ≤ 0.
   */
  constructor(options: AnalysisWorkerPoolOptions) {
    const { workers } = options;
    if (!Number.isInteger(workers) || workers < 0)
      throw new RangeError(`analysis workers must be an integer ≥ 0, got ${workers}`);
    // Checked here too, so that a bad setting fails the same way whichever mode the machine ends up in.
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
      throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    const script = options.script === undefined ? defaultAnalysisWorkerScript() : options.script;
    if (workers === 0 || script === null) {
      const reason =
        workers === 0
          ? (options.inProcessReason ?? 'no worker threads asked for')
          : 'no compiled worker script: running from sources; build with `npx tsc -b libs/analysis`';
      this.mode = 'in-process';
      this.size = 0;
      this.description = `the main thread (${reason})`;
      this.lane = new InProcessQueue(runAnalysisTask, options.maxPending);
      return;
    }
    const spawn = options.spawn ?? ((path: string) => new Worker(path));
    this.mode = 'workers';
    this.size = workers;
    this.description = `${workers} worker thread${workers === 1 ? '' : 's'}`;
    this.lane = new WorkerPool<AnalysisTask, AnalysisOutput>({
      size: workers,
      spawn: () => spawn(script),
      ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onWorkerExit ? { onWorkerExit: options.onWorkerExit } : {}),
    });
  }

  /** Starts every worker now rather than on the first tasks (a no-op in process). */
  start(): void {
    if (this.lane instanceof WorkerPool) this.lane.start();
  }

  /**
   * Runs one analysis.
   *
   * @param task - The bytes, decoder options and ROI specs. In worker mode the bytes are transferred,
   *   not copied, when they span their whole ArrayBuffer: `task.bytes` is then detached (empty) here.
   * @returns The output with the seconds it waited and ran.
   * @throws WorkerPoolError QUEUE_FULL, TIMEOUT, WORKER_EXITED, TASK_NOT_SENT, CLOSED; WorkerTaskError
   *   carrying the pipeline's error (name and code) from a worker; the pipeline's own error in process
   *   (ImageDecodeError, SegmentationError, FeatureError).
   */
  run(task: AnalysisTask): Promise<PoolResult<AnalysisOutput>> {
    if (this.lane instanceof InProcessQueue) return this.lane.run(task);
    return this.lane.run(task, ownedBuffer(task.bytes));
  }

  /** Analyses waiting and running now. */
  load(): { queued: number; running: number } {
    return { queued: this.lane.queued, running: this.lane.running };
  }

  /** Stops the workers (pending analyses fail with CLOSED); in process, waits for the queued ones. */
  close(): Promise<void> {
    return this.lane.close();
  }
}

/** `[bytes.buffer]` when the view spans its whole ArrayBuffer (safe to give away), else [] (copied). */
function ownedBuffer(bytes: Uint8Array): Transferable[] {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
