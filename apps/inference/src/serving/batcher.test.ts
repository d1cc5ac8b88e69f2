import { createSession, Tensor } from '@calcscope/onnx';
import { describe, expect, it } from 'vitest';
import { FEATURES, featureRows, mlpModel } from '../testing/fixtures';
import { type BatchRunner, DynamicBatcher } from './batcher';
import type { HostTensorMap } from './host-tensor';

/** A runner computing each row's sum (a real computation, so results can be checked), recording batch sizes. */
function rowSumRunner(batches: number[]): BatchRunner {
  return async (inputs, rows) => {
    batches.push(rows);
    const x = inputs.x;
    const width = x.data.length / rows;
    const sums = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) sums[r] += Number(x.data[r * width + c]);
    return { sum: { datatype: 'FP64', shape: [rows], data: sums } };
  };
}

function rowsInput(values: number[][]): HostTensorMap {
  return {
    x: { datatype: 'FP64', shape: [values.length, values[0].length], data: Float64Array.from(values.flat()) },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DynamicBatcher with an onnxruntime session', () => {
  it('gives N concurrent requests bit-identical answers to N sequential runs, in fewer session.run calls', async () => {
    const { session } = await createSession(mlpModel(3, { hidden: 32 }), {
      providers: ['cpu'],
      intraOpNumThreads: 1,
    });
    let runs = 0;
    const runner: BatchRunner = async (inputs, rows) => {
      runs++;
      const out = await session.run({
        features: new Tensor('float32', inputs.features.data as Float32Array, [rows, FEATURES]),
      });
      return {
        probabilities: { datatype: 'FP32', shape: [rows, 2], data: out.probabilities.data as Float32Array },
        label: { datatype: 'INT64', shape: [rows], data: out.label.data as BigInt64Array },
      };
    };
    const n = 48;
    // Requests of 1 to 3 rows, so merged batches mix request sizes.
    const sizes = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const data = featureRows(
      sizes.reduce((a, b) => a + b, 0),
      11,
    );
    const requests: HostTensorMap[] = [];
    let offset = 0;
    for (const rows of sizes) {
      requests.push({
        features: {
          datatype: 'FP32',
          shape: [rows, FEATURES],
          data: data.slice(offset * FEATURES, (offset + rows) * FEATURES),
        },
      });
      offset += rows;
    }
    const sequential = new DynamicBatcher(runner, { maxBatchSize: 16, dynamic: false });
    const alone = [];
    for (let i = 0; i < n; i++) alone.push(await sequential.submit(requests[i], sizes[i]));
    expect(runs).toBe(n);
    runs = 0;
    const batcher = new DynamicBatcher(runner, {
      maxBatchSize: 16,
      dynamic: true,
      maxQueueDelayMicroseconds: 0,
    });
    const together = await Promise.all(requests.map((r, i) => batcher.submit(r, sizes[i])));
    expect(runs).toBeLessThan(n);
    expect(runs).toBe(batcher.executions);
    expect(Math.max(...together.map((t) => t.batchRows))).toBeLessThanOrEqual(16);
    for (let i = 0; i < n; i++) {
      expect(together[i].outputs.probabilities.shape).toEqual([sizes[i], 2]);
      // Bitwise: compare the raw float32 bytes.
      expect(Buffer.from(new Uint8Array(together[i].outputs.probabilities.data.slice().buffer))).toEqual(
        Buffer.from(new Uint8Array(alone[i].outputs.probabilities.data.slice().buffer)),
      );
      expect(Array.from(together[i].outputs.label.data as BigInt64Array)).toEqual(
        Array.from(alone[i].outputs.label.data as BigInt64Array),
      );
    }
    await session.release();
  });
});

