import { Worker } from 'node:worker_threads';
import { encodePng } from '@calcscope/imaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalysisWorkerPool,
  compiledAnalysisWorkerScript,
  defaultAnalysisWorkerScript,
} from './analysis-pool';
import type { AnalysisOutput, AnalysisTask } from './analysis-task';
import { WorkerTaskError } from './worker-pool';

/**
 * A 256² 16-bit PNG at 0.1 mm: a textured breast-like ellipse with a group of eight 3 × 3 bright dots
 * (one MC cluster for the detector). About 0.1 s through the pipeline.
 */
async function syntheticPng(): Promise<Uint8Array> {
  const n = 256;
  const pixels = new Uint16Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const d = Math.hypot((x - n * 0.2) / (n * 0.75), (y - n / 2) / (n * 0.45));
      pixels[y * n + x] = d < 1 ? 20000 + 8000 * Math.cos(x / 7) * Math.sin(y / 9) : 500;
    }
  for (let k = 0; k < 8; k++) {
    const cx = Math.round(n * 0.35 + (k % 3) * 6);
    const cy = Math.round(n * 0.5 + Math.floor(k / 3) * 6);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) pixels[(cy + dy) * n + cx + dx] = 60000;
  }
  return encodePng({ width: n, height: n, pixels, bits: 16, pixelSpacingMm: 0.1 });
}

const ROI = { key: '3mm-8px-zscore', sizeMm: 3, pixels: 8, normalization: 'zscore' } as const;

/** A stand-in worker answering every task with what it received (byte count, options). */
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, task }) => {
  parentPort.postMessage({ id, ok: true, value: { result: { bytes: task.bytes.length, decode: task.decode }, rois: [] } });
});
`;

let png: Uint8Array;
const pools: AnalysisWorkerPool[] = [];
beforeAll(async () => {
  png = await syntheticPng();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

function makePool(options: ConstructorParameters<typeof AnalysisWorkerPool>[0]): AnalysisWorkerPool {
  const pool = new AnalysisWorkerPool(options);
  pools.push(pool);
  return pool;
}

/** The result without its wall-clock timings (which differ run to run). */
function withoutTimings(output: AnalysisOutput) {
  const { timingsMs, ...rest } = output.result;
  return { result: rest, stages: Object.keys(timingsMs).sort(), rois: output.rois };
}

describe('AnalysisWorkerPool on the calling thread', () => {
  it('is what runs from sources (no compiled worker beside them), and analyses for real', async () => {
    expect(defaultAnalysisWorkerScript()).toBeNull();
    const pool = makePool({ workers: 2 });
    expect(pool.mode).toBe('in-process');
    expect(pool.size).toBe(0);
    expect(pool.description).toMatch(/^the main thread \(no compiled worker script/);
    const bytes = png.slice();
    const { value, queueSeconds } = await pool.run({ bytes, rois: [ROI] });
    // Nothing is transferred in process: the caller keeps its bytes.
    expect(bytes.byteLength).toBe(png.byteLength);
    expect(queueSeconds).toBeGreaterThanOrEqual(0);
    expect(value.result.image).toMatchObject({ width: 256, height: 256, format: 'png' });
    expect(value.result.clusters.length).toBeGreaterThan(0);
    expect(value.rois).toHaveLength(1);
    expect(value.rois[0].data).toHaveLength(value.result.clusters.length * 64);
    expect(value.result.timingsMs.roi).toBeGreaterThanOrEqual(0);
  });

  it("applies the task's decoder limit and says why it runs here", async () => {
    const pool = makePool({ workers: 0, inProcessReason: 'SOME_SETTING=0' });
    expect(pool.description).toBe('the main thread (SOME_SETTING=0)');
    await expect(pool.run({ bytes: png, decode: { maxPixels: 1000 } })).rejects.toMatchObject({
      name: 'ImageDecodeError',
      code: 'TOO_LARGE',
    });
    expect(() => new AnalysisWorkerPool({ workers: -1 })).toThrow(RangeError);
    expect(() => new AnalysisWorkerPool({ workers: 0, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new AnalysisWorkerPool({ workers: 0, maxPending: 0 })).toThrow(/maxPending/);
  });
});

describe('AnalysisWorkerPool on worker threads', () => {
  it('transfers bytes that own their buffer, copies a view into a larger one, and passes options', async () => {
    const pool = makePool({
      workers: 2,
      script: 'echo.js',
      spawn: () => new Worker(ECHO, { eval: true }),
      maxPending: 4,
    });
    expect(pool.mode).toBe('workers');
    expect(pool.description).toBe('2 worker threads');
    const owned = new Uint8Array(1000);
    const backing = new Uint8Array(64);
    const view = backing.subarray(8, 24);
    const task: AnalysisTask = { bytes: owned, decode: { maxPixels: 123 } };
    const [a, b] = await Promise.all([pool.run(task), pool.run({ bytes: view })]);
    expect(a.value.result).toEqual({ bytes: 1000, decode: { maxPixels: 123 } });
    expect(b.value.result).toMatchObject({ bytes: 16 });
    expect(owned.byteLength).toBe(0);
    expect(view.byteLength).toBe(16);
    expect(pool.load()).toEqual({ queued: 0, running: 0 });
  });

  it.skipIf(compiledAnalysisWorkerScript() === null)(
    'the compiled worker answers as the calling thread does, and sends pipeline errors with their code',
    async () => {
      const pool = makePool({ workers: 1, script: compiledAnalysisWorkerScript(), timeoutMs: 60_000 });
      const inProcess = makePool({ workers: 0 });
      const [fromWorker, here] = await Promise.all([
        pool.run({ bytes: png.slice(), rois: [ROI] }),
        inProcess.run({ bytes: png.slice(), rois: [ROI] }),
      ]);
      expect(withoutTimings(fromWorker.value)).toEqual(withoutTimings(here.value));
      const error = await pool.run({ bytes: Buffer.from('not an image') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerTaskError);
      expect(error).toMatchObject({ causeName: 'ImageDecodeError', code: 'UNSUPPORTED_FORMAT' });
    },
  );
});
