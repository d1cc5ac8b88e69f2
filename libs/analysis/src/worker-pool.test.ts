import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerPoolError, WorkerTaskError } from './worker-pool';

/**
 * A worker speaking the pool protocol (as serveTasks does), with tasks that misbehave on purpose:
 * `length` answers the byte length it received (and transfers a buffer back), `wait` answers after `ms`
 * with the thread's id, `fail` reports a typed error, `exit` kills the thread mid-task, `spin` never
 * answers. (vitest cannot hand TypeScript to worker_threads, hence plain JavaScript.)
 */
const SCRIPT = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, task }) => {
  if (task.kind === 'length') {
    const back = new Float32Array([task.bytes.length, task.bytes[0]]);
    parentPort.postMessage({ id, ok: true, value: { back } }, [back.buffer]);
  } else if (task.kind === 'wait') {
    setTimeout(() => parentPort.postMessage({ id, ok: true, value: { waited: task.ms, threadId } }), task.ms);
  } else if (task.kind === 'fail') {
    parentPort.postMessage({ id, ok: false, error: { name: 'ImageDecodeError', code: 'TRUNCATED', message: 'cut short' } });
  } else if (task.kind === 'exit') {
    process.exit(7);
  } else if (task.kind === 'spin') {
    for (;;) {}
  }
});
`;

type Task =
  | { kind: 'length'; bytes: Uint8Array }
  | { kind: 'wait'; ms: number }
  | { kind: 'fail' }
  | { kind: 'exit' }
  | { kind: 'spin' };
type Reply = { back?: Float32Array; waited?: number; threadId?: number };

const pools: WorkerPool<Task, Reply>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function makePool(
  options: Partial<{ size: number; maxPending: number; timeoutMs: number }> = {},
  exits: string[] = [],
): WorkerPool<Task, Reply> {
  const pool = new WorkerPool<Task, Reply>({
    spawn: () => new Worker(SCRIPT, { eval: true }),
    onWorkerExit: (reason) => exits.push(reason),
    ...options,
    size: options.size ?? 1,
  });
  pools.push(pool);
  return pool;
}

describe('WorkerPool', () => {
  it('transfers task buffers to the worker and results back, without copies', async () => {
    const pool = makePool();
    const bytes = new Uint8Array(1 << 20).fill(9);
    const result = await pool.run({ kind: 'length', bytes }, [bytes.buffer]);
    expect(Array.from(result.value.back!)).toEqual([1 << 20, 9]);
    // Transferred, not copied: the caller's buffer is detached.
    expect(bytes.byteLength).toBe(0);
    expect(result.queueSeconds).toBeGreaterThanOrEqual(0);
    expect(result.runSeconds).toBeGreaterThan(0);
  });

  it('runs up to `size` tasks at once and queues the rest in order', async () => {
    const pool = makePool({ size: 2 });
    const started = performance.now();
    const runs = [200, 200, 200].map((ms) => pool.run({ kind: 'wait', ms }));
    expect(pool.running + pool.queued).toBe(3);
    const results = await Promise.all(runs);
    const elapsed = performance.now() - started;
    expect(results.map((r) => r.value.waited)).toEqual([200, 200, 200]);
    // Two threads shared the work, never more.
    expect(new Set(results.map((r) => r.value.threadId)).size).toBe(2);
    // Two run together, the third after one of them: about 400 ms, not 200 and not 600.
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(results[2].queueSeconds).toBeGreaterThanOrEqual(0.19);
    expect(pool.workers).toBe(2);
  });

  it("reports a worker's typed error with its class name and code", async () => {
    const pool = makePool();
    const error = await pool.run({ kind: 'fail' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerTaskError);
    expect(error).toMatchObject({ causeName: 'ImageDecodeError', code: 'TRUNCATED', message: 'cut short' });
  });

  it('fails the task of a worker that dies, replaces the worker, and goes on', async () => {
    const exits: string[] = [];
    const pool = makePool({}, exits);
    expect((await pool.run({ kind: 'wait', ms: 1 })).value.waited).toBe(1);
    const error = await pool.run({ kind: 'exit' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerPoolError);
    expect((error as WorkerPoolError).code).toBe('WORKER_EXITED');
    expect((error as Error).message).toMatch(/exited with code 7/);
    expect(exits).toEqual(['crashed']);
    expect((await pool.run({ kind: 'wait', ms: 1 })).value.waited).toBe(1);
  });

  it('goes on after a typed error and a crash in the same queue, in order', async () => {
    const pool = makePool();
    const results = await Promise.allSettled([
      pool.run({ kind: 'wait', ms: 1 }),
      pool.run({ kind: 'fail' }),
      pool.run({ kind: 'exit' }),
      pool.run({ kind: 'wait', ms: 2 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'TRUNCATED' });
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'WORKER_EXITED' });
    // A fresh worker took the last task after the crash.
    expect((results[3] as PromiseFulfilledResult<{ value: Reply }>).value.value.waited).toBe(2);
  });

  it('without maxPending or timeoutMs, queues any number of tasks and lets each run as long as it takes', async () => {
    const pool = makePool({ size: 2 });
    const runs = Array.from({ length: 40 }, (_, k) => pool.run({ kind: 'wait', ms: k === 0 ? 300 : 1 }));
    expect(pool.running + pool.queued).toBe(40);
    const results = await Promise.all(runs);
    expect(results.map((r) => r.value.waited)).toEqual(
      Array.from({ length: 40 }, (_, k) => (k === 0 ? 300 : 1)),
    );
  });

  it('stops a task that runs too long, replaces its worker, and runs the queued task', async () => {
    const exits: string[] = [];
    const pool = makePool({ timeoutMs: 200 }, exits);
    const spinning = pool.run({ kind: 'spin' });
    const next = pool.run({ kind: 'wait', ms: 1 });
    const error = await spinning.catch((e: unknown) => e);
    expect((error as WorkerPoolError).code).toBe('TIMEOUT');
    expect((await next).value.waited).toBe(1);
    expect(exits).toEqual(['timeout']);
  });

  it('refuses work beyond maxPending at once, leaving the buffer with the caller', async () => {
    const pool = makePool({ maxPending: 2 });
    const first = pool.run({ kind: 'wait', ms: 100 });
    const second = pool.run({ kind: 'wait', ms: 1 });
    const bytes = new Uint8Array(16);
    const error = await pool.run({ kind: 'length', bytes }, [bytes.buffer]).catch((e: unknown) => e);
    expect((error as WorkerPoolError).code).toBe('QUEUE_FULL');
    expect(bytes.byteLength).toBe(16);
    await Promise.all([first, second]);
    expect((await pool.run({ kind: 'length', bytes }, [bytes.buffer])).value.back![0]).toBe(16);
  });

  it('fails queued and running tasks when closed, and refuses new ones', async () => {
    const pool = makePool();
    const running = pool.run({ kind: 'wait', ms: 5000 }).catch((e: unknown) => e);
    const queued = pool.run({ kind: 'wait', ms: 1 }).catch((e: unknown) => e);
    await pool.close();
    expect(await running).toMatchObject({ code: 'CLOSED' });
    expect(await queued).toMatchObject({ code: 'CLOSED' });
    await expect(pool.run({ kind: 'wait', ms: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(pool.workers).toBe(0);
  });

  it('checks its options', () => {
    const spawn = () => new Worker(SCRIPT, { eval: true });
    expect(() => new WorkerPool({ size: 0, spawn })).toThrow(RangeError);
    expect(() => new WorkerPool({ size: 1.5, spawn })).toThrow(/integer ≥ 1/);
    expect(() => new WorkerPool({ size: 1, spawn, maxPending: 0, timeoutMs: 1 })).toThrow(/maxPending/);
    expect(() => new WorkerPool({ size: 1, spawn, maxPending: 1, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
