import { describe, expect, it } from 'vitest';
import { InProcessQueue } from './in-process-queue';
import { WorkerPoolError } from './worker-pool';

/** Records when each task starts and ends, so overlap would show. */
function recorder() {
  const events: string[] = [];
  const handler = async (task: { name: string; ms: number; fail?: boolean }) => {
    events.push(`start ${task.name}`);
    await new Promise((resolve) => setTimeout(resolve, task.ms));
    events.push(`end ${task.name}`);
    if (task.fail) throw new RangeError(`${task.name} failed`);
    return task.name.toUpperCase();
  };
  return { events, handler };
}

describe('InProcessQueue', () => {
  it('runs one task at a time in arrival order and times the wait', async () => {
    const { events, handler } = recorder();
    const queue = new InProcessQueue(handler);
    const runs = [queue.run({ name: 'a', ms: 30 }), queue.run({ name: 'b', ms: 1 })];
    expect(queue.queued + queue.running).toBe(2);
    const [a, b] = await Promise.all(runs);
    expect([a.value, b.value]).toEqual(['A', 'B']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(b.queueSeconds).toBeGreaterThanOrEqual(0.025);
    expect(a.runSeconds).toBeGreaterThanOrEqual(0.025);
  });

  it("passes the handler's error on and goes on with the next task", async () => {
    const { handler } = recorder();
    const queue = new InProcessQueue(handler);
    const failed = queue.run({ name: 'x', ms: 1, fail: true });
    const next = queue.run({ name: 'y', ms: 1 });
    await expect(failed).rejects.toThrow(RangeError);
    expect((await next).value).toBe('Y');
  });

  it('refuses beyond maxPending and after close, and close waits for the pending tasks', async () => {
    const { events, handler } = recorder();
    const queue = new InProcessQueue(handler, 2);
    const first = queue.run({ name: 'a', ms: 20 });
    const second = queue.run({ name: 'b', ms: 1 });
    const refused = await queue.run({ name: 'c', ms: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkerPoolError);
    expect(refused).toMatchObject({ code: 'QUEUE_FULL' });
    await queue.close();
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b']);
    await Promise.all([first, second]);
    await expect(queue.run({ name: 'd', ms: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => new InProcessQueue(handler, 0)).toThrow(/maxPending/);
  });
});
