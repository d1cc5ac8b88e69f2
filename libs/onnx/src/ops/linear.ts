import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { gemmShape, matMulShape } from '../shape-inference';
import type { TensorRef } from '../tensor';
import type { NameOption } from './operand';

/**
 * Matrix product of operands of rank ≥ 2, leading dims broadcast as batch dims (ONNX MatMul).
 *
 * @param g - Graph.
 * @param a - `[..., M, K]`.
 * @param b - `[..., K, N]`.
 * @param opts - Output name.
 * @returns `[..., M, N]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT` (rank < 2), `SHAPE_MISMATCH`, `DTYPE_MISMATCH`.
 */
export function matMul(g: GraphBuilder, a: TensorRef, b: TensorRef, opts: NameOption = {}): TensorRef {
  if (a.dtype !== b.dtype) throw new OnnxGraphError('DTYPE_MISMATCH', `MatMul: ${a.dtype} · ${b.dtype}`);
  return g.addNode(
    'MatMul',
    [a, b],
    [{ dtype: a.dtype, shape: matMulShape(a.shape, b.shape), name: opts.name }],
  )[0];
}

/** Options of `gemm`. */
export interface GemmOptions extends NameOption {
  /** Scale of the product (default 1). */
  readonly alpha?: number;
  /** Scale of C (default 1). */
  readonly beta?: number;
  /** Use Aᵀ (default false). */
  readonly transA?: boolean;
  /** Use Bᵀ (default false). */
  readonly transB?: boolean;
}

/**
 * General matrix multiply `alpha·A'·B' + beta·C` on 2-D operands (ONNX Gemm); a dense layer is
 * `gemm(g, x, W, b)` with x `[N, in]`, W `[in, out]`, b `[out]`.
 *
 * @param g - Graph.
 * @param a - 2-D A.
 * @param b - 2-D B.
 * @param c - Bias broadcastable to `[M, N]`, or null for none.
 * @param opts - alpha, beta, transA, transB and output name.
 * @returns `[M, N]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT`, `SHAPE_MISMATCH`, `DTYPE_MISMATCH`.
 */
export function gemm(
  g: GraphBuilder,
  a: TensorRef,
  b: TensorRef,
  c: TensorRef | null,
  opts: GemmOptions = {},
): TensorRef {
  if (a.dtype !== b.dtype || (c && c.dtype !== a.dtype)) {
    throw new OnnxGraphError(
      'DTYPE_MISMATCH',
      `Gemm: operands '${a.name}', '${b.name}'${c ? `, '${c.name}'` : ''} differ in type`,
    );
  }
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const shape = gemmShape(a.shape, b.shape, transA, transB, c?.shape);
  const attributes: Record<string, { float: number } | { int: number }> = {};
  if (opts.alpha !== undefined && opts.alpha !== 1) attributes.alpha = { float: opts.alpha };
  if (opts.beta !== undefined && opts.beta !== 1) attributes.beta = { float: opts.beta };
  if (transA) attributes.transA = { int: 1 };
  if (transB) attributes.transB = { int: 1 };
  return g.addNode(
    'Gemm',
    c ? [a, b, c] : [a, b],
    [{ dtype: a.dtype, shape, name: opts.name }],
    attributes,
  )[0];
}
