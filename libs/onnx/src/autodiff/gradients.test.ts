import { describe, expect, it } from 'vitest';
import { OnnxGraphError } from '../errors';
import { checkGradients, type GradientCheckInput } from '../gradient-check';
import type { GraphBuilder } from '../graph-builder';
import { GraphBuilder as Builder } from '../graph-builder';
import * as op from '../ops';
import { isStaticShape, staticSize, type TensorRef } from '../tensor';
import { appendGradients } from './gradients';
import { builtinGradientRules } from './registry';
import { CONV_RULES } from './rules-conv';
import { NORMALIZATION_RULES } from './rules-normalization';
import { POOL_RULES } from './rules-pool';

/** Deterministic values in [lo, hi) from a linear congruential generator (test data only). */
function values(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * state) / 2 ** 32;
  }
  return out;
}

/** Values in ±[lo, hi): kept away from 0 (for Relu and Abs kinks). */
function awayFromZero(n: number, seed: number, lo = 0.2, hi = 1): Float64Array {
  const v = values(n, seed, lo, hi);
  return v.map((x, i) => (i % 2 === 0 ? x : -x));
}

function input(
  name: string,
  shape: number[],
  data?: Float64Array,
  extra: Partial<GradientCheckInput> = {},
): GradientCheckInput {
  return {
    name,
    shape,
    data: data ?? values(staticSize(shape), name.charCodeAt(0) * 7919 + shape.length),
    ...extra,
  };
}

/** L = Σ y ⊙ R with a fixed random R: every output element gets a distinct weight. */
function project(g: GraphBuilder, y: TensorRef): TensorRef {
  if (!isStaticShape(y.shape)) return op.reduceSum(g, op.mul(g, y, y), undefined, { keepdims: false });
  const r = values(staticSize(y.shape), 12345 + staticSize(y.shape), -1, 1);
  const data = y.dtype === 'float32' ? Float32Array.from(r) : r;
  const weights = g.initializer('weights', data, [...y.shape], { unique: true });
  return op.reduceSum(g, op.mul(g, y, weights), undefined, { keepdims: false });
}

interface Case {
  readonly title: string;
  /** Op types whose gradient rule this case checks. */
  readonly ops: readonly string[];
  readonly inputs: readonly GradientCheckInput[];
  readonly build: (g: GraphBuilder, x: Readonly<Record<string, TensorRef>>) => TensorRef;
  readonly tolerance?: number;
  readonly dtype?: 'float32' | 'float64';
  readonly epsilon?: number;
}

const bool = (shape: number[], pattern: number[]): GradientCheckInput => ({
  name: 'cond',
  shape,
  dtype: 'bool',
  data: Uint8Array.from({ length: staticSize(shape) }, (_, i) => pattern[i % pattern.length]),
});

