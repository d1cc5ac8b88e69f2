import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import type { Dim, TensorRef } from '../tensor';
import type { NameOption } from './operand';
import { resolveWindow, spatialDims, type WindowOptions, windowAttributes, windowOutputDim } from './window';

/** Options of `maxPool` and `averagePool`. */
export interface PoolOptions extends Omit<WindowOptions, 'dilations'>, NameOption {
  /** Window extent per spatial axis. */
  readonly kernelShape: readonly number[];
}

/** Options of `averagePool`. */
export interface AveragePoolOptions extends PoolOptions {
  /** Divide by the full window size also where it overlaps the padding (default false, as in ONNX). */
  readonly countIncludePad?: boolean;
}

/**
 * Maximum over sliding windows per channel (ONNX MaxPool, floor mode, padding never wins).
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param opts - Kernel shape, strides, pads, output name.
 * @returns `[N, C, ...out]`, out = ⌊(n + p₀ + p₁ − k) / s⌋ + 1 per spatial axis.
 * @throws OnnxGraphError `INVALID_ARGUMENT` (rank, geometry) or `SHAPE_MISMATCH` (window too large).
 */
export function maxPool(g: GraphBuilder, x: TensorRef, opts: PoolOptions): TensorRef {
  return pool(g, 'MaxPool', x, opts, {});
}

/**
 * Mean over sliding windows per channel (ONNX AveragePool, floor mode).
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param opts - Kernel shape, strides, pads, count_include_pad, output name.
 * @returns `[N, C, ...out]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT` or `SHAPE_MISMATCH`.
 */
export function averagePool(g: GraphBuilder, x: TensorRef, opts: AveragePoolOptions): TensorRef {
  return pool(g, 'AveragePool', x, opts, { count_include_pad: { int: opts.countIncludePad ? 1 : 0 } });
}

/**
 * Mean over all spatial positions per channel (ONNX GlobalAveragePool).
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param opts - Output name.
 * @returns `[N, C, 1, ...]` (spatial axes kept as size 1).
 * @throws OnnxGraphError `INVALID_ARGUMENT` for rank < 3.
 */
export function globalAveragePool(g: GraphBuilder, x: TensorRef, opts: NameOption = {}): TensorRef {
  const spatial = spatialDims('GlobalAveragePool', x.shape);
  const out: Dim[] = [x.shape[0], x.shape[1], ...spatial.map(() => 1)];
  return g.addNode('GlobalAveragePool', [x], [{ dtype: x.dtype, shape: out, name: opts.name }])[0];
}

function pool(
  g: GraphBuilder,
  opType: 'MaxPool' | 'AveragePool',
  x: TensorRef,
  opts: PoolOptions,
  extra: Record<string, { int: number }>,
): TensorRef {
  const spatial = spatialDims(opType, x.shape);
  if (opts.kernelShape.length !== spatial.length) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `${opType}: kernel shape [${opts.kernelShape.join(', ')}] for ${spatial.length} spatial axes`,
    );
  }
  const geometry = resolveWindow(opType, opts.kernelShape, { strides: opts.strides, pads: opts.pads });
  const out: Dim[] = [
    x.shape[0],
    x.shape[1],
    ...spatial.map((n, i) => windowOutputDim(opType, n, geometry, i, () => g.freshDim())),
  ];
  // AveragePool accepts dilations only from opset 19; both pools use the default 1 here.
  return g.addNode(opType, [x], [{ dtype: x.dtype, shape: out, name: opts.name }], {
    ...windowAttributes(geometry, false),
    ...extra,
  })[0];
}
