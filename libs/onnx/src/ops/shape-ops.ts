import type { DType, TensorData } from '../dtype';
import { OnnxGraphError } from '../errors';
import { type ConstantValue, type GraphBuilder, scalarData } from '../graph-builder';
import { broadcastShapes, normalizeAxis, reshapeShape, sumDims, transposeShape } from '../shape-inference';
import { type Dim, formatShape, type Shape, staticSize, type TensorRef } from '../tensor';
import type { NameOption } from './operand';

/**
 * Permutes axes (ONNX Transpose).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param perm - Output axis i takes input axis perm[i]; default reverses the axes.
 * @param opts - Output name.
 * @returns The transposed tensor.
 */
export function transpose(
  g: GraphBuilder,
  x: TensorRef,
  perm?: readonly number[],
  opts: NameOption = {},
): TensorRef {
  const p = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  return g.addNode(
    'Transpose',
    [x],
    [{ dtype: x.dtype, shape: transposeShape(x.shape, p), name: opts.name }],
    {
      perm: { ints: p },
    },
  )[0];
}

/** Options of `reshape`. */
export interface ReshapeOptions extends NameOption {
  /** Declared output shape when `target` is a run-time tensor (default: fresh symbolic dims). */
  readonly outputShape?: Shape;
}

/**
 * Changes the shape, keeping the data (ONNX Reshape, allowzero = 0).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param target - Static target (0 copies the input dim, one -1 is inferred) or an int64 1-D tensor.
 * @param opts - Output shape for a tensor target, and output name.
 * @returns The reshaped tensor.
 * @throws OnnxGraphError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` for an impossible static target.
 */
export function reshape(
  g: GraphBuilder,
  x: TensorRef,
  target: readonly number[] | TensorRef,
  opts: ReshapeOptions = {},
): TensorRef {
  let shapeInput: TensorRef;
  let shape: Shape;
  if (isTensorRef(target)) {
    shapeInput = target;
    shape = opts.outputShape ?? freshDims(g, target);
  } else {
    shapeInput = g.int64Vector(target, 'shape');
    shape = opts.outputShape ?? reshapeShape(x.shape, target, () => g.freshDim());
  }
  return g.addNode('Reshape', [x, shapeInput], [{ dtype: x.dtype, shape, name: opts.name }])[0];
}

/** The run-time shape of a tensor as an int64 vector (ONNX Shape). */
export function shape(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return g.addNode('Shape', [x], [{ dtype: 'int64', shape: [x.shape.length], name: opts.name }])[0];
}

/** The run-time element count of a tensor as an int64 scalar (ONNX Size). */
export function size(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  return g.addNode('Size', [x], [{ dtype: 'int64', shape: [], name: opts.name }])[0];
}

/**
 * Broadcasts a tensor to a shape (ONNX Expand: the result is the broadcast of both shapes).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param target - Static shape or an int64 1-D tensor.
 * @param opts - Declared output shape for a tensor target, and output name.
 * @returns The expanded tensor.
 */
export function expand(
  g: GraphBuilder,
  x: TensorRef,
  target: readonly number[] | TensorRef,
  opts: ReshapeOptions = {},
): TensorRef {
  let shapeInput: TensorRef;
  let out: Shape;
  if (isTensorRef(target)) {
    shapeInput = target;
    out = opts.outputShape ?? freshDims(g, target);
  } else {
    shapeInput = g.int64Vector(target, 'shape');
    out = opts.outputShape ?? broadcastShapes([x.shape, target], 'Expand');
  }
  return g.addNode('Expand', [x, shapeInput], [{ dtype: x.dtype, shape: out, name: opts.name }])[0];
}

/**
 * Inserts size-1 axes (ONNX Unsqueeze; axes are an int64 input from opset 13 on).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Positions of the new axes in the output (negative counts from the output's end).
 * @param opts - Output name.
 * @returns The tensor with rank + axes.length.
 */