const cases: Case[] = [
  {
    title: 'Add with broadcasting of [3] and [2,1] against [2,3]',
    ops: ['Add'],
    inputs: [input('a', [2, 3]), input('b', [3]), input('c', [2, 1])],
    build: (g, x) => project(g, op.add(g, op.add(g, x.a, x.b), x.c)),
  },
  {
    title: 'Add with a symbolic batch dim and a bias',
    ops: ['Add'],
    inputs: [input('a', [4, 3], undefined, { declaredShape: ['N', 3] }), input('b', [3])],
    build: (g, x) => project(g, op.add(g, x.a, x.b)),
  },
  {
    title: 'Sub with broadcasting',
    ops: ['Sub'],
    inputs: [input('a', [2, 3]), input('b', [2, 1])],
    build: (g, x) => project(g, op.sub(g, x.a, x.b)),
  },
  {
    title: 'Mul with broadcasting and a tensor used twice',
    ops: ['Mul', 'Sum'],
    inputs: [input('a', [2, 3]), input('b', [3])],
    build: (g, x) => project(g, op.mul(g, op.mul(g, x.a, x.b), x.a)),
  },
  {
    title: 'Div with broadcasting',
    ops: ['Div'],
    inputs: [input('a', [2, 3]), input('b', [1, 3], values(3, 5, 0.5, 2))],
    build: (g, x) => project(g, op.div(g, x.a, x.b)),
  },
  {
    title: 'Pow with tensor base and exponent',
    ops: ['Pow'],
    inputs: [input('x', [2, 3], values(6, 9, 0.5, 2)), input('e', [3], values(3, 4, 0.5, 2.5))],
    build: (g, x) => project(g, op.pow(g, x.x, x.e)),
  },
  {
    title: 'Sum of three broadcast operands',
    ops: ['Sum'],
    inputs: [input('a', [2, 3]), input('b', [3]), input('c', [1])],
    build: (g, x) => project(g, op.sum(g, [x.a, x.b, x.c])),
  },
  {
    title: 'unary chain Neg, Identity, Exp, Tanh, Sigmoid',
    ops: ['Neg', 'Identity', 'Exp', 'Tanh', 'Sigmoid'],
    inputs: [input('x', [2, 3])],
    build: (g, x) => project(g, op.sigmoid(g, op.tanh(g, op.exp(g, op.identity(g, op.neg(g, x.x)))))),
  },
  {
    title: 'Log and Sqrt of positive values',
    ops: ['Log', 'Sqrt'],
    inputs: [input('x', [2, 3], values(6, 3, 0.5, 3))],
    build: (g, x) => project(g, op.add(g, op.log(g, x.x), op.sqrt(g, x.x))),
  },
  {
    title: 'Abs and Relu away from their kinks',
    ops: ['Abs', 'Relu'],
    inputs: [input('x', [2, 3], awayFromZero(6, 11)), input('y', [2, 3], awayFromZero(6, 13))],
    build: (g, x) => project(g, op.add(g, op.abs(g, x.x), op.relu(g, x.y))),
  },
  {
    title: 'Where with broadcast branches',
    ops: ['Where'],
    inputs: [bool([2, 3], [1, 0, 0, 1, 1, 0]), input('x', [2, 3]), input('y', [3])],
    build: (g, x) => project(g, op.where(g, x.cond, x.x, x.y)),
  },
  {
    title: 'Clip inside and outside its bounds',
    ops: ['Clip'],
    inputs: [input('x', [2, 3], Float64Array.from([-0.9, -0.3, 0.1, 0.4, 0.8, -0.7]))],
    build: (g, x) => project(g, op.clip(g, x.x, -0.5, 0.5)),
  },
  {
    title: 'Cast float64 → float32 → float64',
    ops: ['Cast'],
    inputs: [input('x', [2, 3])],
    build: (g, x) => project(g, op.cast(g, op.cast(g, x.x, 'float32'), 'float64')),
    epsilon: 1e-2,
    tolerance: 1e-4,
  },
  {
    title: 'Expand [3] and [2,1] to [2,3]',
    ops: ['Expand'],
    inputs: [input('a', [3]), input('b', [2, 1])],
    build: (g, x) => project(g, op.add(g, op.expand(g, x.a, [2, 3]), op.expand(g, x.b, [2, 3]))),
  },
  {
    title: 'MatMul 2-D',
    ops: ['MatMul'],
    inputs: [input('a', [2, 3]), input('b', [3, 4])],
    build: (g, x) => project(g, op.matMul(g, x.a, x.b)),
  },
  {
    title: 'MatMul batched with a broadcast right operand',
    ops: ['MatMul'],
    inputs: [input('a', [2, 2, 3]), input('b', [3, 4])],
    build: (g, x) => project(g, op.matMul(g, x.a, x.b)),
  },
  {
    title: 'MatMul with a broadcast left operand',
    ops: ['MatMul'],
    inputs: [input('a', [2, 3]), input('b', [2, 3, 4])],
    build: (g, x) => project(g, op.matMul(g, x.a, x.b)),
  },
  ...[false, true].flatMap((transA) =>
    [false, true].map(
      (transB): Case => ({
        title: `Gemm transA=${transA} transB=${transB} alpha=0.7 beta=1.3 with a [4] bias`,
        ops: ['Gemm'],
        inputs: [input('a', transA ? [3, 2] : [2, 3]), input('b', transB ? [4, 3] : [3, 4]), input('c', [4])],
        build: (g, x) => project(g, op.gemm(g, x.a, x.b, x.c, { transA, transB, alpha: 0.7, beta: 1.3 })),
      }),
    ),
  ),
  {
    title: 'Gemm with a [2,1] bias and a full [2,4] bias',
    ops: ['Gemm'],
    inputs: [input('a', [2, 3]), input('b', [3, 4]), input('c', [2, 1]), input('d', [2, 4])],
    build: (g, x) =>
      project(g, op.add(g, op.gemm(g, x.a, x.b, x.c), op.gemm(g, x.a, x.b, x.d, { beta: 0.5 }))),
  },
  {
    title: 'ReduceSum over axis 1 (keepdims) and axis 0 (dropped)',
    ops: ['ReduceSum'],
    inputs: [input('x', [2, 3, 2])],
    build: (g, x) =>
      op.add(
        g,
        project(g, op.reduceSum(g, x.x, [1], { keepdims: true })),
        project(g, op.reduceSum(g, op.mul(g, x.x, x.x), [0, -1], { keepdims: false })),
      ),
  },
  {
    title: 'ReduceMean over a static axis and over a symbolic batch',
    ops: ['ReduceMean'],
    inputs: [input('x', [4, 3], undefined, { declaredShape: ['N', 3] })],
    build: (g, x) =>
      op.add(
        g,
        op.reduceSum(
          g,
          op.mul(
            g,
            op.reduceMean(g, x.x, [1], { keepdims: false }),
            op.reduceMean(g, x.x, [1], { keepdims: false }),
          ),
          undefined,
          {
            keepdims: false,
          },
        ),
        project(g, op.reduceMean(g, op.exp(g, x.x), [0], { keepdims: false })),
      ),
  },
  {
    title: 'Softmax over axis 1 and axis 0',
    ops: ['Softmax'],
    inputs: [input('x', [3, 4])],
    build: (g, x) => op.add(g, project(g, op.softmax(g, x.x, 1)), project(g, op.softmax(g, x.x, 0))),
  },
  {
    title: 'LogSoftmax over the last axis',
    ops: ['LogSoftmax'],
    inputs: [input('x', [3, 4])],
    build: (g, x) => project(g, op.logSoftmax(g, x.x, -1)),
  },
  {
    title: 'Transpose with a permutation and with the default reversal',
    ops: ['Transpose'],
    inputs: [input('x', [2, 3, 2])],
    build: (g, x) => op.add(g, project(g, op.transpose(g, x.x, [1, 0, 2])), project(g, op.transpose(g, x.x))),
  },
  {
    title: 'Reshape, Unsqueeze, Squeeze',
    ops: ['Reshape', 'Unsqueeze', 'Squeeze'],
    inputs: [input('x', [2, 3])],
    build: (g, x) => project(g, op.squeeze(g, op.unsqueeze(g, op.reshape(g, x.x, [3, -1]), [0, 3]), [0])),
  },
  {
    title: 'Flatten (added with addNode: no helper)',
    ops: ['Flatten'],
    inputs: [input('x', [2, 3, 2])],
    build: (g, x) => {
      const [flat] = g.addNode('Flatten', [op.tanh(g, x.x)], [{ dtype: 'float64', shape: [2, 6] }], {
        axis: { int: 1 },
      });
      return project(g, flat);
    },
  },
  {
    title: 'Reshape with a symbolic batch',
    ops: ['Reshape'],
    inputs: [input('x', [4, 6], undefined, { declaredShape: ['N', 6] })],
    build: (g, x) => project(g, op.reshape(g, op.sigmoid(g, x.x), [0, 2, 3])),
  },
  {
    title: 'Concat along axis 1 (static sizes)',
    ops: ['Concat'],
    inputs: [input('a', [2, 1]), input('b', [2, 3])],
    build: (g, x) => project(g, op.concat(g, [x.a, op.mul(g, x.b, x.b)], 1)),
  },
  {
    title: 'Concat along a symbolic axis (sizes read at run time)',
    ops: ['Concat'],
    inputs: [
      input('a', [1, 2], undefined, { declaredShape: ['A', 2] }),
      input('b', [3, 2], undefined, { declaredShape: ['B', 2] }),
    ],
    build: (g, x) => project(g, op.concat(g, [op.tanh(g, x.a), x.b], 0)),
  },
  {
    title: 'Split with one piece unused',
    ops: ['Split'],
    inputs: [input('x', [2, 5])],
    build: (g, x) => {
      const [p, , r] = op.split(g, x.x, [2, 1, 2], 1);
      return op.add(g, project(g, p), project(g, op.exp(g, r)));
    },
  },
  {
    title: 'MLP with softmax cross-entropy (Gemm, Sigmoid, LogSoftmax, ReduceMean)',
    ops: ['Gemm', 'Sigmoid', 'LogSoftmax', 'ReduceMean', 'ReduceSum', 'Mul', 'Neg'],
    inputs: [
      input('x', [5, 3], undefined, { declaredShape: ['N', 3], wrt: false }),
      input('t', [5, 2], Float64Array.from([1, 0, 0, 1, 1, 0, 0, 1, 0, 1]), {
        declaredShape: ['N', 2],
        wrt: false,
      }),
      input('w1', [3, 4]),
      input('b1', [4]),
      input('w2', [4, 2]),
      input('b2', [2]),
    ],
    build: (g, x) => {
      const hidden = op.sigmoid(g, op.gemm(g, x.x, x.w1, x.b1));
      const logp = op.logSoftmax(g, op.gemm(g, hidden, x.w2, x.b2), 1);
      const perRow = op.neg(g, op.reduceSum(g, op.mul(g, x.t, logp), [1], { keepdims: false }));
      return op.reduceMean(g, perRow, undefined, { keepdims: false });
    },
  },
];

