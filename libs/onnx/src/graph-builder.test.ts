import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphError } from './errors';
import { GraphBuilder } from './graph-builder';
import * as op from './ops';
import type { TensorRef } from './tensor';

async function run(g: GraphBuilder, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(g.toBytes(), { executionProviders: ['cpu'] });
  const out = await session.run(feeds);
  await session.release();
  const plain: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(out))
    plain[k] = Array.from(v.data as ArrayLike<number | bigint>, Number);
  return plain;
}

const f32 = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof OnnxGraphError ? e.code : `not an OnnxGraphError: ${e}`;
  }
  return undefined;
}

describe('GraphBuilder serialisation', () => {
  it('writes opset, IR version, metadata and symbolic dims that onnx-proto decodes back', () => {
    const g = new GraphBuilder({ name: 'meta' });
    const x = g.input('features', 'float32', ['N', 4]);
    g.output(op.sigmoid(g, x), 'probabilities');
    g.setMetadata('family', 'test');
    g.setMetadata('scenario', 'mc');
    const model = onnx.ModelProto.decode(g.toBytes());
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['family', 'test'],
      ['scenario', 'mc'],
    ]);
    const graph = model.graph as onnx.GraphProto;
    const dims = graph.input[0].type!.tensorType!.shape!.dim!;
    expect(dims[0].dimParam).toBe('N');
    expect(Number(dims[1].dimValue)).toBe(4);
    expect(graph.output[0].name).toBe('probabilities');
  });

  it('serialises the same construction to the same bytes', () => {
    const build = () => {
      const g = new GraphBuilder();
      const x = g.input('x', 'float32', ['N', 3]);
      g.output(op.reshape(g, op.add(g, x, 1), [-1, 0]));
      return g.toBytes();
    };
    expect(Buffer.from(build()).equals(Buffer.from(build()))).toBe(true);
  });
});

