import { GraphBuilder, op } from '@calcscope/onnx';
import { SaeError } from './errors';

/** A dense layer: weights row-major [in, out] (y = x·W + b), bias [out]. */
export interface SaeDenseLayer {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** Everything an SAE classifier needs at inference time. */
export interface SaeParameters {
  /** F, number of raw input features. */
  readonly nFeatures: number;
  /** Hidden layer widths [h₁, ..., hₖ]. */
  readonly hidden: readonly number[];
  /** Per-feature mean of the training rows. */
  readonly mean: Float32Array;
  /** Per-feature standard deviation of the training rows (1 for constant features). */
  readonly std: Float32Array;
  /** Sigmoid encoder layers, input first. */
  readonly encoders: readonly SaeDenseLayer[];
  /** Softmax layer [hₖ, 2]; class 1 = malignant. */
  readonly classifier: SaeDenseLayer;
}

/** Losses recorded during training. */
export interface SaeHistory {
  /** Per encoder layer, mean reconstruction loss (½‖x̂ − x‖² per row, on noisy inputs) of each epoch. */
  readonly pretrainLoss: readonly (readonly number[])[];
  /** Mean training cross-entropy of each fine-tuning epoch. */
  readonly finetuneLoss: readonly number[];
  /** Validation cross-entropy after each fine-tuning epoch (empty without a validation fold). */
  readonly validationLoss: readonly number[];
  /** 1-based fine-tuning epoch whose parameters were kept (the last one without a validation fold). */
  readonly bestEpoch: number;
  /** Whether fine-tuning stopped before `finetuneEpochs` because validation loss stopped improving. */
  readonly stoppedEarly: boolean;
}

/** Work and time spent in training. */
export interface SaeTrainingStats {
  /** Floating-point operations of the matrix products of all training and evaluation runs (2·m·n·k each). */
  readonly gemmFlops: number;
  /** Wall time of greedy pretraining, in seconds. */
  readonly pretrainSeconds: number;
  /** Wall time of fine-tuning including validation, in seconds. */
  readonly finetuneSeconds: number;
  /** Optimizer steps taken, all stages. */
  readonly steps: number;
  /** Execution provider that ran the training graphs. */
  readonly provider: string;
}

/**
 * A trained stacked-denoising-autoencoder classifier: standardisation → sigmoid encoders → softmax.
 */
export class SaeModel {
  readonly parameters: SaeParameters;
  readonly history: SaeHistory | undefined;
  readonly stats: SaeTrainingStats | undefined;

  /**
   * @param parameters - Weights and standardiser; arrays are kept, not copied.
   * @param history - Training losses, when trained here.
   * @param stats - Training work and time, when trained here.
   * @throws SaeError `INVALID_MODEL` when array lengths do not match the layer sizes.
   */
  constructor(parameters: SaeParameters, history?: SaeHistory, stats?: SaeTrainingStats) {
    validateParameters(parameters);
    this.parameters = parameters;
    this.history = history;
    this.stats = stats;
  }

  /** Layer widths [F, h₁, ..., hₖ, 2]. */
  get layerSizes(): number[] {
    return [this.parameters.nFeatures, ...this.parameters.hidden, 2];
  }

