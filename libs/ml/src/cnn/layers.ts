import { type GraphBuilder, op, type TensorRef } from '@calcscope/onnx';
import type { BlockSpec, ConvSpec, PoolSpec } from './architecture';
import { convNames } from './architecture';
import { CnnError } from './errors';

/** Returns the graph tensor holding a named parameter of the given shape (a graph input or an initializer). */
export type ParameterSource = (name: string, shape: readonly number[]) => TensorRef;

/** Batch statistics of one batch normalisation in a training graph. */
export interface BatchStatistics {
  /** Name stem of the conv + BN (`ConvSpec.name`). */
  readonly name: string;
  /** Batch mean `[C]`. */
  readonly mean: TensorRef;
  /** Biased batch variance `[C]`. */
  readonly variance: TensorRef;
  /** Values per channel the statistics average over (N·h·w), for the unbiased running variance. */
  readonly countPerSample: number;
}

/**
 * What the layer functions need: the graph, the mode, and where parameters come from.
 *
 * - `'train'`: batch normalisation uses this batch's statistics (recorded in `batchStatistics` so the
 *   trainer can keep running averages); `buffer` is never called.
 * - `'inference'`: batch normalisation uses the running statistics from `buffer`.
 */
export interface CnnGraphContext {
  readonly g: GraphBuilder;
  readonly mode: 'train' | 'inference';
  /** Trainable tensors (conv weights, BN scale and bias, dense weights). */
  readonly parameter: ParameterSource;
  /** Running statistics (BN mean and variance). */
  readonly buffer: ParameterSource;
  /** ε of the batch normalisations. */
  readonly epsilon: number;
  /** Filled by `batchNorm` in training mode, in layer order. */
  readonly batchStatistics: BatchStatistics[];
}

/**
 * A context for the layer functions.
 *
 * @param g - Graph to extend.
 * @param mode - Batch statistics (`'train'`) or running statistics (`'inference'`).
 * @param parameter - Source of trainable tensors.
 * @param buffer - Source of running statistics (unused in training mode).
 * @param epsilon - Batch-norm ε.
 * @returns The context.
 */
export function createCnnContext(
  g: GraphBuilder,
  mode: 'train' | 'inference',
  parameter: ParameterSource,
  buffer: ParameterSource,
  epsilon: number,
): CnnGraphContext {
  return { g, mode, parameter, buffer, epsilon, batchStatistics: [] };
}

/**
 * Parameters as float32 graph inputs (training and evaluation graphs, fed every run).
 *
 * @param g - Graph.
 * @param created - Receives each input in creation order (the trainable list for `appendTrainingStep`).
 * @returns The source.
 */
export function inputParameters(g: GraphBuilder, created: TensorRef[] = []): ParameterSource {
  return (name, shape) => {
    const t = g.input(name, 'float32', shape);
    created.push(t);
    return t;
  };
}

/**
 * Parameters as initializers holding fixed values (exported models).
 *
 * @param g - Graph.
 * @param values - Data per name.
 * @returns The source; it throws CnnError `INVALID_MODEL` for a missing name.
 */
export function initializerParameters(
  g: GraphBuilder,
  values: Readonly<Record<string, Float32Array>>,
): ParameterSource {
  return (name, shape) => {
    const data = values[name];
    if (!data) throw new CnnError('INVALID_MODEL', `missing tensor '${name}'`);
    return g.initializer(name, data, shape);
  };
}

/**
 * 2-D convolution without bias, square kernel, zero padding `spec.pad` on every side.
 *
 * @param ctx - Graph context.
 * @param x - `[N, inChannels, h, w]`.
 * @param spec - Conv layer.
 * @returns `[N, outChannels, h', w']`.
 */
export function conv2d(ctx: CnnGraphContext, x: TensorRef, spec: ConvSpec): TensorRef {
  const w = ctx.parameter(convNames(spec).weight, [
    spec.outChannels,
    spec.inChannels,
    spec.kernel,
    spec.kernel,
  ]);
  return op.conv(ctx.g, x, w, null, { strides: [spec.stride, spec.stride], pads: spec.pad });
}

/**
 * Batch normalisation of a conv output: this batch's statistics in training mode, the running statistics at
 * inference. Tensors `<name>.bn.scale|bias` (trainable) and `<name>.bn.mean|var` (running statistics).
 *
 * @param ctx - Graph context.
 * @param x - `[N, C, h, w]` with static C, h, w.
 * @param spec - The conv whose output this normalises (names and channel count).
 * @returns The normalised tensor.
 */