describe('op helpers run in onnxruntime with the expected values', () => {
  it('Gemm and MatMul compute matrix products over a dynamic batch', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['N', 2]);
    const w = g.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = g.initializer('b', Float32Array.from([0.5, -1, 2]), [3]);
    g.output(op.gemm(g, x, w, b), 'dense');
    g.output(op.matMul(g, x, w), 'product');
    g.output(op.gemm(g, w, x, null, { transA: true, transB: true, alpha: 2 }), 'transposed');
    for (const rows of [1, 3]) {
      const xs = Array.from({ length: rows * 2 }, (_, i) => i - 1);
      const out = await run(g, { x: f32(xs, [rows, 2]) });
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < 3; c++) {
          const dot = xs[r * 2] * [1, 2, 3][c] + xs[r * 2 + 1] * [4, 5, 6][c];
          expect(out.product[r * 3 + c]).toBeCloseTo(dot, 5);
          expect(out.dense[r * 3 + c]).toBeCloseTo(dot + [0.5, -1, 2][c], 5);
          expect(out.transposed[c * rows + r]).toBeCloseTo(2 * dot, 5);
        }
      }
    }
  });

  it('element-wise arithmetic, comparisons and selection', async () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [4]);
    const b = g.input('b', 'float32', [4]);
    const outs: Record<string, TensorRef> = {
      add: op.add(g, a, b),
      sub: op.sub(g, a, 1),
      mul: op.mul(g, 2, a),
      div: op.div(g, a, b),
      pow: op.pow(g, b, 2),
      sum: op.sum(g, [a, b, a]),
      neg: op.neg(g, a),
      exp: op.exp(g, a),
      log: op.log(g, b),
      sqrt: op.sqrt(g, b),
      abs: op.abs(g, a),
      sign: op.sign(g, a),
      sigmoid: op.sigmoid(g, a),
      relu: op.relu(g, a),
      tanh: op.tanh(g, a),
      clip: op.clip(g, a, -0.5, 0.5),
      clipLow: op.clip(g, a, 0, undefined),
      where: op.where(g, op.greater(g, a, b), a, b),
      lessMask: op.cast(g, op.less(g, a, b), 'float32'),
      geMask: op.cast(g, op.and(g, op.greaterOrEqual(g, a, -1), op.lessOrEqual(g, a, 1)), 'float32'),
      notEqual: op.cast(g, op.not(g, op.equal(g, a, b)), 'int64'),
    };
    for (const [name, t] of Object.entries(outs)) g.output(t, name);
    const av = [-2, -0.25, 0.5, 3];
    const bv = [1, 0.5, 0.5, 2];
    const out = await run(g, { a: f32(av, [4]), b: f32(bv, [4]) });
    const expected: Record<string, number[]> = {
      add: av.map((x, i) => x + bv[i]),
      sub: av.map((x) => x - 1),
      mul: av.map((x) => 2 * x),
      div: av.map((x, i) => x / bv[i]),
      pow: bv.map((x) => x * x),
      sum: av.map((x, i) => 2 * x + bv[i]),
      neg: av.map((x) => -x),
      exp: av.map(Math.exp),
      log: bv.map(Math.log),
      sqrt: bv.map(Math.sqrt),
      abs: av.map(Math.abs),
      sign: av.map(Math.sign),
      sigmoid: av.map((x) => 1 / (1 + Math.exp(-x))),
      relu: av.map((x) => Math.max(0, x)),
      tanh: av.map(Math.tanh),
      clip: av.map((x) => Math.min(0.5, Math.max(-0.5, x))),
      clipLow: av.map((x) => Math.max(0, x)),
      where: av.map((x, i) => Math.max(x, bv[i])),
      lessMask: av.map((x, i) => (x < bv[i] ? 1 : 0)),
      geMask: av.map((x) => (x >= -1 && x <= 1 ? 1 : 0)),
      notEqual: av.map((x, i) => (x !== bv[i] ? 1 : 0)),
    };
    for (const [name, values] of Object.entries(expected)) {
      values.forEach((v, i) => {
        expect(out[name][i], `${name}[${i}]`).toBeCloseTo(v, 5);
      });
    }
  });

  it('reductions, softmax and argmax', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['N', 3]);
    g.output(op.reduceSum(g, x, [1], { keepdims: false }), 'rowSum');
    g.output(op.reduceMean(g, x, [0]), 'colMean');
    g.output(op.reduceMax(g, x, [1], { keepdims: false }), 'rowMax');
    g.output(op.softmax(g, x, 1), 'softmax');
    g.output(op.exp(g, op.logSoftmax(g, x, 1)), 'expLogSoftmax');
    g.output(op.argMax(g, x, 1, { keepdims: false }), 'argmax');
    const xs = [1, 2, 3, 0, 5, -1];
    const out = await run(g, { x: f32(xs, [2, 3]) });
    expect(out.rowSum).toEqual([6, 4]);
    expect(out.colMean).toEqual([0.5, 3.5, 1]);
    expect(out.rowMax).toEqual([3, 5]);
    expect(out.argmax).toEqual([2, 1]);
    for (let r = 0; r < 2; r++) {
      const row = xs.slice(r * 3, r * 3 + 3);
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((v, c) => {
        expect(out.softmax[r * 3 + c]).toBeCloseTo(Math.exp(v) / z, 6);
        expect(out.expLogSoftmax[r * 3 + c]).toBeCloseTo(Math.exp(v) / z, 6);
      });
    }
  });

  it('shape ops: transpose, reshape, concat, split, gather, expand, (un)squeeze, shape, size, constants', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    g.output(op.transpose(g, x), 'transposed');
    g.output(op.reshape(g, x, [3, -1]), 'reshaped');
    g.output(op.concat(g, [x, x], 0), 'concatenated');
    const [left, right] = op.split(g, x, [1, 2], 1);
    g.output(left, 'left');
    g.output(right, 'right');
    g.output(op.gather(g, x, g.int64Vector([2, 0]), 1), 'gathered');
    g.output(op.expand(g, op.reduceSum(g, x, [1]), [2, 2]), 'expanded');
    g.output(op.squeeze(g, op.unsqueeze(g, x, [0]), [0]), 'roundTrip');
    g.output(op.shape(g, x), 'shape');
    g.output(op.size(g, x), 'size');
    g.output(op.constant(g, 2.5), 'constant');
    g.output(op.constantOfShape(g, op.shape(g, x), 7, 'int64', [2, 3]), 'sevens');
    const out = await run(g, { x: f32([1, 2, 3, 4, 5, 6], [2, 3]) });
    expect(out.transposed).toEqual([1, 4, 2, 5, 3, 6]);
    expect(out.reshaped).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.concatenated).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    expect(out.left).toEqual([1, 4]);
    expect(out.right).toEqual([2, 3, 5, 6]);
    expect(out.gathered).toEqual([3, 1, 6, 4]);
    expect(out.expanded).toEqual([6, 6, 15, 15]);
    expect(out.roundTrip).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.shape).toEqual([2, 3]);
    expect(out.size).toEqual([6]);
    expect(out.constant).toEqual([2.5]);
    expect(out.sevens).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('writes ReduceMean axes as an input from opset 18 on', async () => {
    const g = new GraphBuilder({ opset: 18 });
    const x = g.input('x', 'float32', [2, 2]);
    const mean = op.reduceMean(g, x, [1], { keepdims: false });
    g.output(mean, 'mean');
    expect(g.producerOf(mean)!.inputs.length).toBe(2);
    const out = await run(g, { x: f32([1, 3, 5, 9], [2, 2]) });
    expect(out.mean).toEqual([2, 7]);
  });
});

describe('shape inference and argument checks', () => {
  it('infers broadcast, MatMul, reshape and reduce shapes with symbolic dims', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['N', 4]);
    const w = g.input('w', 'float32', [4, 8]);
    const b = g.input('b', 'float32', [8]);
    const h = op.add(g, op.matMul(g, x, w), b);
    expect(h.shape).toEqual(['N', 8]);
    expect(op.reshape(g, h, [0, 2, -1]).shape).toEqual(['N', 2, 4]);
    expect(op.reduceSum(g, h, [0], { keepdims: false }).shape).toEqual([8]);
    expect(op.argMax(g, h, -1, { keepdims: false }).shape).toEqual(['N']);
    expect(op.gemm(g, w, x, null, { transA: true, transB: true }).shape).toEqual([8, 'N']);
  });

  it('throws typed errors for bad requests', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    const ints = g.input('i', 'int64', [2, 3]);
    const other = new GraphBuilder().input('y', 'float32', [2, 3]);
    expect(codeOf(() => g.input('x', 'float32', [1]))).toBe('DUPLICATE_NAME');
    expect(codeOf(() => op.matMul(g, x, x))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => op.add(g, x, g.input('z', 'float32', [4])))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => op.add(g, x, ints))).toBe('DTYPE_MISMATCH');
    expect(codeOf(() => op.add(g, x, other))).toBe('UNKNOWN_TENSOR');
    expect(codeOf(() => op.transpose(g, x, [0, 0]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => op.softmax(g, x, 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => op.reshape(g, x, [4, -1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => g.initializer('w', new Float32Array(5), [2, 3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => new GraphBuilder({ opset: 12 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => g.toBytes())).toBe('INVALID_ARGUMENT');
  });
});
