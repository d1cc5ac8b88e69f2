import type { GraphBuilder } from '../graph-builder';
import { concat, gather, reshape, shape, split, transpose } from '../ops';
import { isStaticShape, type TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute } from './node-attributes';
import { zerosLike } from './unbroadcast';

/** dY reshaped to X's shape (static when X's shape is, else read at run time). */
function reshapeLike(g: GraphBuilder, dY: TensorRef, x: TensorRef): TensorRef {
  const target = isStaticShape(x.shape) ? [...x.shape] : shape(g, x);
  return reshape(g, dY, target, { outputShape: x.shape });
}

/** Reshape-like ops (Reshape, Squeeze, Unsqueeze, Flatten) only move data: dX = reshape(dY, shape(X)). */
const reshapeRule: GradientRule = (g, node, [dY]) =>
  node.inputs.map((x, i) => (i === 0 && dY && x ? reshapeLike(g, dY, x) : undefined));

/** Y = transpose(X, perm): dX = transpose(dY, perm⁻¹). */
const transposeRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  if (!dY) return [undefined];
  const value = node.attributes.perm;
  const perm = value && 'ints' in value ? value.ints : x.shape.map((_, i) => x.shape.length - 1 - i);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [transpose(g, dY, inverse)];
};

/** Y = concat(X₁..Xₖ, axis): dXᵢ = the slice of dY that Xᵢ filled (one Split). */
const concatRule: GradientRule = (g, node, [dY], wanted) => {
  const xs = node.inputs as TensorRef[];
  if (!dY) return xs.map(() => undefined);
  const rank = xs[0].shape.length;
  const raw = intAttribute(node, 'axis', 0);
  const axis = raw < 0 ? raw + rank : raw;
  const dims = xs.map((x) => x.shape[axis]);
  const sizes = isStaticShape(dims)
    ? [...dims]
    : concat(
        g,
        xs.map((x) => gather(g, shape(g, x), g.int64Vector([axis], 'axis_index'), 0)),
        0,
      );
  const pieces = split(g, dY, sizes, axis, { outputShapes: xs.map((x) => x.shape) });
  return pieces.map((p, i) => (wanted[i] ? p : undefined));
};

/** [Y₁..Yₖ] = split(X, axis): dX = concat(dY₁..dYₖ) with zeros for outputs that do not reach the loss. */
const splitRule: GradientRule = (g, node, outputGrads) => {
  const x = node.inputs[0]!;
  if (outputGrads.every((d) => d === undefined)) return node.inputs.map(() => undefined);
  const raw = intAttribute(node, 'axis', 0);
  const axis = raw < 0 ? raw + x.shape.length : raw;
  const parts = node.outputs.map((y, i) => outputGrads[i] ?? zerosLike(g, y));
  return node.inputs.map((_, i) => (i === 0 ? concat(g, parts, axis) : undefined));
};

/** Gradient rules of the data-movement ops. */
export const SHAPE_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['Reshape', reshapeRule],
  ['Squeeze', reshapeRule],
  ['Unsqueeze', reshapeRule],
  ['Flatten', reshapeRule],
  ['Transpose', transposeRule],
  ['Concat', concatRule],
  ['Split', splitRule],
]);