describe('gradient rules against central finite differences (float64, onnxruntime CPU)', () => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const results = await checkGradients(c.build, c.inputs, { dtype: c.dtype, epsilon: c.epsilon });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.numeric.some((v) => v !== 0)).toBe(true);
      expect(
        r.maxError,
        `${r.name}: analytic ${Array.from(r.analytic)} vs numeric ${Array.from(r.numeric)}`,
      ).toBeLessThan(c.tolerance ?? 1e-6);
    }
  });

  it('covers every builtin rule', () => {
    const covered = new Set(cases.flatMap((c) => c.ops));
    // The conv-family rules (Conv, pools, BatchNormalization) are covered by rules-conv.test.ts.
    const convFamily = new Set([...CONV_RULES.keys(), ...POOL_RULES.keys(), ...NORMALIZATION_RULES.keys()]);
    const missing = [...builtinGradientRules().keys()].filter((k) => !covered.has(k) && !convFamily.has(k));
    expect(missing).toEqual([]);
  });

  it('checks the float32 path with a looser tolerance', async () => {
    const [r] = await checkGradients(
      (g, x) => project(g, op.sigmoid(g, op.matMul(g, x.a, x.b))),
      [input('a', [2, 3]), input('b', [3, 2], undefined, { wrt: false })],
      { dtype: 'float32' },
    );
    expect(r.maxError).toBeLessThan(2e-3);
  });
});

describe('appendGradients errors', () => {
  it('refuses a non-scalar loss', () => {
    const g = new Builder();
    const x = g.input('x', 'float32', [2, 3]);
    expect(() => appendGradients(g, op.sigmoid(g, x), [x])).toThrow(
      expect.objectContaining({ code: 'NOT_SCALAR' }),
    );
  });

  it('names the op that has no rule', () => {
    const g = new Builder();
    const x = g.input('x', 'float32', [2, 3]);
    const loss = op.reduceMax(g, x, undefined, { keepdims: false });
    expect(() => appendGradients(g, loss, [x])).toThrow(/ReduceMax/);
  });

  it('refuses an unused parameter unless asked for zeros', () => {
    const g = new Builder();
    const x = g.input('x', 'float32', [2]);
    const y = g.input('y', 'float32', [2]);
    const loss = op.reduceSum(g, x, undefined, { keepdims: false });
    let error: unknown;
    try {
      appendGradients(g, loss, [x, y]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxGraphError);
    expect((error as OnnxGraphError).code).toBe('UNUSED_PARAMETER');
    const [, dy] = appendGradients(g, loss, [x, y], { unusedParameters: 'zero' });
    expect(dy.shape).toEqual([2]);
  });
});
