import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { checkGradients, type GradientCheckInput } from '../gradient-check';
import { GraphBuilder } from '../graph-builder';
import * as op from '../ops';
import { isStaticShape, staticSize, type TensorRef } from '../tensor';
import { appendGradients } from './gradients';
import { registerGradientRule } from './registry';
import { CONV_RULES, createConvRule } from './rules-conv';
import { NORMALIZATION_RULES } from './rules-normalization';
import { POOL_RULES } from './rules-pool';

/** Deterministic values in [lo, hi) (LCG), distinct enough for max-pool winners. */
function values(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * state) / 2 ** 32;
  }
  return out;
}

/** A permutation of {0, gap, 2·gap, ...} − offset: every pair differs by ≥ gap (no max-pool ties). */
function spacedValues(n: number, seed: number, gap: number): Float64Array {
  const order = values(n, seed);
  const ranks = Array.from(order.keys()).sort((a, b) => order[a] - order[b]);
  const out = new Float64Array(n);
  ranks.forEach((index, rank) => {
    out[index] = (rank - n / 2) * gap;
  });
  return out;
}

function input(name: string, shape: number[], extra: Partial<GradientCheckInput> = {}): GradientCheckInput {
  return { name, shape, data: values(staticSize(shape), name.charCodeAt(0) * 7919 + shape.length), ...extra };
}

/** L = Σ Y ⊙ R with a fixed random R, so every output element gets its own weight. */
function project(g: GraphBuilder, y: TensorRef): TensorRef {
  if (!isStaticShape(y.shape)) throw new Error('project needs a static shape');
  const r = values(staticSize(y.shape), 12345 + staticSize(y.shape));
  const data = y.dtype === 'float32' ? Float32Array.from(r) : r;
  const weights = g.initializer('weights', data, [...y.shape], { unique: true });
  return op.reduceSum(g, op.mul(g, y, weights), undefined, { keepdims: false });
}

interface Case {
  readonly title: string;
  readonly ops: readonly string[];
  readonly inputs: readonly GradientCheckInput[];
  readonly build: (g: GraphBuilder, x: Readonly<Record<string, TensorRef>>) => TensorRef;
  /** onnxruntime's CPU Conv, ConvTranspose and AveragePool are float32 only. */
  readonly dtype: 'float32' | 'float64';
  readonly tolerance: number;
}

const F32 = { dtype: 'float32' as const, tolerance: 2e-3 };
const F64 = { dtype: 'float64' as const, tolerance: 1e-6 };

const convCase = (
  title: string,
  xShape: number[],
  wShape: number[],
  options: op.ConvOptions,
  withBias = true,
): Case => ({
  title,
  ops: ['Conv'],
  inputs: [input('x', xShape), input('w', wShape), ...(withBias ? [input('b', [wShape[0]])] : [])],
  build: (g, x) => project(g, op.conv(g, x.x, x.w, withBias ? x.b : null, options)),
  ...F32,
});

