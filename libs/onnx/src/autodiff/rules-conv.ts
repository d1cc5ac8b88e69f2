import { OnnxGraphError } from '../errors';
import type { GraphBuilder, GraphNode } from '../graph-builder';
import {
  concat,
  conv,
  convTranspose,
  gemm,
  pad,
  reduceSum,
  reshape,
  reverse,
  slice,
  transpose,
  unsqueeze,
} from '../ops';
import type { WindowGeometry } from '../ops/window';
import { windowOfNode } from '../ops/window';
import { formatShape, isStaticShape, type TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute } from './node-attributes';

/**
 * Static spatial lengths of a Conv's input and output, which both gradients need (output padding of the
 * transposed convolution, padding of the weight-gradient convolution).
 */
function staticSpatial(node: GraphNode, t: TensorRef): number[] {
  const spatial = t.shape.slice(2);
  if (!isStaticShape(spatial)) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `${node.opType} '${node.name}': autodiff needs static spatial dims, got ${formatShape(t.shape)}`,
    );
  }
  return [...spatial];
}

/**
 * Output padding that makes ConvTranspose(dY) as long as X: the forward window skipped
 * r = (n + p₀ + p₁ − d·(k − 1) − 1) mod s trailing input positions, which the transpose must restore.
 *
 * @param input - Spatial lengths n of X.
 * @param geometry - The forward window.
 * @returns r per spatial axis (each < the stride).
 */
export function transposeOutputPadding(input: readonly number[], geometry: WindowGeometry): number[] {
  const k = input.length;
  return input.map((n, i) => {
    const extent =
      n + geometry.pads[i] + geometry.pads[i + k] - geometry.dilations[i] * (geometry.kernel[i] - 1) - 1;
    return extent % geometry.strides[i];
  });
}

/**
 * dX of `Y = Conv(X, W)`: the transposed convolution `ConvTranspose(dY, W)` with the forward geometry and
 * the output padding that restores X's length. With stride 1 the same sum is an ordinary Conv of dY with the
 * filters flipped in space and their two channel axes swapped, padded by d·(k − 1) − p: onnxruntime's CPU
 * Conv runs that 1.3–1.5× faster than its ConvTranspose (col2im), so it is used wherever the padding allows.
 */
function inputGradient(
  g: GraphBuilder,
  dY: TensorRef,
  w: TensorRef,
  geometry: WindowGeometry,
  input: readonly number[],
): TensorRef {
  const k = input.length;
  const spans = geometry.kernel.map((size, i) => geometry.dilations[i] * (size - 1));
  const flippedPads = geometry.pads.map((p, j) => spans[j % k] - p);
  if (geometry.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0)) {
    const spatialAxes = input.map((_, i) => i + 2);
    const flipped = reverse(g, transpose(g, w, [1, 0, ...spatialAxes]), spatialAxes);
    return conv(g, dY, flipped, null, { pads: flippedPads, dilations: geometry.dilations });
  }
  return convTranspose(g, dY, w, null, {
    strides: geometry.strides,
    pads: geometry.pads,
    dilations: geometry.dilations,
    outputPadding: transposeOutputPadding(input, geometry),
  });
}

/**
 * dW of `Y = Conv(X, W)` (group 1) as one Conv over transposed activations:
 * `dW[m, c, i] = Σ_n Σ_p dY[n, m, p] · X[n, c, p·s + i·d − p₀]` is a convolution of Xᵀ `[C, N, ...]` (batch
 * as channels) with dYᵀ `[M, N, ...out]` as filters, dilated by the forward stride s and strided by the
 * forward dilation d; its output `[C, M, ...kernel]` is transposed back. The end padding is chosen so the
 * output is exactly the kernel long; where the forward window never reached the last input positions
 * (negative end padding) the convolution runs unpadded and the surplus is sliced off.
 */
function weightGradientByConv(
  g: GraphBuilder,
  x: TensorRef,
  dY: TensorRef,
  geometry: WindowGeometry,
  input: readonly number[],
  output: readonly number[],
): TensorRef {
  const k = input.length;
  const perm = [1, 0, ...input.map((_, i) => i + 2)];
  const xT = transpose(g, x, perm);
  const dYT = transpose(g, dY, perm);
  const ends = input.map(
    (n, i) =>
      geometry.dilations[i] * (geometry.kernel[i] - 1) +
      geometry.strides[i] * (output[i] - 1) +
      1 -
      n -
      geometry.pads[i],
  );
  const pads = [...geometry.pads.slice(0, k), ...ends.map((e) => Math.max(e, 0))];
  let grad = conv(g, xT, dYT, null, { strides: geometry.dilations, dilations: geometry.strides, pads });
  if (ends.some((e) => e < 0)) {
    const axes = input.map((_, i) => i + 2);
    grad = slice(
      g,
      grad,
      axes,
      axes.map(() => 0),
      geometry.kernel,
    );
  }
  return transpose(g, grad, perm);
}

