import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { type Dim, formatShape, type TensorRef } from '../tensor';
import type { NameOption } from './operand';
import { concat, shape } from './shape-ops';
import { slice } from './slice';

/** Options of `resize`. */
export interface ResizeOptions extends NameOption {
  /** Interpolation (default `'linear'`: bilinear in 2-D). */
  readonly mode?: 'linear' | 'nearest';
}

/**
 * Resizes the spatial axes of `[N, C, ...spatial]` to fixed lengths (ONNX Resize with a `sizes` input and
 * `half_pixel` coordinates: output pixel centre o maps to input coordinate (o + ½)·n/size − ½, clamped to the
 * edge). No gradient rule: used in exported inference graphs (class activation maps).
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param size - Output length per spatial axis.
 * @param opts - Interpolation mode and output name.
 * @returns `[N, C, ...size]`.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for rank < 3, a wrong length or non-positive sizes.
 */
export function resize(
  g: GraphBuilder,
  x: TensorRef,
  size: readonly number[],
  opts: ResizeOptions = {},
): TensorRef {
  const spatial = x.shape.slice(2);
  if (
    x.shape.length < 3 ||
    size.length !== spatial.length ||
    !size.every((s) => Number.isInteger(s) && s > 0)
  ) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `Resize: cannot resize ${formatShape(x.shape)} to spatial size [${size.join(', ')}]`,
    );
  }
  // Output sizes (exact for any ratio, unlike scales) for every axis: the batch and channel dims may be
  // symbolic, so they are read from the input at run time.
  const leading = slice(g, shape(g, x), [0], [0], [2]);
  const sizes = concat(g, [leading, g.int64Vector(size, 'resize_size')], 0);
  const out: Dim[] = [x.shape[0], x.shape[1], ...size];
  return g.addNode('Resize', [x, null, null, sizes], [{ dtype: x.dtype, shape: out, name: opts.name }], {
    mode: { string: opts.mode ?? 'linear' },
    coordinate_transformation_mode: { string: 'half_pixel' },
  })[0];
}
