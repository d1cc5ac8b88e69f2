import { createSession, type ExecutionProviderName, Tensor } from '@calcscope/onnx';
import { bufferSpecs, type CnnArchitecture, type CnnPlan, parameterSpecs, planCnn } from './architecture';
import { CnnError } from './errors';
import { buildCnnInferenceGraph, CNN_OUTPUT, type CnnExportOptions } from './export';
import { type CnnFlops, countCnnFlops } from './flops';
import { CNN_INPUT } from './graphs';
import type { CnnWeights } from './init';
import { type CnnReferenceOutput, cnnForwardReference } from './reference';

/** Per-epoch record of a training run. */
export interface CnnHistory {
  /** Mean training cross-entropy of each epoch (on augmented batches, batch statistics). */
  readonly loss: readonly number[];
  /** Training accuracy of each epoch (argmax of the training-mode logits of each batch). */
  readonly accuracy: readonly number[];
  /** Validation cross-entropy after each epoch (running statistics); empty without validation data. */
  readonly validationLoss: readonly number[];
  /** Validation accuracy after each epoch; empty without validation data. */
  readonly validationAccuracy: readonly number[];
  /** 1-based epoch whose weights were kept (lowest validation loss, or the last epoch). */
  readonly bestEpoch: number;
}

/** Work and time of a training run. */
export interface CnnTrainingStats {
  /** Wall time of training including validation, in seconds. */
  readonly seconds: number;
  /** Optimizer steps. */
  readonly steps: number;
  /** Training samples processed (epochs × rows). */
  readonly samples: number;
  /** samples / seconds of the training steps alone (excluding validation and augmentation). */
  readonly samplesPerSecond: number;
  /** Effective GFLOP/s of the steps: samples × 3 × forward FLOPs / step seconds (see `CnnFlops`). */
  readonly gflopsPerSecond: number;
  /** Execution provider that ran the steps. */
  readonly provider: string;
}

/** Outputs of `CnnModel.predict`. */
export interface CnnPrediction {
  /** `[n, 2]` softmax probabilities, column 1 = positive class. */
  readonly probabilities: Float32Array;
  /** `[n, D]` embedding (global-average-pooled final feature maps). */
  readonly embedding: Float32Array;
  /** `[n, h, w]` class activation map. */
  readonly cam: Float32Array;
  /** [h, w] of each CAM. */
  readonly camSize: readonly [number, number];
}

/** Options of `CnnModel.predict`. */
export interface CnnPredictOptions extends CnnExportOptions {
  /** onnxruntime intra-op threads (default 1). */
  readonly threads?: number;
  /** Execution providers (default `ORT_PROVIDERS`, else cuda then cpu). */
  readonly providers?: readonly ExecutionProviderName[];
}

/**
 * A trained CNN: architecture, parameters and batch-norm running statistics, with export to ONNX,
 * onnxruntime inference and the TypeScript reference pass.
 */
export class CnnModel {
  readonly architecture: CnnArchitecture;
  readonly plan: CnnPlan;
  readonly weights: CnnWeights;
  readonly history: CnnHistory | undefined;
  readonly stats: CnnTrainingStats | undefined;

  /**
   * @param architecture - The net.
   * @param weights - Parameters and running statistics by name (kept, not copied).
   * @param history - Training record, when trained here.
   * @param stats - Training work and time, when trained here.
   * @throws CnnError `INVALID_OPTION` for a bad architecture, `INVALID_MODEL` for missing or mis-sized tensors.
   */
  constructor(
    architecture: CnnArchitecture,
    weights: CnnWeights,
    history?: CnnHistory,
    stats?: CnnTrainingStats,
  ) {
    this.plan = planCnn(architecture);
    this.architecture = architecture;
    validateWeights(this.plan, weights);
    this.weights = weights;
    this.history = history;
    this.stats = stats;
  }

  /** Multiply-adds and FLOPs per sample. */
  get flops(): CnnFlops {
    return countCnnFlops(this.plan);
  }

  /**
   * The exported inference graph (`roi` → `probabilities`, `embedding`, `cam`).
   *
   * @param options - CAM size and metadata.
   * @returns ONNX bytes.
   */
  toOnnx(options: CnnExportOptions = {}): Uint8Array {
    return buildCnnInferenceGraph(this.plan, this.weights, options);
  }

  /**
   * Runs the exported graph with onnxruntime on a batch of ROIs.
   *
   * @param images - `[n, 1, H, W]` row-major.
   * @param options - CAM size, threads, providers.
   * @returns Probabilities, embeddings and CAMs.
   * @throws CnnError `INVALID_DATA` when the length is not a multiple of H·W.
   */
  async predict(images: Float32Array, options: CnnPredictOptions = {}): Promise<CnnPrediction> {
    const a = this.architecture;
    const n = sampleCount(images, a);
    const { session } = await createSession(this.toOnnx(options), {
      providers: options.providers,
      intraOpNumThreads: options.threads ?? 1,
    });
    try {
      const out = await session.run({
        [CNN_INPUT.roi]: new Tensor('float32', images, [n, 1, a.inputHeight, a.inputWidth]),
      });
      const cam = out[CNN_OUTPUT.cam];
      return {
        probabilities: out[CNN_OUTPUT.probabilities].data as Float32Array,
        embedding: out[CNN_OUTPUT.embedding].data as Float32Array,
        cam: cam.data as Float32Array,
        camSize: [Number(cam.dims[1]), Number(cam.dims[2])],
      };
    } finally {
      await session.release();
    }
  }

  /**
   * The TypeScript forward pass (slow; for parity checks on a few small ROIs).
   *
   * @param images - `[n, 1, H, W]` row-major.
   * @returns Probabilities, embedding and CAMs in float64.
   * @throws CnnError `INVALID_DATA` when the length is not a multiple of H·W.
   */
  forwardReference(images: Float32Array): CnnReferenceOutput {
    sampleCount(images, this.architecture);
    return cnnForwardReference(this.plan, this.weights, images);
  }
}

/**
 * Number of ROIs in a flat `[n, 1, H, W]` array.
 *
 * @param images - The array.
 * @param a - Architecture (H, W).
 * @returns n ≥ 1.
 * @throws CnnError `INVALID_DATA` when the length is not a positive multiple of H·W.
 */
export function sampleCount(images: Float32Array, a: CnnArchitecture): number {
  const pixels = a.inputHeight * a.inputWidth;
  if (!(images instanceof Float32Array) || images.length === 0 || images.length % pixels !== 0) {
    throw new CnnError(
      'INVALID_DATA',
      `images must be a Float32Array of n × 1 × ${a.inputHeight} × ${a.inputWidth} values, got ${images?.length}`,
    );
  }
  return images.length / pixels;
}

function validateWeights(plan: CnnPlan, weights: CnnWeights): void {
  const check = (
    kind: string,
    record: Readonly<Record<string, Float32Array>>,
    name: string,
    size: number,
  ) => {
    const data = record?.[name];
    if (!(data instanceof Float32Array) || data.length !== size) {
      throw new CnnError(
        'INVALID_MODEL',
        `${kind} '${name}' needs a Float32Array of ${size} values, got ${data ? data.length : 'none'}`,
      );
    }
  };
  for (const p of parameterSpecs(plan))
    check(
      'parameter',
      weights.parameters,
      p.name,
      p.shape.reduce((a, b) => a * b, 1),
    );
  for (const b of bufferSpecs(plan)) check('running statistic', weights.buffers, b.name, b.shape[0]);
}
