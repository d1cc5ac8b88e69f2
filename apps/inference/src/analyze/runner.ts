/**
 * Where the service's analyses run: the inference settings turned into an AnalysisWorkerPool of
 * @calcscope/analysis — worker threads (the normal mode: the event loop stays free while images are
 * decoded, segmented and measured), or the main thread when `INFERENCE_ANALYZE_WORKERS=0` or no compiled
 * worker script exists (running from TypeScript sources).
 */
import { AnalysisWorkerPool } from '@calcscope/analysis';

/** Options of createAnalyzeRunner (the analyze settings). */
export interface AnalyzeRunnerOptions {
  /** Worker threads; 0 = the main thread. */
  readonly workers: number;
  readonly maxPending: number;
  readonly timeoutMs: number;
  /** Worker script (default: @calcscope/analysis's compiled one beside it); null = none, run in process. */
  readonly script?: string | null;
  /** Told when a worker is replaced (for metrics and the log). */
  readonly onWorkerExit?: (reason: 'crashed' | 'timeout', message: string) => void;
}

/**
 * The runner the settings ask for: a started worker pool, or the main thread when workers are 0 or no
 * compiled worker script exists.
 *
 * @param options - Workers, pending limit, timeout, script, exit listener.
 * @returns The pool (its `description` says where analyses run).
 */
export function createAnalyzeRunner(options: AnalyzeRunnerOptions): AnalysisWorkerPool {
  const pool = new AnalysisWorkerPool({
    ...options,
    inProcessReason: 'INFERENCE_ANALYZE_WORKERS=0',
  });
  pool.start();
  return pool;
}
