import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import type { TensorRef } from '../tensor';
import * as op from './index';

/** Builds a one-output graph over float32 inputs, runs it and returns the output's values and dims. */
async function run(
  inputs: Record<string, { data: number[]; shape: number[] }>,
  build: (g: GraphBuilder, x: Record<string, TensorRef>) => TensorRef,
): Promise<{ data: number[]; dims: readonly number[]; declared: TensorRef['shape'] }> {
  const g = new GraphBuilder();
  const refs: Record<string, TensorRef> = {};
  for (const [name, v] of Object.entries(inputs)) refs[name] = g.input(name, 'float32', v.shape);
  const y = build(g, refs);
  g.output(y, 'y');
  const session = await ort.InferenceSession.create(g.toBytes());
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, v] of Object.entries(inputs))
    feeds[name] = new ort.Tensor('float32', Float32Array.from(v.data), v.shape);
  const out = (await session.run(feeds)).y;
  await session.release();
  return { data: Array.from(out.data as Float32Array), dims: out.dims, declared: y.shape };
}

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe('conv and convTranspose', () => {
  it('correlates with stride, padding and a diagonal filter', async () => {
    const x = { data: range(9), shape: [1, 1, 3, 3] };
    const w = { data: [1, 0, 0, 1], shape: [1, 1, 2, 2] };
    // y[p, q] = x[p, q] + x[p + 1, q + 1]
    const plain = await run({ x, w }, (g, t) => op.conv(g, t.x, t.w, null));
    expect(plain.data).toEqual([6, 8, 12, 14]);
    // Padded by 1, stride 2: windows at rows/cols {−1, 0} and {1, 2}.
    const strided = await run({ x, w }, (g, t) => op.conv(g, t.x, t.w, null, { strides: [2, 2], pads: 1 }));
    expect(strided.data).toEqual([1, 3, 7, 14]);
    expect(strided.declared).toEqual([1, 1, 2, 2]);
  });

  it('adds the bias per output channel and infers symbolic batch shapes', async () => {
    const out = await run(
      {
        x: { data: range(8), shape: [2, 1, 2, 2] },
        w: { data: [1, 2], shape: [2, 1, 1, 1] },
        b: { data: [10, 20], shape: [2] },
      },
      (g, t) => op.conv(g, t.x, t.w, t.b),
    );
    expect(out.data).toEqual([11, 12, 13, 14, 22, 24, 26, 28, 15, 16, 17, 18, 30, 32, 34, 36]);
    const g = new GraphBuilder();
    const y = op.conv(
      g,
      g.input('x', 'float32', ['N', 3, 64, 63]),
      g.input('w', 'float32', [16, 3, 3, 3]),
      null,
      {
        strides: [2, 2],
        pads: 1,
        dilations: [1, 2],
      },
    );
    expect(y.shape).toEqual(['N', 16, 32, 31]);
  });

  it('scatters each input through the filter (convTranspose)', async () => {
    const out = await run(
      { x: { data: [1, 2, 3, 4], shape: [1, 1, 2, 2] }, w: { data: [1, 1, 1, 1], shape: [1, 1, 2, 2] } },
      (g, t) => op.convTranspose(g, t.x, t.w, null, { strides: [2, 2] }),
    );
    expect(out.data).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const padded = await run(
      { x: { data: [1, 2, 3, 4], shape: [1, 1, 2, 2] }, w: { data: [1, 1, 1, 1], shape: [1, 1, 2, 2] } },
      (g, t) =>
        op.convTranspose(g, t.x, t.w, null, { strides: [2, 2], pads: [1, 1, 0, 0], outputPadding: [1, 1] }),
    );
    expect(padded.dims).toEqual([1, 1, 4, 4]);
    expect(padded.declared).toEqual([1, 1, 4, 4]);
  });

  it('refuses mismatched channels, bad geometry and a window larger than the input', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [1, 3, 4, 4]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'none';
    };
    expect(code(() => op.conv(g, x, g.input('w1', 'float32', [2, 2, 3, 3]), null))).toBe('SHAPE_MISMATCH');
    expect(code(() => op.conv(g, x, g.input('w2', 'float32', [2, 3, 3, 3]), null, { strides: [0, 1] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => op.conv(g, x, g.input('w3', 'float32', [2, 3, 5, 5]), null))).toBe('SHAPE_MISMATCH');
    expect(code(() => op.conv(g, x, g.input('w4', 'float64', [2, 3, 3, 3]), null))).toBe('DTYPE_MISMATCH');
    const w = g.input('w5', 'float32', [3, 2, 3, 3]);
    expect(code(() => op.convTranspose(g, x, w, null, { strides: [2, 2], outputPadding: [2, 0] }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('pooling, batch normalisation, resize, slicing', () => {
  const x44 = { data: range(16), shape: [1, 1, 4, 4] };

  it('max- and average-pools 2×2 windows and averages globally', async () => {
    const pool = { kernelShape: [2, 2], strides: [2, 2] };
    expect((await run({ x: x44 }, (g, t) => op.maxPool(g, t.x, pool))).data).toEqual([6, 8, 14, 16]);
    expect((await run({ x: x44 }, (g, t) => op.averagePool(g, t.x, pool))).data).toEqual([
      3.5, 5.5, 11.5, 13.5,
    ]);
    // count_include_pad: the corner window of a 3×3/2 pool padded by 1 holds 4 real values out of 9.
    const corner = await run({ x: x44 }, (g, t) =>
      op.averagePool(g, t.x, { kernelShape: [3, 3], strides: [2, 2], pads: 1, countIncludePad: true }),
    );
    expect(corner.data[0]).toBeCloseTo((1 + 2 + 5 + 6) / 9, 6);
    const global = await run({ x: x44 }, (g, t) => op.globalAveragePool(g, t.x));
    expect(global.data).toEqual([8.5]);
    expect(global.declared).toEqual([1, 1, 1, 1]);
  });

  it('normalises with given statistics, and batchNormTraining with the batch statistics', async () => {
    const x = { data: [1, 2, 3, 4, 10, 20, 30, 40], shape: [2, 2, 2, 1] };
    const stats = {
      s: { data: [2, 1], shape: [2] },
      b: { data: [0, 1], shape: [2] },
      m: { data: [1, 0], shape: [2] },
      v: { data: [4, 1], shape: [2] },
    };
    const given = await run({ x, ...stats }, (g, t) =>
      op.batchNormalization(g, t.x, t.s, t.b, t.m, t.v, { epsilon: 1e-6 }),
    );
    // [N, C, 2, 1]: elements 0–1 and 4–5 are channel 0, 2–3 and 6–7 channel 1.
    const expected = x.data.map((raw, i) =>
      Math.floor(i / 2) % 2 === 0 ? ((raw - 1) / Math.sqrt(4 + 1e-6)) * 2 : raw / Math.sqrt(1 + 1e-6) + 1,
    );
    given.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
    const g = new GraphBuilder();
    const xt = g.input('x', 'float32', ['N', 2, 2, 1]);
    const bn = op.batchNormTraining(g, xt, g.input('s', 'float32', [2]), g.input('b', 'float32', [2]));
    g.output(bn.output, 'y');
    g.output(bn.mean, 'mean');
    g.output(bn.variance, 'variance');
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.from(x.data), x.shape),
      s: new ort.Tensor('float32', Float32Array.of(1, 1), [2]),
      b: new ort.Tensor('float32', Float32Array.of(0, 0), [2]),
    });
    await session.release();
    // Channel 0 holds {1, 2, 10, 20}, channel 1 {3, 4, 30, 40}.
    expect(Array.from(out.mean.data as Float32Array)).toEqual([8.25, 19.25]);
    const var0 = [1, 2, 10, 20].reduce((s, v) => s + (v - 8.25) ** 2, 0) / 4;
    expect((out.variance.data as Float32Array)[0]).toBeCloseTo(var0, 3);
    expect((out.y.data as Float32Array)[0]).toBeCloseTo((1 - 8.25) / Math.sqrt(var0 + 1e-5), 5);
  });

  it('resizes bilinearly with half-pixel centres, clamped at the edges', async () => {
    const out = await run({ x: { data: [0, 1, 2, 3], shape: [1, 1, 2, 2] } }, (g, t) =>
      op.resize(g, t.x, [4, 4]),
    );
    // Input f(y, x) = 2y + x is linear, so bilinear sampling returns f at the clamped source coordinates.
    const c = [0, 0.25, 0.75, 1];
    expect(out.data).toEqual(c.flatMap((cy) => c.map((cx) => 2 * cy + cx)));
    expect(out.declared).toEqual([1, 1, 4, 4]);
  });

  it('slices with steps, pads with zeros and reverses axes', async () => {
    const x = { data: range(12, 0), shape: [1, 1, 3, 4] };
    const sliced = await run({ x }, (g, t) => op.slice(g, t.x, [2, 3], [0, 1], [3, 4], { steps: [2, 2] }));
    expect(sliced.data).toEqual([1, 3, 9, 11]);
    expect(sliced.declared).toEqual([1, 1, 2, 2]);
    const padded = await run({ x: { data: [1, 2], shape: [1, 2] } }, (g, t) => op.pad(g, t.x, [1, 0, 0, 2]));
    expect(padded.data).toEqual([0, 0, 0, 0, 1, 2, 0, 0]);
    const flipped = await run({ x }, (g, t) => op.reverse(g, t.x, [2, 3]));
    expect(flipped.data).toEqual(range(12, 0).reverse());
  });
});