const cases: Case[] = [
  convCase('Conv 3×3, stride 1, pad 1, with bias', [2, 2, 5, 5], [3, 2, 3, 3], { pads: 1 }),
  convCase(
    'Conv 3×3, stride 2, pad 1 on an even input (window skips the last row)',
    [2, 2, 6, 6],
    [3, 2, 3, 3],
    {
      strides: [2, 2],
      pads: 1,
    },
  ),
  convCase(
    'Conv 3×3, stride 2, no pad on an even input (negative end padding in dW)',
    [1, 2, 6, 7],
    [2, 2, 3, 3],
    {
      strides: [2, 2],
    },
  ),
  convCase(
    'Conv 1×1, stride 2 (a residual shortcut), no bias',
    [2, 3, 5, 4],
    [4, 3, 1, 1],
    { strides: [2, 2] },
    false,
  ),
  convCase('Conv 2×3 kernel, strides 3×2, asymmetric pads', [1, 2, 7, 6], [2, 2, 2, 3], {
    strides: [3, 2],
    pads: [1, 0, 0, 2],
  }),
  convCase('Conv 3×3, dilation 2, pad 2', [1, 2, 7, 7], [2, 2, 3, 3], { dilations: [2, 2], pads: 2 }),
  convCase('Conv 1-D, kernel 3, stride 2, pad 1', [2, 2, 9], [3, 2, 3], { strides: [2], pads: 1 }),
  {
    title: 'MaxPool 3×3, stride 2, pad 1 (overlapping windows share winners)',
    ops: ['MaxPool'],
    inputs: [input('x', [2, 2, 6, 6], { data: spacedValues(144, 3, 0.01) })],
    build: (g, x) => project(g, op.maxPool(g, x.x, { kernelShape: [3, 3], strides: [2, 2], pads: 1 })),
    ...F64,
  },
  {
    title: 'MaxPool 2×2, stride 2 on an odd input',
    ops: ['MaxPool'],
    inputs: [input('x', [1, 3, 5, 5], { data: spacedValues(75, 5, 0.01), declaredShape: ['N', 3, 5, 5] })],
    build: (g, x) => {
      const pooled = op.maxPool(g, x.x, { kernelShape: [2, 2], strides: [2, 2] });
      return op.reduceSum(g, op.mul(g, pooled, pooled), undefined, { keepdims: false });
    },
    ...F64,
  },
  {
    title: 'AveragePool 2×2, stride 2',
    ops: ['AveragePool'],
    inputs: [input('x', [2, 3, 4, 5])],
    build: (g, x) => project(g, op.averagePool(g, x.x, { kernelShape: [2, 2], strides: [2, 2] })),
    ...F32,
  },
  {
    title: 'AveragePool 3×3, stride 2, pad 1, count_include_pad',
    ops: ['AveragePool'],
    inputs: [input('x', [1, 2, 6, 5])],
    build: (g, x) =>
      project(
        g,
        op.averagePool(g, x.x, { kernelShape: [3, 3], strides: [2, 2], pads: 1, countIncludePad: true }),
      ),
    ...F32,
  },
  {
    title: 'GlobalAveragePool with a symbolic batch',
    ops: ['GlobalAveragePool'],
    inputs: [input('x', [3, 2, 4, 3], { declaredShape: ['N', 2, 4, 3] })],
    build: (g, x) => {
      const pooled = op.globalAveragePool(g, op.mul(g, x.x, x.x));
      return op.reduceSum(g, op.mul(g, pooled, pooled), undefined, { keepdims: false });
    },
    ...F32,
  },
  {
    title: 'BatchNormalization with given statistics (all five inputs)',
    ops: ['BatchNormalization'],
    inputs: [
      input('x', [2, 3, 2, 2]),
      input('s', [3]),
      input('b', [3]),
      input('m', [3]),
      input('v', [3], { data: values(3, 17, 0.5, 2) }),
    ],
    build: (g, x) => project(g, op.batchNormalization(g, x.x, x.s, x.b, x.m, x.v, { epsilon: 1e-3 })),
    ...F64,
  },
  {
    title: 'batchNormTraining: batch statistics folded into dX (static batch)',
    ops: ['BatchNormalization'],
    inputs: [input('x', [3, 2, 2, 3]), input('s', [2]), input('b', [2])],
    build: (g, x) => project(g, op.batchNormTraining(g, x.x, x.s, x.b).output),
    ...F64,
  },
  {
    title: 'batchNormTraining on [N, C] with a symbolic batch, statistics also used elsewhere',
    ops: ['BatchNormalization'],
    inputs: [input('x', [5, 3], { declaredShape: ['N', 3] }), input('s', [3]), input('b', [3])],
    build: (g, x) => {
      const bn = op.batchNormTraining(g, x.x, x.s, x.b);
      const y = op.reduceSum(g, op.mul(g, op.tanh(g, bn.output), bn.output), undefined, { keepdims: false });
      return op.add(g, y, project(g, op.add(g, bn.mean, op.mul(g, bn.variance, 0.5))));
    },
    ...F64,
  },
  {
    title: 'residual block: Conv-BN-Relu-Conv-BN + 1×1 shortcut, Relu, GAP, Gemm, softmax cross-entropy',
    ops: ['Conv', 'BatchNormalization', 'GlobalAveragePool'],
    inputs: [
      input('x', [4, 2, 6, 6], { wrt: false, declaredShape: ['N', 2, 6, 6] }),
      input('t', [4, 2], {
        data: Float64Array.from([1, 0, 0, 1, 0, 1, 1, 0]),
        wrt: false,
        declaredShape: ['N', 2],
      }),
      input('w1', [3, 2, 3, 3]),
      input('g1', [3], { data: values(3, 2, 0.5, 1.5) }),
      input('b1', [3]),
      input('w2', [3, 3, 3, 3]),
      input('g2', [3], { data: values(3, 4, 0.5, 1.5) }),
      input('b2', [3]),
      input('ws', [3, 2, 1, 1]),
      input('wd', [3, 2]),
      input('bd', [2]),
    ],
    build: (g, x) => {
      const h1 = op.relu(
        g,
        op.batchNormTraining(g, op.conv(g, x.x, x.w1, null, { strides: [2, 2], pads: 1 }), x.g1, x.b1).output,
      );
      const h2 = op.batchNormTraining(g, op.conv(g, h1, x.w2, null, { pads: 1 }), x.g2, x.b2).output;
      const shortcut = op.conv(g, x.x, x.ws, null, { strides: [2, 2] });
      const pooled = op.globalAveragePool(g, op.relu(g, op.add(g, h2, shortcut)));
      const flat = op.reshape(g, pooled, [0, -1]);
      const logp = op.logSoftmax(g, op.gemm(g, flat, x.wd, x.bd), 1);
      const rows = op.neg(g, op.reduceSum(g, op.mul(g, x.t, logp), [1], { keepdims: false }));
      return op.reduceMean(g, rows, undefined, { keepdims: false });
    },
    dtype: 'float32',
    tolerance: 5e-3,
  },
];

