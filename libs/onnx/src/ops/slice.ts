import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { normalizeAxis } from '../shape-inference';
import { type Dim, formatShape, type TensorRef } from '../tensor';
import type { NameOption } from './operand';

/** Options of `slice`. */
export interface SliceOptions extends NameOption {
  /** Positive step per sliced axis (default 1 each). */
  readonly steps?: readonly number[];
}

/**
 * Takes `start, start + step, ... < end` along some axes (ONNX Slice with constant starts, ends, axes and
 * positive steps). No gradient rule: used inside gradient rules.
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to slice.
 * @param starts - First index kept per axis (≥ 0).
 * @param ends - Bound per axis, exclusive (≤ the axis length when it is static).
 * @param opts - Steps and output name.
 * @returns The slice, ⌈(end − start) / step⌉ long along each sliced axis.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for mismatched lists, non-positive steps or an empty/out-of-range
 *   interval.
 */
export function slice(
  g: GraphBuilder,
  x: TensorRef,
  axes: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  opts: SliceOptions = {},
): TensorRef {
  const steps = opts.steps ?? axes.map(() => 1);
  if (axes.length !== starts.length || axes.length !== ends.length || axes.length !== steps.length) {
    throw new OnnxGraphError('INVALID_ARGUMENT', 'Slice: axes, starts, ends and steps differ in length');
  }
  const normalized = axes.map((a) => normalizeAxis(a, x.shape.length, 'Slice'));
  const out: Dim[] = [...x.shape];
  normalized.forEach((a, i) => {
    const n = x.shape[a];
    if (
      !Number.isInteger(starts[i]) ||
      !Number.isInteger(ends[i]) ||
      !Number.isInteger(steps[i]) ||
      steps[i] < 1 ||
      starts[i] < 0 ||
      ends[i] <= starts[i] ||
      (typeof n === 'number' && ends[i] > n)
    ) {
      throw new OnnxGraphError(
        'INVALID_ARGUMENT',
        `Slice: [${starts[i]}, ${ends[i]}) step ${steps[i]} is not inside axis ${a} of ${formatShape(x.shape)}`,
      );
    }
    out[a] = Math.ceil((ends[i] - starts[i]) / steps[i]);
  });
  const inputs = [
    x,
    g.int64Vector(starts, 'starts'),
    g.int64Vector(ends, 'ends'),
    g.int64Vector(normalized, 'axes'),
  ];
  if (steps.some((s) => s !== 1)) inputs.push(g.int64Vector(steps, 'steps'));
  return g.addNode('Slice', inputs, [{ dtype: x.dtype, shape: out, name: opts.name }])[0];
}

/**
 * Zero padding (ONNX Pad, constant mode) with static amounts. No gradient rule: used inside gradient rules.
 *
 * @param g - Graph.
 * @param x - Input.
 * @param pads - Begins for every axis, then ends for every axis (≥ 0), length 2·rank.
 * @param opts - Output name.
 * @returns The padded tensor (symbolic dims stay symbolic only where their padding is 0).
 * @throws OnnxGraphError `INVALID_ARGUMENT` for a wrong length or negative amounts.
 */
export function pad(
  g: GraphBuilder,
  x: TensorRef,
  pads: readonly number[],
  opts: NameOption = {},
): TensorRef {
  const rank = x.shape.length;
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `Pad: pads [${pads.join(', ')}] for rank ${rank}`);
  }
  const out: Dim[] = x.shape.map((d, i) => {
    const extra = pads[i] + pads[i + rank];
    if (extra === 0) return d;
    return typeof d === 'number' ? d + extra : g.freshDim();
  });
  return g.addNode(
    'Pad',
    [x, g.int64Vector(pads, 'pads')],
    [{ dtype: x.dtype, shape: out, name: opts.name }],
    {
      mode: { string: 'constant' },
    },
  )[0];
}

/**
 * Reverses the order of elements along some axes of static length (ONNX Slice with step −1).
 *
 * @param g - Graph.
 * @param x - Input.
 * @param axes - Axes to flip (their lengths must be static).
 * @param opts - Output name.
 * @returns The flipped tensor.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for a symbolic axis.
 */
export function reverse(
  g: GraphBuilder,
  x: TensorRef,
  axes: readonly number[],
  opts: NameOption = {},
): TensorRef {
  const normalized = axes.map((a) => normalizeAxis(a, x.shape.length, 'Slice'));
  const lengths = normalized.map((a) => x.shape[a]);
  if (!lengths.every((n): n is number => typeof n === 'number')) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `reverse: axes [${axes.join(', ')}] of ${formatShape(x.shape)} must be static`,
    );
  }
  // Negative indices count from the end: start at the last element, stop before the first.
  return g.addNode(
    'Slice',
    [
      x,
      g.int64Vector(
        normalized.map(() => -1),
        'starts',
      ),
      g.int64Vector(
        lengths.map((n) => -(n + 1)),
        'ends',
      ),
      g.int64Vector(normalized, 'axes'),
      g.int64Vector(
        normalized.map(() => -1),
        'steps',
      ),
    ],
    [{ dtype: x.dtype, shape: x.shape, name: opts.name }],
  )[0];
}