/**
 * The same dW as one matrix product per kernel offset i:
 * `dW[:, :, i] = dYᵀ · X_iᵀ`, with dYᵀ `[M, N·out]` and X_i `[C, N·out]` the strided slice of the (padded)
 * transposed input that the offset i touches. onnxruntime's CPU Conv runs the Conv form above slowly (its
 * im2col is built for small kernels and large outputs, here it is the reverse), while these products are
 * plain GEMMs with a long inner dimension.
 */
function weightGradientByGemm(
  g: GraphBuilder,
  x: TensorRef,
  dY: TensorRef,
  w: TensorRef,
  geometry: WindowGeometry,
  output: readonly number[],
): TensorRef {
  const k = output.length;
  const [m, c] = w.shape as number[];
  const perm = [1, 0, ...output.map((_, i) => i + 2)];
  const xT = transpose(g, x, perm);
  const padded = geometry.pads.some((p) => p > 0)
    ? pad(g, xT, [0, 0, ...geometry.pads.slice(0, k), 0, 0, ...geometry.pads.slice(k)])
    : xT;
  const dYT = reshape(g, transpose(g, dY, perm), [m, -1]);
  const axes = output.map((_, i) => i + 2);
  const offsets = kernelOffsets(geometry.kernel);
  const columns = offsets.map((offset) => {
    const starts = offset.map((o, i) => o * geometry.dilations[i]);
    const ends = starts.map((st, i) => st + geometry.strides[i] * (output[i] - 1) + 1);
    const whole = starts.every(
      (st, i) => st === 0 && ends[i] === padded.shape[i + 2] && geometry.strides[i] === 1,
    );
    const touched = whole ? padded : slice(g, padded, axes, starts, ends, { steps: geometry.strides });
    return gemm(g, dYT, reshape(g, touched, [c, -1]), null, { transB: true });
  });
  const stacked =
    columns.length === 1
      ? columns[0]
      : concat(
          g,
          columns.map((col) => unsqueeze(g, col, [2])),
          2,
        );
  return reshape(g, stacked, [m, c, ...geometry.kernel]);
}

/** Every kernel offset, row-major (last axis fastest), matching the weight layout. */
function kernelOffsets(kernel: readonly number[]): number[][] {
  let offsets: number[][] = [[]];
  for (const size of kernel) {
    offsets = offsets.flatMap((prefix) => Array.from({ length: size }, (_, i) => [...prefix, i]));
  }
  return offsets;
}

/** How the Conv rule computes the weight gradient (both exact; they differ in speed). */
export type ConvWeightGradient = 'gemm' | 'conv';

/**
 * The Conv gradient rule. Y = Conv(X, W, B) (group 1, any spatial rank, strides, pads, dilations):
 * dX = ConvTranspose(dY, W) (a Conv with flipped filters when the stride is 1, see `inputGradient`);
 * dW = per-offset GEMMs (`'gemm'`, default) or one Conv over transposed activations dilated by the stride
 * (`'conv'`); dB = Σ dY over every axis but 1.
 *
 * @param weightGradient - Formulation of dW.
 * @returns The rule.
 */
export function createConvRule(weightGradient: ConvWeightGradient = 'gemm'): GradientRule {
  return (g, node, [dY], wanted) => {
    const [x, w, b] = node.inputs as [TensorRef, TensorRef, TensorRef | undefined];
    if (!dY) return node.inputs.map(() => undefined);
    if (intAttribute(node, 'group', 1) !== 1 && (wanted[0] || wanted[1])) {
      throw new OnnxGraphError('NO_GRADIENT_RULE', `Conv '${node.name}': autodiff supports group = 1 only`);
    }
    const geometry = windowOfNode(node, w.shape.slice(2) as number[]);
    let dX: TensorRef | undefined;
    let dW: TensorRef | undefined;
    let dB: TensorRef | undefined;
    if (wanted[0] || wanted[1]) {
      const input = staticSpatial(node, x);
      const output = staticSpatial(node, dY);
      if (wanted[0]) {
        dX = inputGradient(g, dY, w, geometry, input);
      }
      if (wanted[1]) {
        dW =
          weightGradient === 'gemm' && isStaticShape(w.shape)
            ? weightGradientByGemm(g, x, dY, w, geometry, output)
            : weightGradientByConv(g, x, dY, geometry, input, output);
      }
    }
    if (wanted[2] && b) {
      const axes = dY.shape.map((_, i) => i).filter((i) => i !== 1);
      dB = reduceSum(g, dY, axes, { keepdims: false });
    }
    return [dX, dW, dB];
  };
}

/** Gradient rule of Conv (GEMM weight gradient). */
export const CONV_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['Conv', createConvRule()],
]);
