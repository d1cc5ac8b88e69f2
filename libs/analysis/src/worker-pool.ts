/**
 * A pool of worker threads running one script, one task per worker at a time, for CPU-heavy work that
 * must stay off the event loop. The script speaks worker-protocol.ts (`serveTasks`). Generic over the
 * task; AnalysisWorkerPool (analysis-pool.ts) is the image pipeline's use of it.
 *
 * - Tasks queue in arrival order; with `maxPending`, at most that many may be queued or running, more
 *   are refused at once (QUEUE_FULL) so that a burst cannot hold unbounded request bodies in memory.
 * - A task's transfer list moves its buffers to the worker (no copy; they are detached here).
 * - A worker that dies fails its task (WORKER_EXITED) and is replaced; with `timeoutMs`, a task running
 *   longer fails (TIMEOUT) and its worker is terminated and replaced. The other tasks go on.
 * - Idle workers are unreferenced, so an idle pool never keeps the process alive.
 */
import type { Transferable, Worker } from 'node:worker_threads';
import type { TaskReply, TaskRequest } from './worker-protocol';

/** Why the pool itself refused or lost a task. */
export type WorkerPoolErrorCode =
  /** `maxPending` tasks are already queued or running. */
  | 'QUEUE_FULL'
  /** The task ran longer than `timeoutMs`; its worker was terminated. */
  | 'TIMEOUT'
  /** The worker died (crash, out of memory, terminated) while running the task. */
  | 'WORKER_EXITED'
  /** The task could not be posted (a value that cannot be cloned, a detached buffer). */
  | 'TASK_NOT_SENT'
  /** The pool is closed. */
  | 'CLOSED';

/** A task the pool refused or lost; `code` says why. */
export class WorkerPoolError extends Error {
  override readonly name = 'WorkerPoolError';
  readonly code: WorkerPoolErrorCode;

  constructor(code: WorkerPoolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A task that failed inside its worker: the worker-side error's class name, code and message. */
export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
  /** The worker-side error's string code (e.g. an ImageDecodeError's 'TRUNCATED'), or 'TASK_FAILED'. */
  readonly code: string;
  /** The worker-side error's class name ('ImageDecodeError', 'SegmentationError', ...). */
  readonly causeName: string;

  constructor(causeName: string, code: string, message: string) {
    super(message);
    this.causeName = causeName;
    this.code = code;
  }
}

/** Settings of a WorkerPool. */
export interface WorkerPoolOptions {
  /** Number of worker threads, integer ≥ 1. */
  readonly size: number;
  /** Starts one worker thread (e.g. `() => new Worker(script)`). */
  readonly spawn: () => Worker;
  /** Largest number of tasks queued or running at once, integer ≥ 1 (default: no limit). */
  readonly maxPending?: number;
  /** Longest a task may run in its worker, ms (> 0; default: no limit). */
  readonly timeoutMs?: number;
  /** Told when a worker is replaced: it died ('crashed') or ran a task too long ('timeout'). */
  readonly onWorkerExit?: (reason: 'crashed' | 'timeout', message: string) => void;
}

/** A task's value with the time it waited for a worker and the time the worker took, in seconds. */
export interface PoolResult<R> {
  readonly value: R;
  readonly queueSeconds: number;
  readonly runSeconds: number;
}

interface Job<T, R> {
  readonly id: number;
  readonly task: T;
  readonly transfer: readonly Transferable[];
  readonly enqueuedAt: number;
  startedAt: number;
  readonly resolve: (result: PoolResult<R>) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<T, R> {
  readonly worker: Worker;
  job: Job<T, R> | null;
  timer: NodeJS.Timeout | undefined;
  /** Tasks answered: a worker that answered once has proved its script loads. */
  answered: number;
  /** Terminated by the pool (timeout or close): its exit is not a crash. */
  stopping: boolean;
}

/** Runs tasks on up to `size` worker threads (see the module comment). */
export class WorkerPool<T, R> {
  private readonly queue: Job<T, R>[] = [];
  private readonly slots = new Set<Slot<T, R>>();
  private nextId = 1;
  private closed = false;

  /**
   * @param options - Size, spawner, pending limit and timeout (both optional), exit listener.
   * @throws RangeError for a size or pending limit that is not an integer ≥ 1, or a timeout ≤ 0.
   */
  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError(`worker pool size must be an integer ≥ 1, got ${options.size}`);
    const { maxPending, timeoutMs } = options;
    if (maxPending !== undefined && (!Number.isInteger(maxPending) || maxPending < 1))
      throw new RangeError(`maxPending must be an integer ≥ 1, got ${maxPending}`);
    if (timeoutMs !== undefined && !(timeoutMs > 0))
      throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  }

