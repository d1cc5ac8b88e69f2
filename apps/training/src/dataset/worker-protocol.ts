/**
 * The messages between WorkerPool and a worker script, and the worker-side loop that answers them.
 */
import { parentPort } from 'node:worker_threads';

/** Pool → worker. */
export interface WorkerRequest<T> {
  readonly id: number;
  readonly task: T;
}

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  readonly name: string;
  /** The error's `code` when it has a string one, else 'TASK_FAILED'. */
  readonly code: string;
  readonly message: string;
}

/** Worker → pool. */
export type WorkerReply<R> =
  | { readonly id: number; readonly ok: true; readonly value: R }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** Turns anything thrown into a SerializedError (keeps `code` of typed errors such as ImageDecodeError). */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      code: typeof code === 'string' ? code : 'TASK_FAILED',
      message: error.message,
    };
  }
  return { name: 'Error', code: 'TASK_FAILED', message: String(error) };
}

/**
 * Worker side: answers every request from the parent thread with `handler(task)`, one at a time.
 *
 * Parameters
 * ----------
 * handler : the work; its value must be structured-cloneable.
 *
 * Raises Error when called outside a worker thread.
 */
export function serveWorkerTasks<T, R>(handler: (task: T) => Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorkerTasks must run in a worker thread');
  port.on('message', async (request: WorkerRequest<T>) => {
    let reply: WorkerReply<R>;
    try {
      reply = { id: request.id, ok: true, value: await handler(request.task) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: serializeError(error) };
    }
    port.postMessage(reply);
  });
}
