import type { AttributeValue, GraphBuilder } from '../graph-builder';
import { normalizeAxis, reduceShape } from '../shape-inference';
import type { TensorRef } from '../tensor';
import type { NameOption } from './operand';

/** Options of the reductions. */
export interface ReduceOptions extends NameOption {
  /** Keep reduced axes as size 1 (default true, as in ONNX). */
  readonly keepdims?: boolean;
}

/** Reductions whose `axes` moved from an attribute to an input in opset 18 (ReduceSum moved in opset 13). */
const AXES_INPUT_SINCE: Readonly<Record<string, number>> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18 };

function reduce(
  g: GraphBuilder,
  opType: string,
  x: TensorRef,
  axes: readonly number[] | undefined,
  opts: ReduceOptions,
): TensorRef {
  const keepdims = opts.keepdims ?? true;
  const normalized = axes?.map((a) => normalizeAxis(a, x.shape.length, opType));
  const shape = reduceShape(x.shape, normalized, keepdims);
  const attributes: Record<string, AttributeValue> = { keepdims: { int: keepdims ? 1 : 0 } };
  const inputs: (TensorRef | null)[] = [x];
  if (normalized) {
    if (g.opset >= AXES_INPUT_SINCE[opType]) inputs.push(g.int64Vector(normalized, 'axes'));
    else attributes.axes = { ints: normalized };
  }
  return g.addNode(opType, inputs, [{ dtype: x.dtype, shape, name: opts.name }], attributes)[0];
}

/**
 * Sum over axes (ONNX ReduceSum; axes go in as an int64 input from opset 13 on).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to reduce (negative counts from the end); undefined reduces all.
 * @param opts - keepdims (default true) and output name.
 * @returns The sums.
 */
export function reduceSum(
  g: GraphBuilder,
  x: TensorRef,
  axes?: readonly number[],
  opts: ReduceOptions = {},
): TensorRef {
  return reduce(g, 'ReduceSum', x, axes, opts);
}

/**
 * Mean over axes (ONNX ReduceMean; axes an attribute up to opset 17, an input from 18 on).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to reduce; undefined reduces all.
 * @param opts - keepdims (default true) and output name.
 * @returns The means.
 */
export function reduceMean(
  g: GraphBuilder,
  x: TensorRef,
  axes?: readonly number[],
  opts: ReduceOptions = {},
): TensorRef {
  return reduce(g, 'ReduceMean', x, axes, opts);
}

/**
 * Maximum over axes (ONNX ReduceMax). Has no gradient rule (not needed by the models here).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to reduce; undefined reduces all.
 * @param opts - keepdims (default true) and output name.
 * @returns The maxima.
 */
export function reduceMax(
  g: GraphBuilder,
  x: TensorRef,
  axes?: readonly number[],
  opts: ReduceOptions = {},
): TensorRef {
  return reduce(g, 'ReduceMax', x, axes, opts);
}

/**
 * Index of the largest value along an axis, int64 (ONNX ArgMax; ties pick the first index).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axis - Axis to search.
 * @param opts - keepdims (default true) and output name.
 * @returns int64 indices.
 */
export function argMax(g: GraphBuilder, x: TensorRef, axis: number, opts: ReduceOptions = {}): TensorRef {
  const keepdims = opts.keepdims ?? true;
  const a = normalizeAxis(axis, x.shape.length, 'ArgMax');
  const shape = reduceShape(x.shape, [a], keepdims);
  return g.addNode('ArgMax', [x], [{ dtype: 'int64', shape, name: opts.name }], {
    axis: { int: a },
    keepdims: { int: keepdims ? 1 : 0 },
  })[0];
}

/**
 * Softmax along one axis (ONNX Softmax, opset ≥ 13 semantics).
 *
 * @param g - Graph.
 * @param x - Logits.
 * @param axis - Axis to normalise (default -1).
 * @param opts - Output name.
 * @returns Probabilities summing to 1 along `axis`.
 */
export function softmax(g: GraphBuilder, x: TensorRef, axis = -1, opts: NameOption = {}): TensorRef {
  const a = normalizeAxis(axis, x.shape.length, 'Softmax');
  return g.addNode('Softmax', [x], [{ dtype: x.dtype, shape: x.shape, name: opts.name }], {
    axis: { int: a },
  })[0];
}

/**
 * Log of the softmax along one axis, computed stably (ONNX LogSoftmax, opset ≥ 13 semantics).
 *
 * @param g - Graph.
 * @param x - Logits.
 * @param axis - Axis to normalise (default -1).
 * @param opts - Output name.
 * @returns Log-probabilities.
 */
export function logSoftmax(g: GraphBuilder, x: TensorRef, axis = -1, opts: NameOption = {}): TensorRef {
  const a = normalizeAxis(axis, x.shape.length, 'LogSoftmax');
  return g.addNode('LogSoftmax', [x], [{ dtype: x.dtype, shape: x.shape, name: opts.name }], {
    axis: { int: a },
  })[0];
}
