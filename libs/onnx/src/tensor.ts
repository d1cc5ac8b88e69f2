import type { DType } from './dtype';

/**
 * One tensor dimension: a fixed size, or a symbolic name (e.g. `'N'` for the batch) that ONNX stores as a
 * `dim_param`. Two equal symbols denote the same run-time size. A symbolic dimension is assumed never to be
 * broadcast against a larger one (it is 1 at run time only where its partner is 1 too): gradients of
 * broadcasting ops rely on this.
 */
export type Dim = number | string;

/** A tensor's shape, outermost dimension first; `[]` is a scalar. */
export type Shape = readonly Dim[];

/**
 * A typed handle to a value in a graph: its unique name, element type and (possibly symbolic) shape. Handles
 * are created only by a `GraphBuilder`, which checks that every handle passed back to it is its own.
 */
export interface TensorRef {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** An operand of an op helper: a tensor, or a number turned into a scalar constant of the other operand's type. */
export type TensorLike = TensorRef | number;

/**
 * Whether every dimension of a shape is a fixed size.
 *
 * @param shape - Shape to test.
 * @returns True when no dimension is symbolic.
 */
export function isStaticShape(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

/**
 * Number of elements of a fully static shape.
 *
 * @param shape - Shape with fixed sizes only.
 * @returns Product of the dimensions (1 for a scalar).
 */
export function staticSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/**
 * Whether a tensor holds exactly one element at run time by its declared shape (rank 0 or all dims 1).
 *
 * @param shape - Shape to test.
 * @returns True for `[]`, `[1]`, `[1, 1]`, ...
 */
export function isScalarShape(shape: Shape): boolean {
  return shape.every((d) => d === 1);
}

/**
 * Human-readable form of a shape, e.g. `[N, 41]`, for error messages.
 *
 * @param shape - Shape to format.
 * @returns The shape in brackets.
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
