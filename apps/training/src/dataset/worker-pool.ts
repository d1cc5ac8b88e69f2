/**
 * A small pool of worker_threads running one script, one task per worker at a time. The script speaks
 * the protocol of `serveWorkerTasks` (worker-protocol.ts): it receives {id, task} and answers
 * {id, ok: true, value} or {id, ok: false, error: {name, code, message}}.
 */
import { Worker } from 'node:worker_threads';
import { DatasetError } from './errors';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/** A task that failed in a worker: the worker's error, or the worker's death while running it. */
export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
  /** The worker-side error's code (e.g. an ImageDecodeError's 'CORRUPT'), or 'WORKER_EXITED'. */
  readonly code: string;
  /** Name of the worker-side error class ('ImageDecodeError', ...). */
  readonly causeName: string;

  constructor(code: string, message: string, causeName: string) {
    super(message);
    this.code = code;
    this.causeName = causeName;
  }
}

interface Pending<T, R> {
  readonly id: number;
  readonly task: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<T, R> {
  readonly worker: Worker;
  current: Pending<T, R> | null;
}

/**
 * Runs tasks on up to `size` worker threads. Workers start on demand and are replaced when one dies
 * (its task then fails with WorkerTaskError WORKER_EXITED; the other tasks go on).
 */
export class WorkerPool<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private readonly slots = new Set<Slot<T, R>>();
  private nextId = 1;
  private closed = false;

  /**
   * Parameters
   * ----------
   * script : absolute path of a JavaScript worker file.
   * size : number of workers, integer ≥ 1.
   *
   * Raises DatasetError INVALID_OPTION for a bad size.
   */
  constructor(
    private readonly script: string,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new DatasetError('INVALID_OPTION', `worker count must be an integer ≥ 1, got ${size}`);
    }
  }

  /**
   * Queues a task.
   *
   * Returns the worker's value; rejects with WorkerTaskError when the worker reports an error or exits
   * while running the task, or with Error when the pool is closed.
   */
  run(task: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; queued tasks are rejected. Resolves when all workers have exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('worker pool closed'));
    await Promise.all([...this.slots].map((slot) => slot.worker.terminate()));
    this.slots.clear();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current === null) this.assign(slot, this.queue.shift()!);
    }
    while (this.queue.length > 0 && this.slots.size < this.size)
      this.assign(this.spawn(), this.queue.shift()!);
  }

  private assign(slot: Slot<T, R>, pending: Pending<T, R>): void {
    slot.current = pending;
    const request: WorkerRequest<T> = { id: pending.id, task: pending.task };
    slot.worker.postMessage(request);
  }

  private spawn(): Slot<T, R> {
    const worker = new Worker(this.script);
    const slot: Slot<T, R> = { worker, current: null };
    this.slots.add(slot);
    worker.on('message', (reply: WorkerReply<R>) => {
      const pending = slot.current;
      if (!pending || reply.id !== pending.id) return;
      slot.current = null;
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new WorkerTaskError(reply.error.code, reply.error.message, reply.error.name));
      this.dispatch();
    });
    // An uncaught error ends the worker; 'exit' follows and fails its task.
    worker.on('error', (error) => {
      const pending = slot.current;
      slot.current = null;
      pending?.reject(new WorkerTaskError('WORKER_EXITED', `worker failed: ${error.message}`, error.name));
    });
    worker.on('exit', (exitCode) => {
      this.slots.delete(slot);
      const pending = slot.current;
      slot.current = null;
      pending?.reject(
        new WorkerTaskError('WORKER_EXITED', `worker exited with code ${exitCode} during the task`, 'Error'),
      );
      if (!this.closed) this.dispatch();
    });
    return slot;
  }
}