export function unsqueeze(
  g: GraphBuilder,
  x: TensorRef,
  axes: readonly number[],
  opts: NameOption = {},
): TensorRef {
  const rank = x.shape.length + axes.length;
  const normalized = axes.map((a) => normalizeAxis(a, rank, 'Unsqueeze'));
  if (new Set(normalized).size !== normalized.length) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `Unsqueeze: repeated axes [${axes.join(', ')}]`);
  }
  const out: Dim[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(normalized.includes(i) ? 1 : x.shape[next++]);
  return g.addNode(
    'Unsqueeze',
    [x, g.int64Vector(normalized, 'axes')],
    [{ dtype: x.dtype, shape: out, name: opts.name }],
  )[0];
}

/**
 * Removes size-1 axes (ONNX Squeeze; axes are an int64 input from opset 13 on).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to remove; each must be 1 (a symbolic dim is trusted to be 1 at run time).
 * @param opts - Output name.
 * @returns The tensor with rank − axes.length.
 * @throws OnnxGraphError `SHAPE_MISMATCH` when a removed axis has a fixed size ≠ 1.
 */
export function squeeze(
  g: GraphBuilder,
  x: TensorRef,
  axes: readonly number[],
  opts: NameOption = {},
): TensorRef {
  const normalized = axes.map((a) => normalizeAxis(a, x.shape.length, 'Squeeze'));
  for (const a of normalized) {
    const d = x.shape[a];
    if (typeof d === 'number' && d !== 1) {
      throw new OnnxGraphError('SHAPE_MISMATCH', `Squeeze: axis ${a} of ${formatShape(x.shape)} is not 1`);
    }
  }
  const out = x.shape.filter((_, i) => !normalized.includes(i));
  return g.addNode(
    'Squeeze',
    [x, g.int64Vector(normalized, 'axes')],
    [{ dtype: x.dtype, shape: out, name: opts.name }],
  )[0];
}

/**
 * Joins tensors along an axis (ONNX Concat).
 *
 * @param g - Graph.
 * @param xs - Tensors of one type and rank, equal except along `axis`.
 * @param axis - Join axis.
 * @param opts - Output name.
 * @returns The concatenation.
 * @throws OnnxGraphError `INVALID_ARGUMENT`, `DTYPE_MISMATCH` or `SHAPE_MISMATCH`.
 */
export function concat(
  g: GraphBuilder,
  xs: readonly TensorRef[],
  axis: number,
  opts: NameOption = {},
): TensorRef {
  if (xs.length === 0) throw new OnnxGraphError('INVALID_ARGUMENT', 'Concat: needs at least one input');
  const rank = xs[0].shape.length;
  const a = normalizeAxis(axis, rank, 'Concat');
  for (const x of xs) {
    if (x.dtype !== xs[0].dtype) throw new OnnxGraphError('DTYPE_MISMATCH', 'Concat: inputs differ in type');
    if (x.shape.length !== rank) throw new OnnxGraphError('SHAPE_MISMATCH', 'Concat: inputs differ in rank');
  }
  const out = xs[0].shape.map((d, i) =>
    i === a
      ? sumDims(
          xs.map((x) => x.shape[a]),
          () => g.freshDim(),
        )
      : d,
  );
  return g.addNode('Concat', xs, [{ dtype: xs[0].dtype, shape: out, name: opts.name }], {
    axis: { int: a },
  })[0];
}

/** Options of `split`. */
export interface SplitOptions {
  /** Names of the outputs (default generated). */
  readonly names?: readonly string[];
  /** Declared output shapes when `sizes` is a run-time tensor (default: fresh dim along the axis). */
  readonly outputShapes?: readonly Shape[];
}

/**
 * Cuts a tensor into consecutive pieces along an axis (ONNX Split; sizes are an input from opset 13 on).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param sizes - Piece sizes (static) or an int64 1-D tensor of fixed length.
 * @param axis - Split axis.
 * @param opts - Output names / shapes.
 * @returns One tensor per piece.
 * @throws OnnxGraphError `SHAPE_MISMATCH` when static sizes do not add up to a fixed axis size.
 */
