import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { constantOfShape, reduceSum, shape, squeeze } from '../ops';
import { formatShape, type TensorRef } from '../tensor';

/**
 * Sums a gradient over the axes along which a forward operand was broadcast, so it gets the operand's shape:
 * the leading axes the operand lacked, and the axes where the operand had size 1 but the gradient has not.
 *
 * The axes are decided from the declared shapes: a symbolic dim is taken to match its partner (see `Dim`).
 *
 * @param g - Graph.
 * @param grad - Gradient with the broadcast (output) shape.
 * @param target - The forward operand.
 * @returns `grad` itself when nothing was broadcast, else the reduced gradient.
 * @throws OnnxGraphError `SHAPE_MISMATCH` when the target's rank is larger or two fixed sizes disagree.
 */
export function unbroadcast(g: GraphBuilder, grad: TensorRef, target: TensorRef): TensorRef {
  const lead = grad.shape.length - target.shape.length;
  if (lead < 0) {
    throw new OnnxGraphError(
      'SHAPE_MISMATCH',
      `unbroadcast: gradient ${formatShape(grad.shape)} has lower rank than ${formatShape(target.shape)}`,
    );
  }
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  target.shape.forEach((td, i) => {
    const gd = grad.shape[lead + i];
    if (td === gd) return;
    if (td === 1) {
      axes.push(lead + i);
      return;
    }
    if (typeof td === 'number' && typeof gd === 'number') {
      throw new OnnxGraphError(
        'SHAPE_MISMATCH',
        `unbroadcast: gradient ${formatShape(grad.shape)} does not match operand ${formatShape(target.shape)}`,
      );
    }
    if (typeof td === 'string' && typeof gd === 'string') {
      throw new OnnxGraphError(
        'SHAPE_MISMATCH',
        `unbroadcast: cannot tell whether '${td}' was broadcast to '${gd}' (${formatShape(target.shape)} vs ${formatShape(grad.shape)})`,
      );
    }
  });
  if (axes.length === 0) return grad;
  const summed = reduceSum(g, grad, axes, { keepdims: true });
  if (lead === 0) return summed;
  return squeeze(
    g,
    summed,
    axes.filter((a) => a < lead),
  );
}

/**
 * A tensor of zeros with another tensor's run-time shape and type (a missing output gradient made explicit).
 *
 * @param g - Graph.
 * @param like - Tensor whose shape and type to copy.
 * @returns The zeros.
 */
export function zerosLike(g: GraphBuilder, like: TensorRef): TensorRef {
  return constantOfShape(g, shape(g, like), 0, like.dtype, like.shape);
}