export function batchNorm(ctx: CnnGraphContext, x: TensorRef, spec: ConvSpec): TensorRef {
  const n = convNames(spec);
  const c = spec.outChannels;
  const scale = ctx.parameter(n.scale, [c]);
  const bias = ctx.parameter(n.bias, [c]);
  if (ctx.mode === 'train') {
    const bn = op.batchNormTraining(ctx.g, x, scale, bias, { epsilon: ctx.epsilon });
    ctx.batchStatistics.push({
      name: spec.name,
      mean: bn.mean,
      variance: bn.variance,
      countPerSample: spec.outputSize[0] * spec.outputSize[1],
    });
    return bn.output;
  }
  return op.batchNormalization(ctx.g, x, scale, bias, ctx.buffer(n.mean, [c]), ctx.buffer(n.variance, [c]), {
    epsilon: ctx.epsilon,
  });
}

/** max(x, 0) element-wise. */
export function relu(ctx: CnnGraphContext, x: TensorRef): TensorRef {
  return op.relu(ctx.g, x);
}

/**
 * Conv → BN → optional ReLU, the unit every conv of the net is used in.
 *
 * @param ctx - Graph context.
 * @param x - Input.
 * @param spec - Conv layer.
 * @param activate - Apply ReLU (default true).
 * @returns The output.
 */
export function convBn(ctx: CnnGraphContext, x: TensorRef, spec: ConvSpec, activate = true): TensorRef {
  const y = batchNorm(ctx, conv2d(ctx, x, spec), spec);
  return activate ? relu(ctx, y) : y;
}

/**
 * Max or average pooling with a square window.
 *
 * @param ctx - Graph context.
 * @param x - `[N, C, h, w]`.
 * @param spec - Pool layer.
 * @returns The pooled tensor.
 */
export function pool2d(ctx: CnnGraphContext, x: TensorRef, spec: PoolSpec): TensorRef {
  const options = {
    kernelShape: [spec.kernel, spec.kernel],
    strides: [spec.stride, spec.stride],
    pads: spec.pad,
  };
  return spec.kind === 'max'
    ? op.maxPool(ctx.g, x, options)
    : op.averagePool(ctx.g, x, { ...options, countIncludePad: true });
}

/**
 * Basic residual block: ReLU(BN(conv2(ReLU(BN(conv1(x))))) + shortcut(x)), the shortcut being x itself or
 * BN(conv1×1(x)) when the block changes channels or size.
 *
 * @param ctx - Graph context.
 * @param x - Block input.
 * @param spec - Block layers.
 * @returns Block output.
 */
export function residualBlock(ctx: CnnGraphContext, x: TensorRef, spec: BlockSpec): TensorRef {
  const h = convBn(ctx, convBn(ctx, x, spec.conv1), spec.conv2, false);
  const shortcut = spec.shortcut ? convBn(ctx, x, spec.shortcut, false) : x;
  return relu(ctx, op.add(ctx.g, h, shortcut));
}

/**
 * Global average pooling flattened to a vector per sample.
 *
 * @param ctx - Graph context.
 * @param x - `[N, C, h, w]`.
 * @param name - Output name (e.g. `'embedding'`), optional.
 * @returns `[N, C]`.
 */
export function globalAvgPool(ctx: CnnGraphContext, x: TensorRef, name?: string): TensorRef {
  const pooled = op.globalAveragePool(ctx.g, x);
  return op.reshape(ctx.g, pooled, [0, -1], { name, outputShape: [x.shape[0], x.shape[1]] });
}

/**
 * Dense layer `x·W + b` with W `[in, out]` and b `[out]`.
 *
 * @param ctx - Graph context.
 * @param x - `[N, in]`.
 * @param names - Names of W and b.
 * @param inputs - in.
 * @param outputs - out.
 * @returns `[N, out]`.
 */
export function dense(
  ctx: CnnGraphContext,
  x: TensorRef,
  names: { readonly weight: string; readonly bias: string },
  inputs: number,
  outputs: number,
): TensorRef {
  return op.gemm(
    ctx.g,
    x,
    ctx.parameter(names.weight, [inputs, outputs]),
    ctx.parameter(names.bias, [outputs]),
  );
}

/**
 * Mean softmax cross-entropy of logits against one-hot (or soft) targets: mean over rows of
 * −Σ_k t_k · log softmax(z)_k.
 *
 * @param ctx - Graph context.
 * @param logits - `[N, K]`.
 * @param targets - `[N, K]`, rows summing to 1.
 * @returns Scalar loss.
 */
export function softmaxCrossEntropy(ctx: CnnGraphContext, logits: TensorRef, targets: TensorRef): TensorRef {
  const g = ctx.g;
  const logp = op.logSoftmax(g, logits, 1);
  const rows = op.neg(g, op.reduceSum(g, op.mul(g, targets, logp), [1], { keepdims: false }));
  return op.reduceMean(g, rows, undefined, { keepdims: false });
}
