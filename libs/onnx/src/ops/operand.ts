import type { DType } from '../dtype';
import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import type { TensorLike, TensorRef } from '../tensor';

/** Options every op helper accepts. */
export interface NameOption {
  /** Name of the (first) output tensor; by default a unique generated name. */
  readonly name?: string;
}

/**
 * Turns the operands of a binary op into tensors: a number becomes a scalar constant of the other operand's
 * element type; two tensors must share their element type.
 *
 * @param g - Graph.
 * @param a - First operand.
 * @param b - Second operand.
 * @param op - Op name for error messages.
 * @returns Both operands as tensors of the graph.
 * @throws OnnxGraphError `INVALID_ARGUMENT` when both are numbers, `DTYPE_MISMATCH` for different types.
 */
export function tensorOperands(
  g: GraphBuilder,
  a: TensorLike,
  b: TensorLike,
  op: string,
): [TensorRef, TensorRef] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: at least one operand must be a tensor`);
  }
  const dtype = typeof a === 'number' ? (b as TensorRef).dtype : a.dtype;
  const ta = asTensor(g, a, dtype);
  const tb = asTensor(g, b, dtype);
  if (ta.dtype !== tb.dtype) {
    throw new OnnxGraphError(
      'DTYPE_MISMATCH',
      `${op}: operands '${ta.name}' (${ta.dtype}) and '${tb.name}' (${tb.dtype}) differ in type`,
    );
  }
  return [ta, tb];
}

/**
 * A tensor operand, turning a number into a scalar constant.
 *
 * @param g - Graph.
 * @param x - Tensor or number.
 * @param dtype - Element type of the constant when `x` is a number.
 * @returns The tensor.
 */
export function asTensor(g: GraphBuilder, x: TensorLike, dtype: DType): TensorRef {
  return typeof x === 'number' ? g.scalar(x, dtype) : x;
}
