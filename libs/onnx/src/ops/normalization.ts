import { OnnxGraphError } from '../errors';
import type { GraphBuilder } from '../graph-builder';
import { type Dim, formatShape, type TensorRef } from '../tensor';
import { mul, sub } from './elementwise';
import type { NameOption } from './operand';
import { reduceMean } from './reduce';
import { reshape } from './shape-ops';

/** Options of the batch normalisation helpers. */
export interface BatchNormOptions extends NameOption {
  /** ε added to the variance (default 1e-5, the ONNX default). */
  readonly epsilon?: number;
}

/**
 * Per-channel affine normalisation with given statistics (ONNX BatchNormalization, inference form):
 * `Y = (X − mean) / √(var + ε) · scale + bias`, the statistics broadcast along axis 1.
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...]`.
 * @param scale - γ `[C]`.
 * @param bias - β `[C]`.
 * @param mean - Mean `[C]` (running statistics at inference, batch statistics in `batchNormTraining`).
 * @param variance - Variance `[C]`.
 * @param opts - ε and output name.
 * @returns Y, shaped like X.
 * @throws OnnxGraphError `DTYPE_MISMATCH`, `INVALID_ARGUMENT` (rank < 2, ε ≤ 0) or `SHAPE_MISMATCH`.
 */
export function batchNormalization(
  g: GraphBuilder,
  x: TensorRef,
  scale: TensorRef,
  bias: TensorRef,
  mean: TensorRef,
  variance: TensorRef,
  opts: BatchNormOptions = {},
): TensorRef {
  const epsilon = opts.epsilon ?? 1e-5;
  if (!(epsilon > 0)) throw new OnnxGraphError('INVALID_ARGUMENT', `BatchNormalization: ε must be > 0`);
  if (x.shape.length < 2) {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `BatchNormalization: input ${formatShape(x.shape)} has no channel axis`,
    );
  }
  for (const t of [scale, bias, mean, variance]) {
    if (t.dtype !== x.dtype) {
      throw new OnnxGraphError(
        'DTYPE_MISMATCH',
        `BatchNormalization: '${t.name}' is ${t.dtype}, input is ${x.dtype}`,
      );
    }
    const c: Dim = x.shape[1];
    if (
      t.shape.length !== 1 ||
      (typeof c === 'number' && typeof t.shape[0] === 'number' && t.shape[0] !== c)
    ) {
      throw new OnnxGraphError(
        'SHAPE_MISMATCH',
        `BatchNormalization: '${t.name}' ${formatShape(t.shape)} must be [${c}]`,
      );
    }
  }
  return g.addNode(
    'BatchNormalization',
    [x, scale, bias, mean, variance],
    [{ dtype: x.dtype, shape: x.shape, name: opts.name }],
    { epsilon: { float: epsilon } },
  )[0];
}

/** What `batchNormTraining` builds. */
export interface BatchNormTraining {
  /** The normalised output, shaped like the input. */
  readonly output: TensorRef;
  /** Batch mean per channel `[C]` (over N and the spatial axes). */
  readonly mean: TensorRef;
  /** Biased batch variance per channel `[C]` (divided by the count m = N·spatial, as used to normalise). */
  readonly variance: TensorRef;
}

/**
 * Training-mode batch normalisation: the statistics of this batch, computed with ReduceMean,
 * `μ = mean(X)`, `D = X − μ`, `σ² = mean(D·D)` over every axis but 1, then the inference-form
 * BatchNormalization with (μ, σ²).
 *
 * The BatchNormalization gradient rule recognises exactly this construction (μ and σ² are this batch's
 * statistics of X) and returns the closed-form input gradient
 * `dX = γ/√(σ²+ε) · (dY − mean(dY) − X̂ · mean(dY·X̂))`, X̂ = D/√(σ²+ε), which already includes the paths
 * through μ and σ²: a handful of element-wise passes instead of differentiating the reductions one by one.
 *
 * @param g - Graph.
 * @param x - Input `[N, C, ...]` with a static channel count.
 * @param scale - γ `[C]`.
 * @param bias - β `[C]`.
 * @param opts - ε and output name.
 * @returns Output and batch statistics (feed the statistics to running averages for inference).
 * @throws OnnxGraphError as `batchNormalization`; `INVALID_ARGUMENT` for a symbolic channel count.
 */
export function batchNormTraining(
  g: GraphBuilder,
  x: TensorRef,
  scale: TensorRef,
  bias: TensorRef,
  opts: BatchNormOptions = {},
): BatchNormTraining {
  const c = x.shape[1];
  if (x.shape.length < 2 || typeof c !== 'number') {
    throw new OnnxGraphError(
      'INVALID_ARGUMENT',
      `batchNormTraining: input ${formatShape(x.shape)} needs a static channel axis 1`,
    );
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const meanKept = reduceMean(g, x, axes, { keepdims: true });
  const centred = sub(g, x, meanKept);
  const varianceKept = reduceMean(g, mul(g, centred, centred), axes, { keepdims: true });
  const mean = reshape(g, meanKept, [c]);
  const variance = reshape(g, varianceKept, [c]);
  const output = batchNormalization(g, x, scale, bias, mean, variance, opts);
  return { output, mean, variance };
}
