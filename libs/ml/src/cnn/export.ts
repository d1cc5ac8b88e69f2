import { GraphBuilder, op, type TensorRef } from '@calcscope/onnx';
import { type CnnPlan, HEAD } from './architecture';
import { CNN_INPUT } from './graphs';
import type { CnnWeights } from './init';
import { createCnnContext, initializerParameters } from './layers';
import { cnnForward } from './network';

/** Names of the outputs of an exported CNN. */
export const CNN_OUTPUT = {
  /** float32 `[N, 2]`, softmax of the logits; column 1 is the positive class. */
  probabilities: 'probabilities',
  /** float32 `[N, D]`, the global-average-pooled final feature maps. */
  embedding: 'embedding',
  /** float32 `[N, h, w]`, the class activation map (see `camWeights`). */
  cam: 'cam',
} as const;

/** Options of `buildCnnInferenceGraph`. */
export interface CnnExportOptions {
  /** `'roi'` (default): CAM upsampled bilinearly to the ROI size; `'features'`: on the feature-map grid. */
  readonly camSize?: 'roi' | 'features';
  /** Extra `metadata_props` (e.g. model name, version, schema). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The class activation map's weights: with final feature maps F `[C, h, w]`, dense weights W `[C, 2]` and
 * bias b, `cam(y, x) = Σ_c (W[c, 1] − W[c, 0])·F[c, y, x] + (b[1] − b[0])`. Because global average pooling is
 * linear, the mean of the map over the grid is exactly the class-1 log-odds logit₁ − logit₀, so positive
 * regions push towards class 1 and negative ones towards class 0.
 *
 * @param weights - Model weights.
 * @param channels - C.
 * @returns Per-channel weights `[C]` and the offset.
 */
export function camWeights(weights: CnnWeights, channels: number): { weight: Float32Array; offset: number } {
  const w = weights.parameters[HEAD.weight];
  const b = weights.parameters[HEAD.bias];
  const weight = new Float32Array(channels);
  for (let c = 0; c < channels; c++) weight[c] = w[2 * c + 1] - w[2 * c];
  return { weight, offset: b[1] - b[0] };
}

/**
 * The exported inference model: input `roi` float32 `[N, 1, H, W]`; outputs `probabilities` `[N, 2]`,
 * `embedding` `[N, D]` and `cam` `[N, h, w]` (h×w = H×W with bilinear half-pixel upsampling, or the feature
 * grid). Batch normalisation uses the running statistics; weights are initializers; opset 17, standard ops.
 *
 * @param plan - Unrolled architecture.
 * @param weights - Trained parameters and running statistics.
 * @param options - CAM size and metadata.
 * @returns Serialised ModelProto.
 */
export function buildCnnInferenceGraph(
  plan: CnnPlan,
  weights: CnnWeights,
  options: CnnExportOptions = {},
): Uint8Array {
  const a = plan.architecture;
  const g = new GraphBuilder({ name: 'cnn' });
  const roi = g.input(CNN_INPUT.roi, 'float32', ['N', 1, a.inputHeight, a.inputWidth]);
  const ctx = createCnnContext(
    g,
    'inference',
    initializerParameters(g, weights.parameters),
    initializerParameters(g, weights.buffers),
    a.batchNormEpsilon,
  );
  const forward = cnnForward(ctx, plan, roi, CNN_OUTPUT.embedding);
  g.output(op.softmax(g, forward.logits, 1), CNN_OUTPUT.probabilities);
  g.output(forward.embedding);
  g.output(camGraph(g, plan, weights, forward.features, options.camSize ?? 'roi'), CNN_OUTPUT.cam);
  g.setMetadata('family', 'cnn');
  g.setMetadata('architecture', JSON.stringify(a));
  g.setMetadata(
    'cam',
    'cam[y,x] = sum_c (W[c,1]-W[c,0]) F[c,y,x] + (b1-b0); grid mean = logit1 - logit0' +
      (options.camSize === 'features' ? '' : '; bilinear half-pixel upsampling to the ROI'),
  );
  for (const [key, value] of Object.entries(options.metadata ?? {})) g.setMetadata(key, value);
  return g.toBytes();
}

function camGraph(
  g: GraphBuilder,
  plan: CnnPlan,
  weights: CnnWeights,
  features: TensorRef,
  size: 'roi' | 'features',
): TensorRef {
  const channels = plan.featureChannels;
  const { weight, offset } = camWeights(weights, channels);
  const filter = g.initializer('cam.weight', weight, [1, channels, 1, 1]);
  const bias = g.initializer('cam.bias', Float32Array.of(offset), [1]);
  let map = op.conv(g, features, filter, bias);
  if (size === 'roi') {
    const a = plan.architecture;
    map = op.resize(g, map, [a.inputHeight, a.inputWidth], { mode: 'linear' });
  }
  return op.squeeze(g, map, [1]);
}