describe('DynamicBatcher policy', () => {
  it('merges requests of one event-loop turn and returns each its own rows', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(rowSumRunner(batches), { maxBatchSize: 8, dynamic: true });
    const results = await Promise.all([
      batcher.submit(rowsInput([[1, 2]]), 1),
      batcher.submit(
        rowsInput([
          [3, 4],
          [5, 6],
        ]),
        2,
      ),
      batcher.submit(rowsInput([[7, 8]]), 1),
    ]);
    expect(batches).toEqual([4]);
    expect(results.map((r) => Array.from(r.outputs.sum.data as Float64Array))).toEqual([[3], [7, 11], [15]]);
    expect(results.map((r) => r.outputs.sum.shape)).toEqual([[1], [2], [1]]);
    expect(results.every((r) => r.batchRequests === 3 && r.batchRows === 4)).toBe(true);
  });

  it('never exceeds max_batch_size and keeps arrival order across batches', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(rowSumRunner(batches), { maxBatchSize: 4, dynamic: true });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => batcher.submit(rowsInput([[i, 0]]), 1)),
    );
    expect(batches).toEqual([4, 4, 2]);
    expect(results.map((r) => (r.outputs.sum.data as Float64Array)[0])).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('sends the largest preferred batch size that can be formed, at once', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(rowSumRunner(batches), {
      maxBatchSize: 16,
      dynamic: true,
      preferredBatchSizes: [2, 4],
      maxQueueDelayMicroseconds: 50_000,
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 7 }, (_, i) => batcher.submit(rowsInput([[i]]), 1)));
    // 7 queued: a preferred 4, then 2 (preferred), then the last one waits out the 50 ms delay.
    expect(batches).toEqual([4, 2, 1]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('waits up to the queue delay for more requests while more are expected, not when none are', async () => {
    const batches: number[] = [];
    let expected = true;
    const batcher = new DynamicBatcher(rowSumRunner(batches), {
      maxBatchSize: 8,
      dynamic: true,
      maxQueueDelayMicroseconds: 200_000,
      moreExpected: () => expected,
    });
    const first = batcher.submit(rowsInput([[1]]), 1);
    await sleep(20);
    const second = batcher.submit(rowsInput([[2]]), 1);
    // Both are still waiting (the delay has not passed); saying no more are coming sends them at once.
    expect(batches).toEqual([]);
    expected = false;
    batcher.poke();
    const [a, b] = await Promise.all([first, second]);
    expect(batches).toEqual([2]);
    expect(a.queueSeconds).toBeGreaterThanOrEqual(0.015);
    expect(a.queueSeconds).toBeLessThan(0.2);
    expect(b.batchRows).toBe(2);
    // With nothing expected, a lone request does not wait at all.
    const t0 = performance.now();
    await batcher.submit(rowsInput([[3]]), 1);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(batches).toEqual([2, 1]);
  });

  it('merges only requests whose non-batch dimensions agree', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher(rowSumRunner(batches), { maxBatchSize: 8, dynamic: true });
    const results = await Promise.all([
      batcher.submit(rowsInput([[1, 1]]), 1),
      batcher.submit(rowsInput([[1, 1, 1]]), 1),
      batcher.submit(rowsInput([[2, 2]]), 1),
    ]);
    expect(batches).toEqual([2, 1]);
    expect(results.map((r) => (r.outputs.sum.data as Float64Array)[0])).toEqual([2, 3, 4]);
  });

  it('runs each request alone without dynamic batching, and rejects every request of a failed batch', async () => {
    const batches: number[] = [];
    const alone = new DynamicBatcher(rowSumRunner(batches), { maxBatchSize: 8, dynamic: false });
    await Promise.all([alone.submit(rowsInput([[1]]), 1), alone.submit(rowsInput([[2]]), 1)]);
    expect(batches).toEqual([1, 1]);
    const failing = new DynamicBatcher(
      async () => {
        throw new Error('session exploded');
      },
      { maxBatchSize: 8, dynamic: true },
    );
    const outcomes = await Promise.allSettled([
      failing.submit(rowsInput([[1]]), 1),
      failing.submit(rowsInput([[2]]), 1),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(failing.pending).toBe(0);
    expect(
      () =>
        new DynamicBatcher(rowSumRunner([]), { maxBatchSize: 4, dynamic: true, preferredBatchSizes: [8] }),
    ).toThrow(RangeError);
  });
});
