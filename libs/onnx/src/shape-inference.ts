import { OnnxGraphError } from './errors';
import { type Dim, formatShape, type Shape } from './tensor';

/**
 * Numpy-style multidirectional broadcast of several shapes (ONNX `Add`, `Mul`, `Where`, ...).
 *
 * Dimensions align from the right; per position, equal dims stay, a 1 takes the other size, and a symbolic
 * dim meets a fixed size ≠ 1 as that size (symbols are assumed not to broadcast, see `Dim`).
 *
 * @param shapes - Operand shapes.
 * @param op - Op name for error messages.
 * @returns The broadcast shape.
 * @throws OnnxGraphError `SHAPE_MISMATCH` for two different fixed sizes ≠ 1 or two different symbols.
 */
export function broadcastShapes(shapes: readonly Shape[], op: string): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const result: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const shape of shapes) {
      const offset = rank - shape.length;
      if (i < offset) continue;
      dim = broadcastDim(
        dim,
        shape[i - offset],
        () => `${op}: cannot broadcast ${shapes.map(formatShape).join(' with ')}`,
      );
    }
    result.push(dim);
  }
  return result;
}

function broadcastDim(a: Dim, b: Dim, describe: () => string): Dim {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  if (typeof a === 'string' && typeof b === 'number') return b;
  if (typeof a === 'number' && typeof b === 'string') return a;
  throw new OnnxGraphError('SHAPE_MISMATCH', describe());
}

/**
 * Two dimensions that must be equal at run time: returns the better-known one.
 *
 * @param a - First dimension.
 * @param b - Second dimension.
 * @param describe - Error message factory.
 * @returns `a` when both are equal or `a` is fixed, else `b`.
 * @throws OnnxGraphError `SHAPE_MISMATCH` when both are fixed and differ.
 */
export function unifyDim(a: Dim, b: Dim, describe: () => string): Dim {
  if (a === b) return a;
  if (typeof a === 'number' && typeof b === 'number') throw new OnnxGraphError('SHAPE_MISMATCH', describe());
  return typeof a === 'number' ? a : b;
}

/**
 * An axis in `[-rank, rank)` mapped to `[0, rank)`.
 *
 * @param axis - Possibly negative axis.
 * @param rank - Tensor rank.
 * @param op - Op name for error messages.
 * @returns The non-negative axis.
 * @throws OnnxGraphError `INVALID_ARGUMENT` when out of range.
 */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: axis ${axis} out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Output shape of `MatMul` for operands of rank ≥ 2 (leading dims broadcast as batch dims).
 *
 * @param a - Left shape `[..., M, K]`.
 * @param b - Right shape `[..., K, N]`.
 * @returns `[...broadcast batch, M, N]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for rank < 2, `SHAPE_MISMATCH` for different fixed K.
 */
export function matMulShape(a: Shape, b: Shape): Dim[] {
  if (a.length < 2 || b.length < 2) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `MatMul: operands need rank ≥ 2, got ${formatShape(a)} and ${formatShape(b)}`,
    );
  }
  unifyDim(
    a[a.length - 1],
    b[b.length - 2],
    () => `MatMul: inner dimensions differ in ${formatShape(a)} · ${formatShape(b)}`,
  );
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)], 'MatMul');
  return [...batch, a[a.length - 2], b[b.length - 1]];
}

/**
 * Output shape of `Gemm` (`alpha·A'·B' + beta·C`, A' = Aᵀ when `transA`, likewise B').
 *
 * @param a - 2-D shape of A.
 * @param b - 2-D shape of B.
 * @param transA - Whether A is transposed.
 * @param transB - Whether B is transposed.
 * @param c - Shape of C (unidirectionally broadcastable to the result), if present.
 * @returns `[M, N]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for non-2-D operands, `SHAPE_MISMATCH` for incompatible sizes.
 */