describe('conv-family gradient rules against central finite differences (onnxruntime CPU)', () => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const results = await checkGradients(c.build, c.inputs, { dtype: c.dtype });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.numeric.some((v) => v !== 0)).toBe(true);
      expect(
        r.maxError,
        `${r.name}: analytic ${Array.from(r.analytic)} vs numeric ${Array.from(r.numeric)}`,
      ).toBeLessThan(c.tolerance);
    }
  });

  it('covers every conv-family rule', () => {
    const covered = new Set(cases.flatMap((c) => c.ops));
    const rules = [...CONV_RULES.keys(), ...POOL_RULES.keys(), ...NORMALIZATION_RULES.keys()];
    expect(rules.filter((k) => !covered.has(k))).toEqual([]);
  });
});

describe('batch-statistics recognition', () => {
  it('builds fewer backward nodes than differentiating the reductions, with the same gradient', async () => {
    const shape = [4, 3, 5, 5];
    const data = values(staticSize(shape), 99);
    const build = (recognised: boolean) => {
      const g = new GraphBuilder();
      const x = g.input('x', 'float64', shape);
      const s = g.input('s', 'float64', [3]);
      const b = g.input('b', 'float64', [3]);
      const bn = op.batchNormTraining(g, x, s, b);
      // An Identity on the mean hides the pattern, so the rule falls back to the generic dμ, dσ² path.
      const mean = recognised ? bn.mean : op.identity(g, bn.mean);
      const producer = g.producerOf(bn.output)!;
      const [y] = recognised
        ? [bn.output]
        : g.addNode(
            'BatchNormalization',
            [x, s, b, mean, bn.variance],
            [{ dtype: 'float64', shape }],
            producer.attributes,
          );
      const loss = project(g, y);
      const before = g.nodes.length;
      const [dx] = appendGradients(g, loss, [x]);
      g.output(dx, 'dx');
      return { bytes: g.toBytes(), backwardNodes: g.nodes.length - before };
    };
    const fast = build(true);
    const slow = build(false);
    expect(fast.backwardNodes).toBeLessThan(slow.backwardNodes);
    const run = async (bytes: Uint8Array) => {
      const session = await ort.InferenceSession.create(bytes);
      const ones = new Float64Array(3).fill(1);
      const out = await session.run({
        x: new ort.Tensor('float64', data, shape),
        s: new ort.Tensor('float64', Float64Array.from([1, 2, 0.5]), [3]),
        b: new ort.Tensor('float64', ones, [3]),
      });
      await session.release();
      return out.dx.data as Float64Array;
    };
    const a = await run(fast.bytes);
    const b = await run(slow.bytes);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThan(1e-12);
  });
});

describe('Conv weight gradient as a Conv over transposed activations (dilated by the stride)', () => {
  const convCases = cases.filter((c) => c.ops.length === 1 && c.ops[0] === 'Conv');

  it.each(convCases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    registerGradientRule('Conv', createConvRule('conv'));
    try {
      const results = await checkGradients(c.build, c.inputs, { dtype: c.dtype });
      for (const r of results) expect(r.maxError, r.name).toBeLessThan(c.tolerance);
    } finally {
      registerGradientRule('Conv', createConvRule());
    }
  });
});

describe('conv-family rule refusals', () => {
  const gradientError = (build: (g: GraphBuilder) => { loss: TensorRef; wrt: TensorRef }) => {
    const g = new GraphBuilder();
    const { loss, wrt } = build(g);
    try {
      appendGradients(g, loss, [wrt]);
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return 'none';
  };
  const sumOf = (g: GraphBuilder, y: TensorRef) => op.reduceSum(g, y, undefined, { keepdims: false });

  it('needs static spatial dims and group 1 for Conv', () => {
    expect(
      gradientError((g) => {
        const x = g.input('x', 'float32', [1, 1, 'H', 'W']);
        return { loss: sumOf(g, op.conv(g, x, g.input('w', 'float32', [1, 1, 3, 3]), null)), wrt: x };
      }),
    ).toBe('NO_GRADIENT_RULE');
    expect(
      gradientError((g) => {
        const x = g.input('x', 'float32', [1, 2, 4, 4]);
        return {
          loss: sumOf(g, op.conv(g, x, g.input('w', 'float32', [2, 1, 3, 3]), null, { group: 2 })),
          wrt: x,
        };
      }),
    ).toBe('NO_GRADIENT_RULE');
  });

  it('refuses AveragePool padding without count_include_pad and training-mode BatchNormalization', () => {
    expect(
      gradientError((g) => {
        const x = g.input('x', 'float32', [1, 1, 4, 4]);
        return { loss: sumOf(g, op.averagePool(g, x, { kernelShape: [3, 3], pads: 1 })), wrt: x };
      }),
    ).toBe('NO_GRADIENT_RULE');
    expect(
      gradientError((g) => {
        const x = g.input('x', 'float32', [2, 1, 2, 2]);
        const c = g.input('c', 'float32', [1]);
        const [y] = g.addNode(
          'BatchNormalization',
          [x, c, c, c, c],
          [{ dtype: 'float32', shape: [2, 1, 2, 2] }],
          {
            training_mode: { int: 1 },
          },
        );
        return { loss: sumOf(g, y), wrt: x };
      }),
    ).toBe('NO_GRADIENT_RULE');
  });
});
