import { type DType, ONNX_DATA_TYPE } from '../dtype';
import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { broadcastShapes } from '../shape-inference';
import type { TensorLike, TensorRef } from '../tensor';
import { asTensor, type NameOption, tensorOperands } from './operand';

function binary(
  g: GraphBuilder,
  opType: string,
  a: TensorLike,
  b: TensorLike,
  opts: NameOption,
  outDType?: DType,
): TensorRef {
  const [ta, tb] = tensorOperands(g, a, b, opType);
  const shape = broadcastShapes([ta.shape, tb.shape], opType);
  return g.addNode(opType, [ta, tb], [{ dtype: outDType ?? ta.dtype, shape, name: opts.name }])[0];
}

function unary(g: GraphBuilder, opType: string, x: TensorRef, opts: NameOption, outDType?: DType): TensorRef {
  return g.addNode(opType, [x], [{ dtype: outDType ?? x.dtype, shape: x.shape, name: opts.name }])[0];
}

/** `a + b` with broadcasting (ONNX Add). A number operand becomes a scalar of the other's type. */
export function add(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Add', a, b, opts);
}

/** `a - b` with broadcasting (ONNX Sub). */
export function sub(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Sub', a, b, opts);
}

/** `a · b` element-wise with broadcasting (ONNX Mul). */
export function mul(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Mul', a, b, opts);
}

/** `a / b` element-wise with broadcasting (ONNX Div; integer division truncates). */
export function div(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Div', a, b, opts);
}

/** `a ^ b` element-wise with broadcasting (ONNX Pow; both operands of one float type here). */
export function pow(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Pow', a, b, opts);
}

/**
 * Element-wise sum of any number of tensors with broadcasting (ONNX Sum).
 *
 * @param g - Graph.
 * @param xs - At least one tensor, all of one element type.
 * @param opts - Output name.
 * @returns The sum.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for an empty list, `DTYPE_MISMATCH` for mixed types.
 */
export function sum(g: GraphBuilder, xs: readonly TensorRef[], opts: NameOption = {}): TensorRef {
  if (xs.length === 0) throw new OnnxGraphError('INVALID_ARGUMENT', 'Sum: needs at least one input');
  if (xs.some((x) => x.dtype !== xs[0].dtype))
    throw new OnnxGraphError('DTYPE_MISMATCH', 'Sum: inputs differ in type');
  const shape = broadcastShapes(
    xs.map((x) => x.shape),
    'Sum',
  );
  return g.addNode('Sum', xs, [{ dtype: xs[0].dtype, shape, name: opts.name }])[0];
}

/** `-x` (ONNX Neg). */
export function neg(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Neg', x, opts);
}

/** `eˣ` (ONNX Exp). */
export function exp(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Exp', x, opts);
}

/** Natural logarithm (ONNX Log). */
export function log(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Log', x, opts);
}

/** Square root (ONNX Sqrt). */
export function sqrt(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Sqrt', x, opts);
}

/** Absolute value (ONNX Abs). */
export function abs(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Abs', x, opts);
}

/** Sign: -1, 0 or 1 (ONNX Sign). */
export function sign(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Sign', x, opts);
}

/** Copy of `x` (ONNX Identity); useful to give a value a second name. */
export function identity(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Identity', x, opts);
}

/** Logistic function 1 / (1 + e⁻ˣ) (ONNX Sigmoid). */
export function sigmoid(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Sigmoid', x, opts);
}

/** max(x, 0) (ONNX Relu). */
export function relu(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Relu', x, opts);
}

/** Hyperbolic tangent (ONNX Tanh). */
export function tanh(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Tanh', x, opts);
}

/** `a > b` element-wise, bool result (ONNX Greater). */
export function greater(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Greater', a, b, opts, 'bool');
}

/** `a < b` element-wise, bool result (ONNX Less). */
export function less(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Less', a, b, opts, 'bool');
}

/** `a ≥ b` element-wise, bool result (ONNX GreaterOrEqual). */
export function greaterOrEqual(
  g: GraphBuilder,
  a: TensorLike,
  b: TensorLike,
  opts: NameOption = {},
): TensorRef {
  return binary(g, 'GreaterOrEqual', a, b, opts, 'bool');
}

/** `a ≤ b` element-wise, bool result (ONNX LessOrEqual). */
export function lessOrEqual(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'LessOrEqual', a, b, opts, 'bool');
}

/** `a == b` element-wise, bool result (ONNX Equal). */
export function equal(g: GraphBuilder, a: TensorLike, b: TensorLike, opts: NameOption = {}): TensorRef {
  return binary(g, 'Equal', a, b, opts, 'bool');
}

/** Logical and of two bool tensors (ONNX And). */
export function and(g: GraphBuilder, a: TensorRef, b: TensorRef, opts: NameOption = {}): TensorRef {
  return binary(g, 'And', a, b, opts, 'bool');
}

/** Logical not of a bool tensor (ONNX Not). */
export function not(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return unary(g, 'Not', x, opts);
}

/**
 * `cond ? x : y` element-wise with broadcasting of all three (ONNX Where).
 *
 * @param g - Graph.
 * @param cond - Bool tensor.
 * @param x - Value where `cond` is true (a number becomes a scalar of the other branch's type).
 * @param y - Value where `cond` is false.
 * @param opts - Output name.
 * @returns The selection.
 * @throws OnnxGraphError `DTYPE_MISMATCH` when `cond` is not bool or the branches differ in type.
 */
export function where(
  g: GraphBuilder,
  cond: TensorRef,
  x: TensorLike,
  y: TensorLike,
  opts: NameOption = {},
): TensorRef {
  if (cond.dtype !== 'bool')
    throw new OnnxGraphError('DTYPE_MISMATCH', `Where: condition '${cond.name}' must be bool`);
  const [tx, ty] = tensorOperands(g, x, y, 'Where');
  const shape = broadcastShapes([cond.shape, tx.shape, ty.shape], 'Where');
  return g.addNode('Where', [cond, tx, ty], [{ dtype: tx.dtype, shape, name: opts.name }])[0];
}

/**
 * Limits values to `[min, max]` (ONNX Clip, opset ≥ 11: bounds are optional scalar inputs).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param min - Lower bound (scalar tensor or number), or undefined for none.
 * @param max - Upper bound, or undefined for none.
 * @param opts - Output name.
 * @returns The clipped tensor.
 */
export function clip(
  g: GraphBuilder,
  x: TensorRef,
  min: TensorLike | undefined,
  max: TensorLike | undefined,
  opts: NameOption = {},
): TensorRef {
  const lo = min === undefined ? null : asTensor(g, min, x.dtype);
  const hi = max === undefined ? null : asTensor(g, max, x.dtype);
  return g.addNode('Clip', [x, lo, hi], [{ dtype: x.dtype, shape: x.shape, name: opts.name }])[0];
}

/**
 * Converts the element type (ONNX Cast).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param to - Target element type.
 * @param opts - Output name.
 * @returns The converted tensor.
 */
export function cast(g: GraphBuilder, x: TensorRef, to: DType, opts: NameOption = {}): TensorRef {
  return g.addNode('Cast', [x], [{ dtype: to, shape: x.shape, name: opts.name }], {
    to: { int: ONNX_DATA_TYPE[to] },
  })[0];
}
