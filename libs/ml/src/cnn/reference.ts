/**
 * A TypeScript forward pass of the CNN, independent of onnxruntime, to check exported graphs (parity of
 * probabilities, embedding and CAM). Plain loops in float64 at roughly 1 GFLOP/s: use it on a few small
 * inputs only.
 */
import { type CnnPlan, type ConvSpec, convNames, HEAD, type PoolSpec } from './architecture';
import { camWeights } from './export';
import type { CnnWeights } from './init';

/** A batch of feature maps `[n, channels, height, width]`, row-major. */
export interface FeatureMaps {
  readonly data: Float64Array;
  readonly n: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Everything the exported graph outputs, computed in TypeScript. */
export interface CnnReferenceOutput {
  /** `[n, 2]` softmax probabilities. */
  readonly probabilities: Float64Array;
  /** `[n, D]` global-average-pooled features. */
  readonly embedding: Float64Array;
  /** `[n, h, w]` class activation map on the feature grid. */
  readonly cam: Float64Array;
  /** `[n, H, W]` class activation map upsampled to the ROI (bilinear, half-pixel, edge-clamped). */
  readonly camUpsampled: Float64Array;
}

/**
 * 2-D cross-correlation without bias, zero padding on every side.
 *
 * @param x - Input maps.
 * @param weight - `[M, C, k, k]` row-major.
 * @param spec - Conv layer (channels, kernel, stride, pad).
 * @returns `[n, M, h', w']`.
 */
export function conv2dReference(x: FeatureMaps, weight: Float32Array, spec: ConvSpec): FeatureMaps {
  const { kernel: k, stride, pad, outChannels: m, inChannels: c } = spec;
  const oh = Math.floor((x.height + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((x.width + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(x.n * m * oh * ow);
  for (let n = 0; n < x.n; n++) {
    for (let o = 0; o < m; o++) {
      for (let py = 0; py < oh; py++) {
        for (let px = 0; px < ow; px++) {
          let acc = 0;
          for (let ci = 0; ci < c; ci++) {
            const inBase = (n * c + ci) * x.height * x.width;
            const wBase = (o * c + ci) * k * k;
            for (let i = 0; i < k; i++) {
              const y = py * stride + i - pad;
              if (y < 0 || y >= x.height) continue;
              for (let j = 0; j < k; j++) {
                const xx = px * stride + j - pad;
                if (xx < 0 || xx >= x.width) continue;
                acc += weight[wBase + i * k + j] * x.data[inBase + y * x.width + xx];
              }
            }
          }
          out[((n * m + o) * oh + py) * ow + px] = acc;
        }
      }
    }
  }
  return { data: out, n: x.n, channels: m, height: oh, width: ow };
}

/**
 * Inference batch normalisation `(x − μ)/√(σ² + ε)·γ + β` per channel, optionally followed by ReLU, in place.
 *
 * @param x - Maps (modified).
 * @param weights - Model weights holding `<name>.bn.*`.
 * @param spec - The conv the BN belongs to.
 * @param epsilon - ε.
 * @param activate - Apply max(·, 0) afterwards.
 * @returns `x`.
 */
export function batchNormReference(
  x: FeatureMaps,
  weights: CnnWeights,
  spec: ConvSpec,
  epsilon: number,
  activate: boolean,
): FeatureMaps {
  const names = convNames(spec);
  const scale = weights.parameters[names.scale];
  const bias = weights.parameters[names.bias];
  const mean = weights.buffers[names.mean];
  const variance = weights.buffers[names.variance];
  const plane = x.height * x.width;
  for (let n = 0; n < x.n; n++) {
    for (let c = 0; c < x.channels; c++) {
      const gain = scale[c] / Math.sqrt(variance[c] + epsilon);
      const shift = bias[c] - mean[c] * gain;
      const base = (n * x.channels + c) * plane;
      for (let i = base; i < base + plane; i++) {
        const v = x.data[i] * gain + shift;
        x.data[i] = activate && v < 0 ? 0 : v;
      }
    }
  }
  return x;
}

/**
 * Max pooling (padding never wins) or average pooling (divided by the full window, padding included).
 *
 * @param x - Input maps.
 * @param spec - Pool layer.
 * @returns Pooled maps.
 */
export function poolReference(x: FeatureMaps, spec: PoolSpec): FeatureMaps {
  const { kernel: k, stride, pad } = spec;
  const oh = spec.outputSize[0];
  const ow = spec.outputSize[1];
  const out = new Float64Array(x.n * x.channels * oh * ow);
  for (let p = 0; p < x.n * x.channels; p++) {
    const base = p * x.height * x.width;
    for (let py = 0; py < oh; py++) {
      for (let px = 0; px < ow; px++) {
        let acc = spec.kind === 'max' ? Number.NEGATIVE_INFINITY : 0;
        for (let i = 0; i < k; i++) {
          const y = py * stride + i - pad;
          if (y < 0 || y >= x.height) continue;
          for (let j = 0; j < k; j++) {
            const xx = px * stride + j - pad;
            if (xx < 0 || xx >= x.width) continue;
            const v = x.data[base + y * x.width + xx];
            acc = spec.kind === 'max' ? Math.max(acc, v) : acc + v;
          }
        }
        out[(p * oh + py) * ow + px] = spec.kind === 'max' ? acc : acc / (k * k);
      }
    }
  }
  return { data: out, n: x.n, channels: x.channels, height: oh, width: ow };
}

function addRelu(a: FeatureMaps, b: FeatureMaps): FeatureMaps {
  for (let i = 0; i < a.data.length; i++) {
    const v = a.data[i] + b.data[i];
    a.data[i] = Math.max(v, 0);
  }
  return a;
}

function convBnReference(
  x: FeatureMaps,
  weights: CnnWeights,
  spec: ConvSpec,
  epsilon: number,
  activate: boolean,
) {
  const y = conv2dReference(x, weights.parameters[convNames(spec).weight], spec);
  return batchNormReference(y, weights, spec, epsilon, activate);
}

/**
 * Bilinear resize of single-channel maps with onnxruntime's `half_pixel` rule: output (y, x) samples the
 * input at ((y + ½)·h/H − ½, (x + ½)·w/W − ½), clamped to the input's extent.
 *
 * @param maps - `[n, h, w]`.
 * @param n - Maps.
 * @param h - Input height.
 * @param w - Input width.
 * @param outH - Output height.
 * @param outW - Output width.
 * @returns `[n, outH, outW]`.
 */
export function resizeBilinearReference(
  maps: Float64Array,
  n: number,
  h: number,
  w: number,
  outH: number,
  outW: number,
): Float64Array {
  const out = new Float64Array(n * outH * outW);
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < outH; y++) {
      const fy = Math.min(Math.max(((y + 0.5) * h) / outH - 0.5, 0), h - 1);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, h - 1);
      const ty = fy - y0;
      for (let x = 0; x < outW; x++) {
        const fx = Math.min(Math.max(((x + 0.5) * w) / outW - 0.5, 0), w - 1);
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, w - 1);
        const tx = fx - x0;
        const base = s * h * w;
        const top = maps[base + y0 * w + x0] * (1 - tx) + maps[base + y0 * w + x1] * tx;
        const bottom = maps[base + y1 * w + x0] * (1 - tx) + maps[base + y1 * w + x1] * tx;
        out[(s * outH + y) * outW + x] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

/**
 * The whole inference pass in TypeScript: what the exported graph computes, in float64.
 *
 * @param plan - Unrolled architecture.
 * @param weights - Parameters and running statistics.
 * @param images - `[n, 1, H, W]` row-major.
 * @returns Probabilities, embedding and CAM (feature grid and upsampled).
 */
export function cnnForwardReference(
  plan: CnnPlan,
  weights: CnnWeights,
  images: Float32Array,
): CnnReferenceOutput {
  const a = plan.architecture;
  const eps = a.batchNormEpsilon;
  const n = images.length / (a.inputHeight * a.inputWidth);
  let x: FeatureMaps = {
    data: Float64Array.from(images),
    n,
    channels: 1,
    height: a.inputHeight,
    width: a.inputWidth,
  };
  x = convBnReference(x, weights, plan.stem, eps, true);
  if (plan.pool) x = poolReference(x, plan.pool);
  for (const block of plan.blocks) {
    const h = convBnReference(
      convBnReference(x, weights, block.conv1, eps, true),
      weights,
      block.conv2,
      eps,
      false,
    );
    const shortcut = block.shortcut ? convBnReference(x, weights, block.shortcut, eps, false) : x;
    x = addRelu(h, shortcut);
  }
  const channels = x.channels;
  const plane = x.height * x.width;
  const embedding = new Float64Array(n * channels);
  for (let p = 0; p < n * channels; p++) {
    let acc = 0;
    for (let i = p * plane; i < (p + 1) * plane; i++) acc += x.data[i];
    embedding[p] = acc / plane;
  }
  const w = weights.parameters[HEAD.weight];
  const b = weights.parameters[HEAD.bias];
  const probabilities = new Float64Array(n * 2);
  for (let s = 0; s < n; s++) {
    const z = [b[0], b[1]];
    for (let c = 0; c < channels; c++) {
      z[0] += embedding[s * channels + c] * w[2 * c];
      z[1] += embedding[s * channels + c] * w[2 * c + 1];
    }
    const top = Math.max(z[0], z[1]);
    const e0 = Math.exp(z[0] - top);
    const e1 = Math.exp(z[1] - top);
    probabilities[2 * s] = e0 / (e0 + e1);
    probabilities[2 * s + 1] = e1 / (e0 + e1);
  }
  const { weight: camWeight, offset } = camWeights(weights, channels);
  const cam = new Float64Array(n * plane);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < plane; i++) {
      let acc = offset;
      for (let c = 0; c < channels; c++) acc += camWeight[c] * x.data[(s * channels + c) * plane + i];
      cam[s * plane + i] = acc;
    }
  }
  const camUpsampled = resizeBilinearReference(cam, n, x.height, x.width, a.inputHeight, a.inputWidth);
  return { probabilities, embedding, cam, camUpsampled };
}