export function split(
  g: GraphBuilder,
  x: TensorRef,
  sizes: readonly number[] | TensorRef,
  axis: number,
  opts: SplitOptions = {},
): TensorRef[] {
  const a = normalizeAxis(axis, x.shape.length, 'Split');
  let sizesInput: TensorRef;
  let pieceDims: Dim[];
  if (isTensorRef(sizes)) {
    const count = sizes.shape[0];
    if (sizes.shape.length !== 1 || typeof count !== 'number') {
      throw new OnnxGraphError('INVALID_ARGUMENT', 'Split: a sizes tensor must be 1-D with a fixed length');
    }
    sizesInput = sizes;
    pieceDims = Array.from({ length: count }, () => g.freshDim());
  } else {
    const total = sizes.reduce((s, v) => s + v, 0);
    const axisDim = x.shape[a];
    if (typeof axisDim === 'number' && axisDim !== total) {
      throw new OnnxGraphError(
        'SHAPE_MISMATCH',
        `Split: sizes [${sizes.join(', ')}] do not add up to ${axisDim}`,
      );
    }
    sizesInput = g.int64Vector(sizes, 'split');
    pieceDims = [...sizes];
  }
  const outputs = pieceDims.map((d, i) => ({
    dtype: x.dtype,
    shape: opts.outputShapes?.[i] ?? x.shape.map((xd, j) => (j === a ? d : xd)),
    name: opts.names?.[i],
  }));
  return g.addNode('Split', [x, sizesInput], outputs, { axis: { int: a } });
}

/**
 * Picks slices by index along an axis (ONNX Gather). Has no gradient rule yet.
 *
 * @param g - Graph.
 * @param data - Source tensor.
 * @param indices - int64 or int32 indices.
 * @param axis - Axis of `data` indexed.
 * @param opts - Output name.
 * @returns `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
 */
export function gather(
  g: GraphBuilder,
  data: TensorRef,
  indices: TensorRef,
  axis = 0,
  opts: NameOption = {},
): TensorRef {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new OnnxGraphError('DTYPE_MISMATCH', `Gather: indices '${indices.name}' must be int32 or int64`);
  }
  const a = normalizeAxis(axis, data.shape.length, 'Gather');
  const out = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return g.addNode('Gather', [data, indices], [{ dtype: data.dtype, shape: out, name: opts.name }], {
    axis: { int: a },
  })[0];
}

/**
 * A constant produced by a `Constant` node (rather than an initializer).
 *
 * @param g - Graph.
 * @param value - The tensor value (shape, type, data) or a number for a float32 scalar.
 * @param opts - Output name.
 * @returns The constant.
 * @throws OnnxGraphError `INVALID_ARGUMENT` when data length and shape disagree.
 */
export function constant(g: GraphBuilder, value: ConstantValue | number, opts: NameOption = {}): TensorRef {
  const v: ConstantValue =
    typeof value === 'number' ? { dtype: 'float32', shape: [], data: Float32Array.of(value) } : value;
  if (staticSize(v.shape) !== v.data.length) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `Constant: shape ${formatShape(v.shape)} vs ${v.data.length} values`,
    );
  }
  return g.addNode('Constant', [], [{ dtype: v.dtype, shape: v.shape, name: opts.name }], {
    value: { tensor: v },
  })[0];
}

/**
 * A tensor of a run-time shape filled with one value (ONNX ConstantOfShape).
 *
 * @param g - Graph.
 * @param shapeTensor - int64 1-D tensor (e.g. the output of `shape`).
 * @param value - Fill value.
 * @param dtype - Element type of the result.
 * @param outputShape - Declared shape of the result (default fresh dims).
 * @param opts - Output name.
 * @returns The filled tensor.
 */
export function constantOfShape(
  g: GraphBuilder,
  shapeTensor: TensorRef,
  value: number,
  dtype: DType,
  outputShape?: Shape,
  opts: NameOption = {},
): TensorRef {
  const data: TensorData = scalarData(value, dtype);
  const out = outputShape ?? freshDims(g, shapeTensor);
  return g.addNode('ConstantOfShape', [shapeTensor], [{ dtype, shape: out, name: opts.name }], {
    value: { tensor: { dtype, shape: [1], data } },
  })[0];
}

function isTensorRef(x: readonly number[] | TensorRef): x is TensorRef {
  return !Array.isArray(x);
}

function freshDims(g: GraphBuilder, shapeTensor: TensorRef): Dim[] {
  const rank = shapeTensor.shape[0];
  if (shapeTensor.shape.length !== 1 || typeof rank !== 'number') {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `shape tensor '${shapeTensor.name}' must be 1-D with a fixed length`,
    );
  }
  return Array.from({ length: rank }, () => g.freshDim());
}
