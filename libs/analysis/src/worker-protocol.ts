/**
 * The messages between WorkerPool (main thread) and a worker script, and the worker-side loop that
 * answers them. Large values cross by transfer: the pool passes a task's transfer list to postMessage,
 * and the worker transfers the buffers `transferOf` names in its answer.
 */
import type { MessagePort, Transferable } from 'node:worker_threads';

/** Pool → worker: one task. */
export interface TaskRequest<T> {
  readonly id: number;
  readonly task: T;
}

/** An error as it crosses the thread boundary (classes do not survive structured cloning). */
export interface SerializedError {
  /** The error's class name ('ImageDecodeError', 'SegmentationError', ...). */
  readonly name: string;
  /** The error's string `code` (e.g. 'TRUNCATED'), or 'TASK_FAILED' when it has none. */
  readonly code: string;
  readonly message: string;
}

/** Worker → pool: the task's value or its error. */
export type TaskReply<R> =
  | { readonly id: number; readonly ok: true; readonly value: R }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * Turns anything thrown into a SerializedError, keeping the name and string `code` of typed errors.
 *
 * @param error - The thrown value.
 * @returns Its name, code ('TASK_FAILED' without a string code) and message.
 */
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
 * Worker side: answers every task from the parent with `handler(task)`, one at a time (the pool sends a
 * worker its next task only after the answer).
 *
 * @param port - `parentPort` of the worker thread.
 * @param handler - The work; its value must be structured-cloneable.
 * @param transferOf - Buffers of a value to transfer rather than copy (default none).
 * @throws Error when `port` is null (not running in a worker thread).
 */
export function serveTasks<T, R>(
  port: MessagePort | null,
  handler: (task: T) => Promise<R>,
  transferOf: (value: R) => Transferable[] = () => [],
): void {
  if (port === null) throw new Error('serveTasks must run in a worker thread');
  port.on('message', async (request: TaskRequest<T>) => {
    let reply: TaskReply<R>;
    let transfer: Transferable[] = [];
    try {
      const value = await handler(request.task);
      reply = { id: request.id, ok: true, value };
      transfer = transferOf(value);
    } catch (error) {
      reply = { id: request.id, ok: false, error: serializeError(error) };
    }
    port.postMessage(reply, transfer);
  });
}
