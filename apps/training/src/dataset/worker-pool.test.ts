import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerTaskError } from './worker-pool';

// A plain-JS worker speaking serveWorkerTasks's protocol (vitest cannot hand TypeScript to worker_threads).
const WORKER = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, task }) => {
  if (task.op === 'crash') process.exit(3);
  if (task.op === 'fail') {
    parentPort.postMessage({ id, ok: false, error: { name: 'RangeError', code: 'NEGATIVE', message: 'n < 0' } });
    return;
  }
  const until = Date.now() + (task.ms || 0);
  while (Date.now() < until) {}
  parentPort.postMessage({ id, ok: true, value: { doubled: task.n * 2, threadId } });
});
`;

type Task = { op: 'double' | 'fail' | 'crash'; n: number; ms?: number };
type Reply = { doubled: number; threadId: number };

let dir: string;
let script: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calcscope-pool-'));
  script = join(dir, 'worker.js');
  await writeFile(script, WORKER);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('WorkerPool', () => {
  it('runs every task and returns each result to its caller', async () => {
    const pool = new WorkerPool<Task, Reply>(script, 2);
    try {
      const inputs = [1, 2, 3, 4, 5, 6, 7];
      const replies = await Promise.all(inputs.map((n) => pool.run({ op: 'double', n, ms: 20 })));
      expect(replies.map((r) => r.doubled)).toEqual(inputs.map((n) => 2 * n));
      // Two workers shared the work, never more.
      expect(new Set(replies.map((r) => r.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('passes worker errors on with their code and survives a worker that dies', async () => {
    const pool = new WorkerPool<Task, Reply>(script, 1);
    try {
      const results = await Promise.allSettled([
        pool.run({ op: 'double', n: 1 }),
        pool.run({ op: 'fail', n: -1 }),
        pool.run({ op: 'crash', n: 0 }),
        pool.run({ op: 'double', n: 21 }),
      ]);
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: { doubled: 2 } });
      expect(results[1].status).toBe('rejected');
      const failed = (results[1] as PromiseRejectedResult).reason;
      expect(failed).toBeInstanceOf(WorkerTaskError);
      expect(failed).toMatchObject({ code: 'NEGATIVE', causeName: 'RangeError', message: 'n < 0' });
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'WORKER_EXITED' });
      // A fresh worker took the task after the crash.
      expect(results[3]).toMatchObject({ status: 'fulfilled', value: { doubled: 42 } });
    } finally {
      await pool.close();
    }
  });

  it('rejects bad sizes and tasks after close', async () => {
    expect(() => new WorkerPool(script, 0)).toThrow(/integer ≥ 1/);
    const pool = new WorkerPool<Task, Reply>(script, 1);
    await pool.close();
    await expect(pool.run({ op: 'double', n: 1 })).rejects.toThrow(/closed/);
  });
});