export function gemmShape(a: Shape, b: Shape, transA: boolean, transB: boolean, c?: Shape): Dim[] {
  if (a.length !== 2 || b.length !== 2) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `Gemm: A and B must be 2-D, got ${formatShape(a)} and ${formatShape(b)}`,
    );
  }
  const [m, ka] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [kb, n] = transB ? [b[1], b[0]] : [b[0], b[1]];
  unifyDim(
    ka,
    kb,
    () =>
      `Gemm: inner dimensions differ (${formatShape(a)}, ${formatShape(b)}, transA=${transA}, transB=${transB})`,
  );
  const out = [m, n];
  if (c) {
    const joined = broadcastShapes([out, c], 'Gemm');
    if (joined.length !== 2 || c.length > 2) {
      throw new OnnxGraphError(
        'SHAPE_MISMATCH',
        `Gemm: C ${formatShape(c)} does not broadcast to ${formatShape(out)}`,
      );
    }
  }
  return out;
}

/**
 * Output shape of a reduction.
 *
 * @param shape - Input shape.
 * @param axes - Normalised axes to reduce; undefined reduces all.
 * @param keepdims - Keep reduced axes as size 1.
 * @returns The reduced shape.
 */
export function reduceShape(shape: Shape, axes: readonly number[] | undefined, keepdims: boolean): Dim[] {
  const reduced = new Set(axes ?? shape.map((_, i) => i));
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!reduced.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/**
 * Validates a permutation and applies it to a shape.
 *
 * @param shape - Input shape.
 * @param perm - Permutation of `0..rank-1` (output dim i is input dim perm[i]).
 * @returns Permuted shape.
 * @throws OnnxGraphError `INVALID_ARGUMENT` when `perm` is not a permutation of the axes.
 */
export function transposeShape(shape: Shape, perm: readonly number[]): Dim[] {
  const seen = new Set(perm);
  if (
    perm.length !== shape.length ||
    seen.size !== perm.length ||
    perm.some((p) => !Number.isInteger(p) || p < 0 || p >= shape.length)
  ) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `Transpose: [${perm.join(', ')}] is not a permutation for ${formatShape(shape)}`,
    );
  }
  return perm.map((p) => shape[p]);
}

/**
 * Output shape of `Reshape` with a static target (0 copies the input dim, -1 is inferred).
 *
 * The -1 entry is computed when every input dim that is not copied by a 0 is fixed; otherwise it becomes
 * the dimension `fresh()` returns.
 *
 * @param shape - Input shape.
 * @param target - Target shape values.
 * @param fresh - Source of new symbolic dims.
 * @returns Output shape.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for more than one -1, or `SHAPE_MISMATCH` when sizes do not divide.
 */
export function reshapeShape(shape: Shape, target: readonly number[], fresh: () => string): Dim[] {
  if (target.filter((t) => t === -1).length > 1 || target.some((t) => !Number.isInteger(t) || t < -1)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `Reshape: invalid target [${target.join(', ')}]`);
  }
  const out: Dim[] = target.map((t, i) => {
    if (t !== 0) return t;
    if (i >= shape.length)
      throw new OnnxGraphError('INVALID_ARGUMENT', `Reshape: 0 at position ${i} beyond input rank`);
    return shape[i];
  });
  const inferred = target.indexOf(-1);
  if (inferred < 0) return out;
  let remaining = 1;
  for (let i = 0; i < shape.length; i++) {
    if (target[i] === 0) continue;
    const d = shape[i];
    if (typeof d !== 'number') {
      out[inferred] = fresh();
      return out;
    }
    remaining *= d;
  }
  let known = 1;
  target.forEach((t, i) => {
    if (t > 0 && i !== inferred) known *= t;
  });
  if (known === 0 || remaining % known !== 0) {
    throw new OnnxGraphError(
      'SHAPE_MISMATCH',
      `Reshape: ${formatShape(shape)} cannot become [${target.join(', ')}]`,
    );
  }
  out[inferred] = remaining / known;
  return out;
}

/**
 * Sum of dimensions along a concatenation axis, or a fresh symbol when one is symbolic.
 *
 * @param dims - The sizes being concatenated.
 * @param fresh - Source of new symbolic dims.
 * @returns The total size.
 */
export function sumDims(dims: readonly Dim[], fresh: () => string): Dim {
  let total = 0;
  for (const d of dims) {
    if (typeof d !== 'number') return fresh();
    total += d;
  }
  return total;
}
