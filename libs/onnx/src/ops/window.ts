import { OnnxGraphError } from '../errors';
import type { AttributeValue, GraphNode } from '../graph-builder';
import { type Dim, formatShape, type Shape } from '../tensor';

/** Strides, paddings and dilations of a sliding-window op (Conv, ConvTranspose, pools) over k spatial axes. */
export interface WindowOptions {
  /** Step per spatial axis (default 1 each). */
  readonly strides?: readonly number[];
  /**
   * Zero padding, ONNX order: all begins, then all ends (`[top, left, bottom, right]` in 2-D); default 0.
   * A single number pads every side by that amount.
   */
  readonly pads?: readonly number[] | number;
  /** Kernel dilation per spatial axis (default 1 each). */
  readonly dilations?: readonly number[];
}

/** A window geometry with every field resolved to one entry per spatial axis. */
export interface WindowGeometry {
  /** Kernel extent per spatial axis (before dilation). */
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  /** Begins then ends, length 2k. */
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
}

/**
 * Fills in and checks a window geometry.
 *
 * @param op - Op name for error messages.
 * @param kernel - Kernel extent per spatial axis (positive integers).
 * @param options - Strides, pads, dilations as given by the caller.
 * @returns The geometry with defaults applied.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for wrong lengths, non-positive strides/dilations/kernel sizes
 *   or negative pads.
 */
export function resolveWindow(op: string, kernel: readonly number[], options: WindowOptions): WindowGeometry {
  const k = kernel.length;
  const strides = options.strides ?? new Array<number>(k).fill(1);
  const dilations = options.dilations ?? new Array<number>(k).fill(1);
  const pads =
    typeof options.pads === 'number'
      ? new Array<number>(2 * k).fill(options.pads)
      : (options.pads ?? new Array<number>(2 * k).fill(0));
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (k === 0 || !kernel.every(positive)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: invalid kernel shape [${kernel.join(', ')}]`);
  }
  if (strides.length !== k || !strides.every(positive)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: strides [${strides.join(', ')}] for ${k} axes`);
  }
  if (dilations.length !== k || !dilations.every(positive)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: dilations [${dilations.join(', ')}] for ${k} axes`);
  }
  if (pads.length !== 2 * k || !pads.every((p) => Number.isInteger(p) && p >= 0)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: pads [${pads.join(', ')}] for ${k} axes`);
  }
  return { kernel: [...kernel], strides: [...strides], pads: [...pads], dilations: [...dilations] };
}

/**
 * Output length of a sliding window along one axis (floor mode): ⌊(n + p₀ + p₁ − d·(k − 1) − 1) / s⌋ + 1.
 *
 * @param op - Op name for error messages.
 * @param n - Input length (a symbolic length gives the symbol `fresh()` returns).
 * @param geometry - Window geometry.
 * @param axis - Spatial axis index (0-based among the spatial axes).
 * @param fresh - Source of new symbolic dims.
 * @returns The output length.
 * @throws OnnxGraphError `SHAPE_MISMATCH` when the dilated kernel is larger than the padded input.
 */
export function windowOutputDim(
  op: string,
  n: Dim,
  geometry: WindowGeometry,
  axis: number,
  fresh: () => string,
): Dim {
  if (typeof n !== 'number') return fresh();
  const k = geometry.kernel.length;
  const extent = n + geometry.pads[axis] + geometry.pads[axis + k];
  const span = geometry.dilations[axis] * (geometry.kernel[axis] - 1) + 1;
  if (span > extent) {
    throw new OnnxGraphError(
      'SHAPE_MISMATCH',
      `${op}: window of ${span} does not fit the padded input of ${extent} along spatial axis ${axis}`,
    );
  }
  return Math.floor((extent - span) / geometry.strides[axis]) + 1;
}

/**
 * The spatial part of an `[N, C, ...spatial]` shape, checking the rank.
 *
 * @param op - Op name for error messages.
 * @param shape - Shape of the op's input.
 * @returns The spatial dims.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for rank < 3.
 */
export function spatialDims(op: string, shape: Shape): Dim[] {
  if (shape.length < 3) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `${op}: input must be [N, C, ...spatial] with at least one spatial axis, got ${formatShape(shape)}`,
    );
  }
  return shape.slice(2);
}

/**
 * The ONNX attributes of a geometry (kernel_shape, strides, pads, dilations).
 *
 * @param geometry - Resolved geometry.
 * @param withDilations - Whether the op accepts `dilations` (AveragePool only from opset 19).
 * @returns Attribute record.
 */
export function windowAttributes(
  geometry: WindowGeometry,
  withDilations = true,
): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {
    kernel_shape: { ints: geometry.kernel },
    strides: { ints: geometry.strides },
    pads: { ints: geometry.pads },
  };
  if (withDilations) attributes.dilations = { ints: geometry.dilations };
  return attributes;
}

/**
 * Reads the geometry back from a node's attributes (ONNX defaults for absent ones), for gradient rules.
 *
 * @param node - A Conv, ConvTranspose or pooling node.
 * @param kernel - Kernel extent per spatial axis (for Conv: the weight's spatial dims).
 * @returns The geometry.
 * @throws OnnxGraphError `NO_GRADIENT_RULE` for `auto_pad` other than NOTSET (padding decided at run time).
 */
export function windowOfNode(node: GraphNode, kernel: readonly number[]): WindowGeometry {
  const autoPad = node.attributes.auto_pad;
  if (autoPad && 'string' in autoPad && autoPad.string !== 'NOTSET') {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `${node.opType} '${node.name}': auto_pad ${autoPad.string} is not supported by autodiff`,
    );
  }
  const ints = (name: string): number[] | undefined => {
    const value = node.attributes[name];
    return value && 'ints' in value ? [...value.ints] : undefined;
  };
  return resolveWindow(node.opType, kernel, {
    strides: ints('strides'),
    pads: ints('pads'),
    dilations: ints('dilations'),
  });
}
