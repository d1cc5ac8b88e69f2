import type { GraphBuilder } from '../graph-builder';
import { cast, div, exp, expand, mul, reduceSum, shape, size, sub, unsqueeze } from '../ops';
import { isStaticShape, staticSize, type TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute, staticAxes } from './node-attributes';

/**
 * Spreads the gradient of a reduction back over the input's shape: restore the reduced axes as size 1
 * when keepdims was 0, then broadcast (Expand) to the input's shape.
 */
function spread(
  g: GraphBuilder,
  dY: TensorRef,
  x: TensorRef,
  axes: number[] | undefined,
  keepdims: boolean,
): TensorRef {
  const kept = keepdims || dY.shape.length === 0 ? dY : unsqueeze(g, dY, axes ?? x.shape.map((_, i) => i));
  const target = isStaticShape(x.shape) ? [...x.shape] : shape(g, x);
  return expand(g, kept, target, { outputShape: x.shape });
}

/** Y = Σ_axes X: dX = dY broadcast back over the reduced axes. */
const reduceSumRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  if (!dY) return [undefined, undefined];
  const axes = staticAxes(g, node, x.shape.length);
  return [spread(g, dY, x, axes, intAttribute(node, 'keepdims', 1) !== 0), undefined];
};

/** Y = mean_axes X: dX = dY broadcast back, divided by the number of elements averaged. */
const reduceMeanRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  const y = node.outputs[0];
  if (!dY) return [undefined, undefined];
  const axes = staticAxes(g, node, x.shape.length);
  const spreadGrad = spread(g, dY, x, axes, intAttribute(node, 'keepdims', 1) !== 0);
  const reducedDims = (axes ?? x.shape.map((_, i) => i)).map((a) => x.shape[a]);
  if (isStaticShape(reducedDims)) return [mul(g, spreadGrad, 1 / staticSize(reducedDims)), undefined];
  // Symbolic reduced dims (e.g. a mean over the batch): count = size(X) / size(Y) at run time.
  const count = cast(g, div(g, size(g, x), size(g, y)), x.dtype);
  return [div(g, spreadGrad, count), undefined];
};

/** Y = softmax(X) along an axis: dX = Y·(dY − Σ_axis dY·Y). */
const softmaxRule: GradientRule = (g, node, [dY]) => {
  const y = node.outputs[0];
  if (!dY) return [undefined];
  const axis = intAttribute(node, 'axis', -1);
  const inner = reduceSum(g, mul(g, dY, y), [axis], { keepdims: true });
  return [mul(g, y, sub(g, dY, inner))];
};

/** Y = log softmax(X) along an axis: dX = dY − exp(Y)·Σ_axis dY. */
const logSoftmaxRule: GradientRule = (g, node, [dY]) => {
  const y = node.outputs[0];
  if (!dY) return [undefined];
  const axis = intAttribute(node, 'axis', -1);
  const total = reduceSum(g, dY, [axis], { keepdims: true });
  return [sub(g, dY, mul(g, exp(g, y), total))];
};

/** Gradient rules of the reductions and the softmax family. */
export const REDUCE_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['ReduceSum', reduceSumRule],
  ['ReduceMean', reduceMeanRule],
  ['Softmax', softmaxRule],
  ['LogSoftmax', logSoftmaxRule],
]);