  /** Number of worker threads the pool keeps. */
  get size(): number {
    return this.options.size;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Tasks running in a worker. */
  get running(): number {
    let running = 0;
    for (const slot of this.slots) if (slot.job !== null) running++;
    return running;
  }

  /** Worker threads alive now (started, not yet exited). */
  get workers(): number {
    return this.slots.size;
  }

  /** Starts every worker now rather than on the first tasks, so the first requests do not pay start-up. */
  start(): void {
    while (!this.closed && this.slots.size < this.options.size) this.spawn();
  }

  /**
   * Queues a task.
   *
   * @param task - The task (structured-cloned to the worker, except the transferred buffers).
   * @param transfer - Buffers of the task to move to the worker; they are detached here once it starts.
   * @returns The worker's value with queue and run times.
   * @throws WorkerPoolError QUEUE_FULL (refused at once; nothing transferred), TIMEOUT, WORKER_EXITED,
   *   TASK_NOT_SENT, CLOSED; WorkerTaskError when the worker reports an error.
   */
  run(task: T, transfer: readonly Transferable[] = []): Promise<PoolResult<R>> {
    if (this.closed) return Promise.reject(new WorkerPoolError('CLOSED', 'the worker pool is closed'));
    const { maxPending } = this.options;
    if (maxPending !== undefined && this.queue.length + this.running >= maxPending)
      return Promise.reject(
        new WorkerPoolError(
          'QUEUE_FULL',
          `${maxPending} tasks are already queued or running; try again later`,
        ),
      );
    return new Promise<PoolResult<R>>((resolve, reject) => {
      const now = performance.now();
      this.queue.push({
        id: this.nextId++,
        task,
        transfer,
        enqueuedAt: now,
        startedAt: now,
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running tasks fail with CLOSED. Resolves when all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new WorkerPoolError('CLOSED', 'the worker pool closed'));
    const exits: Promise<number>[] = [];
    for (const slot of this.slots) {
      slot.stopping = true;
      this.fail(slot, new WorkerPoolError('CLOSED', 'the worker pool closed'));
      exits.push(slot.worker.terminate());
    }
    await Promise.all(exits);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job === null && !slot.stopping) this.assign(slot, this.queue.shift()!);
    }
    while (this.queue.length > 0 && this.slots.size < this.options.size)
      this.assign(this.spawn(), this.queue.shift()!);
  }

  private assign(slot: Slot<T, R>, job: Job<T, R>): void {
    const request: TaskRequest<T> = { id: job.id, task: job.task };
    try {
      slot.worker.postMessage(request, job.transfer);
    } catch (error) {
      job.reject(
        new WorkerPoolError('TASK_NOT_SENT', `the task could not be sent: ${(error as Error).message}`),
      );
      return;
    }
    job.startedAt = performance.now();
    slot.job = job;
    slot.worker.ref();
    if (this.options.timeoutMs !== undefined)
      slot.timer = setTimeout(() => this.timeout(slot), this.options.timeoutMs);
  }

  private timeout(slot: Slot<T, R>): void {
    slot.timer = undefined;
    if (slot.job === null) return;
    const seconds = ((performance.now() - slot.job.startedAt) / 1000).toFixed(1);
    const message = `the task ran ${seconds} s, longer than the limit of ${this.options.timeoutMs} ms; its worker was replaced`;
    slot.stopping = true;
    this.fail(slot, new WorkerPoolError('TIMEOUT', message));
    this.options.onWorkerExit?.('timeout', message);
    // 'exit' removes the slot and dispatches the queue to a fresh worker.
    void slot.worker.terminate();
  }

  /** Rejects the slot's current task, if any, and clears its timer. */
  private fail(slot: Slot<T, R>, error: Error): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    const job = slot.job;
    slot.job = null;
    job?.reject(error);
  }

  private spawn(): Slot<T, R> {
    const worker = this.options.spawn();
    const slot: Slot<T, R> = { worker, job: null, timer: undefined, answered: 0, stopping: false };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (reply: TaskReply<R>) => {
      const job = slot.job;
      if (job === null || reply.id !== job.id) return;
      if (slot.timer !== undefined) clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.job = null;
      slot.answered++;
      worker.unref();
      const now = performance.now();
      if (reply.ok)
        job.resolve({
          value: reply.value,
          queueSeconds: (job.startedAt - job.enqueuedAt) / 1000,
          runSeconds: (now - job.startedAt) / 1000,
        });
      else job.reject(new WorkerTaskError(reply.error.name, reply.error.code, reply.error.message));
      this.dispatch();
    });
    // An uncaught error ends the worker: fail its task now; 'exit' follows and replaces it.
    worker.on('error', (error) => {
      this.fail(slot, new WorkerPoolError('WORKER_EXITED', `the worker failed: ${error.message}`));
    });
    worker.on('exit', (exitCode) => {
      this.slots.delete(slot);
      const message = `a worker thread exited with code ${exitCode}`;
      this.fail(slot, new WorkerPoolError('WORKER_EXITED', `${message} while running the task`));
      if (this.closed) return;
      if (!slot.stopping) this.options.onWorkerExit?.('crashed', message);
      // Replace a worker that had proved healthy at once (the pool stays warm); otherwise only on demand,
      // so a script that cannot start does not respawn in a loop.
      if (slot.answered > 0 && this.slots.size < this.options.size) this.spawn();
      this.dispatch();
    });
    return slot;
  }
}
