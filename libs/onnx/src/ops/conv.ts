import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { type Dim, formatShape, isStaticShape, type TensorRef } from '../tensor';
import type { NameOption } from './operand';
import { resolveWindow, spatialDims, type WindowOptions, windowAttributes, windowOutputDim } from './window';

/** Options of `conv`. */
export interface ConvOptions extends WindowOptions, NameOption {
  /** Channel groups (default 1; C and M must both be divisible by it). */
  readonly group?: number;
}

/**
 * Cross-correlation of a batch of multi-channel signals with a filter bank (ONNX Conv, NCHW layout):
 * `Y[n, m, p] = B[m] + Σ_c Σ_i W[m, c, i] · X[n, g(m)·C/G + c, p·s + i·d − pad₀]`, zero outside the input.
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param w - Filters `[M, C / group, ...kernel]` with a static kernel extent.
 * @param b - Bias `[M]`, or null for none.
 * @param opts - Strides, pads (begins then ends), dilations, group, output name.
 * @returns `[N, M, ...out]` with out = ⌊(n + p₀ + p₁ − d·(k − 1) − 1) / s⌋ + 1 per spatial axis.
 * @throws OnnxGraphError `DTYPE_MISMATCH`, `INVALID_ARGUMENT` (ranks, geometry, group) or `SHAPE_MISMATCH`
 *   (channel counts, window larger than the padded input).
 */
export function conv(
  g: GraphBuilder,
  x: TensorRef,
  w: TensorRef,
  b: TensorRef | null,
  opts: ConvOptions = {},
): TensorRef {
  checkTypes('Conv', x, w, b);
  const spatial = spatialDims('Conv', x.shape);
  const kernel = kernelOf('Conv', w, spatial.length);
  const group = opts.group ?? 1;
  const [m, cPerGroup] = w.shape;
  checkGroup('Conv', group, x.shape[1], cPerGroup, m);
  if (b) checkBias('Conv', b, m);
  const geometry = resolveWindow('Conv', kernel, opts);
  const out: Dim[] = [
    x.shape[0],
    m,
    ...spatial.map((n, i) => windowOutputDim('Conv', n, geometry, i, () => g.freshDim())),
  ];
  return g.addNode('Conv', b ? [x, w, b] : [x, w], [{ dtype: x.dtype, shape: out, name: opts.name }], {
    ...windowAttributes(geometry),
    group: { int: group },
  })[0];
}

/** Options of `convTranspose`. */
export interface ConvTransposeOptions extends ConvOptions {
  /** Extra length added at the end of each spatial axis of the output, each < its stride (default 0). */
  readonly outputPadding?: readonly number[];
}

/**
 * The adjoint of `conv` with respect to its input (ONNX ConvTranspose, NCHW): every input element scatters
 * its filter into the output, `Y[n, g·M/G + m, p·s + i·d − pad₀] += X[n, c, p] · W[c, m, i]`.
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...spatial]`.
 * @param w - Filters `[C, M / group, ...kernel]` (the layout of the forward Conv's weight).
 * @param b - Bias `[M]`, or null.
 * @param opts - Strides, pads, dilations, output padding, group, output name.
 * @returns `[N, M, ...out]` with out = s·(n − 1) + outputPadding + d·(k − 1) + 1 − p₀ − p₁.
 * @throws OnnxGraphError `DTYPE_MISMATCH`, `INVALID_ARGUMENT` or `SHAPE_MISMATCH`.
 */
export function convTranspose(
  g: GraphBuilder,
  x: TensorRef,
  w: TensorRef,
  b: TensorRef | null,
  opts: ConvTransposeOptions = {},
): TensorRef {
  checkTypes('ConvTranspose', x, w, b);
  const spatial = spatialDims('ConvTranspose', x.shape);
  const kernel = kernelOf('ConvTranspose', w, spatial.length);
  const group = opts.group ?? 1;
  const [c, mPerGroup] = w.shape;
  const m = typeof mPerGroup === 'number' ? mPerGroup * group : g.freshDim();
  checkGroup('ConvTranspose', group, x.shape[1], typeof c === 'number' ? c / group : c, c);
  if (b) checkBias('ConvTranspose', b, m);
  const geometry = resolveWindow('ConvTranspose', kernel, opts);
  const outputPadding = opts.outputPadding ?? new Array<number>(spatial.length).fill(0);
  if (
    outputPadding.length !== spatial.length ||
    outputPadding.some((p, i) => !Number.isInteger(p) || p < 0 || p >= geometry.strides[i])
  ) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `ConvTranspose: output padding [${outputPadding.join(', ')}] must be in [0, stride) per axis`,
    );
  }
  const k = spatial.length;
  const out: Dim[] = [
    x.shape[0],
    m,
    ...spatial.map((n, i) => {
      if (typeof n !== 'number') return g.freshDim();
      const length =
        geometry.strides[i] * (n - 1) +
        outputPadding[i] +
        geometry.dilations[i] * (kernel[i] - 1) +
        1 -
        geometry.pads[i] -
        geometry.pads[i + k];
      if (length <= 0) {
        throw new OnnxGraphError(
          'SHAPE_MISMATCH',
          `ConvTranspose: pads leave no output along spatial axis ${i}`,
        );
      }
      return length;
    }),
  ];
  const attributes = { ...windowAttributes(geometry), group: { int: group } };
  if (outputPadding.some((p) => p > 0))
    Object.assign(attributes, { output_padding: { ints: outputPadding } });
  return g.addNode(
    'ConvTranspose',
    b ? [x, w, b] : [x, w],
    [{ dtype: x.dtype, shape: out, name: opts.name }],
    attributes,
  )[0];
}

function checkTypes(op: string, x: TensorRef, w: TensorRef, b: TensorRef | null): void {
  if (x.dtype !== w.dtype || (b && b.dtype !== x.dtype)) {
    throw new OnnxGraphError('DTYPE_MISMATCH', `${op}: input, weight and bias must share one float type`);
  }
}

function kernelOf(op: string, w: TensorRef, spatialRank: number): number[] {
  const kernel = w.shape.slice(2);
  if (w.shape.length !== spatialRank + 2 || !isStaticShape(kernel)) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `${op}: weight ${formatShape(w.shape)} must have rank ${spatialRank + 2} and a static kernel`,
    );
  }
  return [...kernel];
}

function checkGroup(op: string, group: number, channels: Dim, perGroup: Dim, outChannels: Dim): void {
  if (!Number.isInteger(group) || group < 1) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `${op}: group must be a positive integer, got ${group}`);
  }
  if (typeof channels === 'number' && typeof perGroup === 'number' && channels !== perGroup * group) {
    throw new OnnxGraphError(
      'SHAPE_MISMATCH',
      `${op}: ${channels} input channels do not match weight channels ${perGroup} × group ${group}`,
    );
  }
  if (typeof outChannels === 'number' && outChannels % group !== 0) {
    throw new OnnxGraphError(
      'SHAPE_MISMATCH',
      `${op}: ${outChannels} output channels not divisible by ${group}`,
    );
  }
}

function checkBias(op: string, b: TensorRef, m: Dim): void {
  if (b.shape.length !== 1 || (typeof b.shape[0] === 'number' && typeof m === 'number' && b.shape[0] !== m)) {
    throw new OnnxGraphError('SHAPE_MISMATCH', `${op}: bias ${formatShape(b.shape)} must be [${m}]`);
  }
}