  /**
   * Class probabilities computed in TypeScript (float64 arithmetic on the float32 weights).
   *
   * @param x - Row-major n × F raw feature values.
   * @returns Row-major n × 2 probabilities; column 1 is malignant.
   * @throws SaeError `INVALID_DATA` when the length is not a multiple of F.
   */
  predictProba(x: ArrayLike<number>): Float64Array {
    const { nFeatures, mean, std, encoders, classifier } = this.parameters;
    if (x.length % nFeatures !== 0) {
      throw new SaeError(
        'INVALID_DATA',
        `feature array length ${x.length} is not a multiple of ${nFeatures}`,
      );
    }
    const n = x.length / nFeatures;
    const widest = Math.max(nFeatures, ...this.parameters.hidden, 2);
    let current = new Float64Array(widest);
    let next = new Float64Array(widest);
    const out = new Float64Array(n * 2);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < nFeatures; j++) current[j] = (x[r * nFeatures + j] - mean[j]) / std[j];
      let width = nFeatures;
      for (const layer of encoders) {
        const outWidth = layer.bias.length;
        denseInto(current, width, layer, next);
        for (let j = 0; j < outWidth; j++) next[j] = 1 / (1 + Math.exp(-next[j]));
        [current, next] = [next, current];
        width = outWidth;
      }
      denseInto(current, width, classifier, next);
      const m = Math.max(next[0], next[1]);
      const e0 = Math.exp(next[0] - m);
      const e1 = Math.exp(next[1] - m);
      out[2 * r] = e0 / (e0 + e1);
      out[2 * r + 1] = e1 / (e0 + e1);
    }
    return out;
  }

  /**
   * Predicted labels (1 = malignant when its probability is larger; ties go to 0, as ONNX ArgMax).
   *
   * @param x - Row-major n × F raw feature values.
   * @returns n labels.
   */
  predict(x: ArrayLike<number>): Uint8Array {
    const p = this.predictProba(x);
    const labels = new Uint8Array(p.length / 2);
    for (let r = 0; r < labels.length; r++) labels[r] = p[2 * r + 1] > p[2 * r] ? 1 : 0;
    return labels;
  }

  /**
   * The inference graph per the tabular model contract: input `features` float32 [N, F] (raw values;
   * standardisation inside), outputs `probabilities` float32 [N, 2] and `label` int64 [N]; dynamic batch,
   * opset 17, standard ops only (Sub, Div, Gemm, Sigmoid, Softmax, ArgMax).
   *
   * @param metadata - Extra metadata properties (e.g. scenario, schema hash); `family` is always `sae`.
   * @returns ONNX model bytes.
   */
  toOnnx(metadata: Readonly<Record<string, string>> = {}): Uint8Array {
    const { nFeatures, mean, std, encoders, classifier, hidden } = this.parameters;
    const g = new GraphBuilder({
      name: 'sae_classifier',
      docString: 'Stacked denoising autoencoder classifier',
    });
    const features = g.input('features', 'float32', ['N', nFeatures]);
    const centred = op.sub(g, features, g.initializer('feature_mean', mean, [nFeatures]));
    let h = op.div(g, centred, g.initializer('feature_std', std, [nFeatures]));
    encoders.forEach((layer, k) => {
      const w = g.initializer(`enc${k}_W`, layer.weight, [
        layer.weight.length / layer.bias.length,
        layer.bias.length,
      ]);
      const b = g.initializer(`enc${k}_b`, layer.bias, [layer.bias.length]);
      h = op.sigmoid(g, op.gemm(g, h, w, b));
    });
    const wo = g.initializer('out_W', classifier.weight, [hidden[hidden.length - 1], 2]);
    const bo = g.initializer('out_b', classifier.bias, [2]);
    const probabilities = op.softmax(g, op.gemm(g, h, wo, bo), 1, { name: 'probabilities' });
    g.output(probabilities);
    g.output(op.argMax(g, probabilities, 1, { keepdims: false, name: 'label' }));
    for (const [key, value] of Object.entries(metadata)) g.setMetadata(key, value);
    g.setMetadata('family', 'sae');
    g.setMetadata('hidden', hidden.join(','));
    g.setMetadata('n_features', String(nFeatures));
    return g.toBytes();
  }
}

/** out[0..outWidth) = input[0..width)·W + b, accumulated row of W by row of W (contiguous reads). */
function denseInto(input: Float64Array, width: number, layer: SaeDenseLayer, out: Float64Array): void {
  const outWidth = layer.bias.length;
  const w = layer.weight;
  for (let j = 0; j < outWidth; j++) out[j] = layer.bias[j];
  for (let i = 0; i < width; i++) {
    const xi = input[i];
    const row = i * outWidth;
    for (let j = 0; j < outWidth; j++) out[j] += xi * w[row + j];
  }
}

function validateParameters(p: SaeParameters): void {
  const fail = (message: string) => {
    throw new SaeError('INVALID_MODEL', message);
  };
  if (!Number.isInteger(p.nFeatures) || p.nFeatures < 1)
    fail(`nFeatures must be a positive integer, got ${p.nFeatures}`);
  if (p.hidden.length === 0 || p.hidden.length !== p.encoders.length)
    fail('need one encoder per hidden layer, at least one');
  if (p.mean.length !== p.nFeatures || p.std.length !== p.nFeatures)
    fail('mean and std need one value per feature');
  const sizes = [p.nFeatures, ...p.hidden];
  p.encoders.forEach((layer, k) => {
    if (layer.weight.length !== sizes[k] * sizes[k + 1] || layer.bias.length !== sizes[k + 1]) {
      fail(`encoder ${k} must be ${sizes[k]}×${sizes[k + 1]} with ${sizes[k + 1]} biases`);
    }
  });
  const last = sizes[sizes.length - 1];
  if (p.classifier.weight.length !== last * 2 || p.classifier.bias.length !== 2)
    fail(`classifier must be ${last}×2 with 2 biases`);
}
