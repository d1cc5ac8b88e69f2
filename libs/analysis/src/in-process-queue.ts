/**
 * The calling thread as a one-lane "pool": tasks run one at a time in arrival order, with WorkerPool's
 * pending limit, answers (PoolResult) and errors (WorkerPoolError QUEUE_FULL, CLOSED), so that code using
 * a pool runs unchanged where no worker can be started (TypeScript sources under vitest, debugging). Each
 * task blocks the event loop for as long as its synchronous parts run, and no timeout can interrupt it.
 */
import { type PoolResult, WorkerPoolError } from './worker-pool';

/** Runs `handler` on the calling thread, one task at a time (see the module comment). */
export class InProcessQueue<T, R> {
  private tail: Promise<unknown> = Promise.resolve();
  private queuedCount = 0;
  private runningCount = 0;
  private closed = false;

  /**
   * @param handler - The work.
   * @param maxPending - Tasks queued or running at once, integer ≥ 1; more are refused (QUEUE_FULL).
   *   Default: no limit.
   * @throws RangeError for a pending limit that is not an integer ≥ 1.
   */
  constructor(
    private readonly handler: (task: T) => Promise<R>,
    private readonly maxPending?: number,
  ) {
    if (maxPending !== undefined && (!Number.isInteger(maxPending) || maxPending < 1))
      throw new RangeError(`maxPending must be an integer ≥ 1, got ${maxPending}`);
  }

  /** Tasks waiting for their turn. */
  get queued(): number {
    return this.queuedCount;
  }

  /** Tasks running now (0 or 1). */
  get running(): number {
    return this.runningCount;
  }

  /**
   * Queues a task.
   *
   * @returns The handler's value with queue and run times in seconds.
   * @throws WorkerPoolError QUEUE_FULL (refused at once) or CLOSED; the handler's own error.
   */
  run(task: T): Promise<PoolResult<R>> {
    if (this.closed) return Promise.reject(new WorkerPoolError('CLOSED', 'the in-process queue is closed'));
    if (this.maxPending !== undefined && this.queuedCount + this.runningCount >= this.maxPending)
      return Promise.reject(
        new WorkerPoolError('QUEUE_FULL', `${this.maxPending} tasks are already queued or running`),
      );
    const enqueuedAt = performance.now();
    this.queuedCount++;
    const run = this.tail.then(async () => {
      this.queuedCount--;
      this.runningCount++;
      const startedAt = performance.now();
      try {
        const value = await this.handler(task);
        return {
          value,
          queueSeconds: (startedAt - enqueuedAt) / 1000,
          runSeconds: (performance.now() - startedAt) / 1000,
        };
      } finally {
        this.runningCount--;
      }
    });
    // The next task waits for this one whether it succeeds or fails.
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Refuses new tasks; resolves when the queued and running ones have finished. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
