import {
  createSession,
  type ExecutionProviderName,
  GraphTrainer,
  type InferenceSession,
  type OptimizerConfig,
  Tensor,
} from '@calcscope/onnx';
import { SeededRandom } from '../core/random';
import { fitStandardizer } from '../core/standardize';
import { SaeError } from './errors';
import {
  buildEncoder,
  buildFinetuneStep,
  buildPretrainStep,
  buildStackEvaluator,
  CLASSIFIER,
  DECODER,
  encoderNames,
  SAE_INPUT,
} from './graphs';
import { type SaeDenseLayer, type SaeHistory, SaeModel } from './model';
import { standardiseRows } from './standardiser';

/** Progress of one finished epoch. */
export interface SaeProgress {
  readonly stage: 'pretrain' | 'finetune';
  /** Encoder layer being pretrained (0-based); undefined while fine-tuning. */
  readonly layer?: number;
  /** 1-based epoch within the stage (or layer). */
  readonly epoch: number;
  /** Epochs planned for the stage. */
  readonly epochs: number;
  /** Mean training loss of the epoch. */
  readonly loss: number;
  /** Validation cross-entropy (fine-tuning with a validation fold only). */
  readonly validationLoss?: number;
}

/** Settings of `trainSae`; every field has a default. */
export interface SaeTrainOptions {
  /** Hidden layer widths (default [400, 400], the paper's combined-scenario architecture). */
  readonly hidden?: readonly number[];
  /** Masking-noise fraction: share of layer inputs zeroed during pretraining, in [0, 1) (default 0.2). */
  readonly noise?: number;
  /** Pretraining epochs per layer (default 100; 0 skips pretraining). */
  readonly pretrainEpochs?: number;
  /** Maximum fine-tuning epochs (default 100). */
  readonly finetuneEpochs?: number;
  /** Minibatch rows (default 100). */
  readonly batchSize?: number;
  /** Learning rate of fine-tuning (default 1e-3 for Adam, use ~0.1 for SGD). */
  readonly learningRate?: number;
  /** Learning rate of pretraining (default `learningRate`). */
  readonly pretrainLearningRate?: number;
  /** Update rule (default 'adam'). */
  readonly optimizer?: 'adam' | 'sgd';
  /** SGD momentum (default 0.9; ignored by Adam). */
  readonly momentum?: number;
  /** L2 weight decay (default 0). */
  readonly weightDecay?: number;
  /** Seed of weight init, validation split, shuffling and noise masks (default 0). */
  readonly seed?: number;
  /** Share of each class held out for early stopping, in [0, 0.5] (default 0.1; 0 disables early stopping). */
  readonly validationFraction?: number;
  /** Fine-tuning epochs without a validation-loss improvement before stopping (default 20). */
  readonly patience?: number;
  /**
   * onnxruntime intra-op threads (default 1: on the shared 2-core machine one thread per training process
   * measured fastest, 1.8 ms vs 3.9 ms per 400-400 pretraining step with two; 0 = onnxruntime's choice).
   */
  readonly threads?: number;
  /** Execution providers to try (default `ORT_PROVIDERS`, else cuda then cpu). */
  readonly providers?: readonly ExecutionProviderName[];
  /** Called after every epoch. */
  readonly onProgress?: (progress: SaeProgress) => void;
}

type ResolvedOptions = Required<
  Omit<SaeTrainOptions, 'threads' | 'providers' | 'onProgress' | 'pretrainLearningRate'>
> &
  Pick<SaeTrainOptions, 'threads' | 'providers' | 'onProgress'> & { pretrainLearningRate: number };

/**
 * Trains the stacked denoising autoencoder classifier of Wang et al. 2016: greedy layer-wise pretraining
 * of sigmoid denoising autoencoders (masking noise, squared-error reconstruction; layer 1 has a linear
 * decoder because standardised inputs are unbounded, deeper layers a sigmoid decoder; untied weights), a
 * softmax layer on top, then supervised fine-tuning of the whole stack with cross-entropy and early
 * stopping on a stratified validation fold. Pretraining and fine-tuning use the non-validation rows. Every
 * training step is one onnxruntime run of a graph holding forward pass, backward pass and optimizer update.
 * Deterministic for a seed on a given machine and thread count (noise masks, shuffles and initial weights
 * come from one seeded PRNG in TypeScript).
 *
 * @param x - Row-major n × F raw feature values (standardisation is learned from the non-validation rows).
 * @param y - n labels, 0 (benign) or 1 (malignant).
 * @param nFeatures - F.
 * @param options - Architecture, noise, epochs, optimizer, seed, validation fold, threads, progress.
 * @returns The trained model with its loss history and training statistics.
 * @throws SaeError `INVALID_DATA` for malformed data, `INVALID_OPTION` for out-of-range options.
 */
export async function trainSae(
  x: Float32Array | Float64Array,
  y: Int32Array | Uint8Array,
  nFeatures: number,
  options: SaeTrainOptions = {},
): Promise<SaeModel> {
  const o = resolveOptions(options);
  const n = validateData(x, y, nFeatures);
  const rng = new SeededRandom(o.seed);
  const { fitRows, validationRows } = stratifiedSplit(y, n, o.validationFraction, rng);
  const fitted = fitStandardizer({ rows: n, cols: nFeatures, data: x }, fitRows);
  const standardiser = { mean: Float32Array.from(fitted.mean), std: Float32Array.from(fitted.scale) };
  const fitX = standardiseRows(x, nFeatures, fitRows, standardiser);
  const fitY = Uint8Array.from(fitRows, (r) => y[r]);
  const sizes = [nFeatures, ...o.hidden];
  const encoders = sizes
    .slice(1)
    .map((out, k) => initLayer(sizes[k], out, 4 * Math.sqrt(6 / (sizes[k] + out)), rng));
  const classifier = initLayer(sizes[sizes.length - 1], 2, Math.sqrt(6 / (sizes[sizes.length - 1] + 2)), rng);
  const optimizer: OptimizerConfig =
    o.optimizer === 'adam'
      ? { kind: 'adam', weightDecay: o.weightDecay }
      : { kind: 'sgd', momentum: o.momentum, weightDecay: o.weightDecay };
  const counter = { flops: 0, steps: 0, provider: 'cpu' };

  const t0 = performance.now();
  const pretrainLoss: number[][] = [];
  let layerInput = fitX;
  for (let k = 0; k < encoders.length && o.pretrainEpochs > 0; k++) {
    const trained = await pretrainLayer(
      layerInput,
      sizes[k],
      encoders[k],
      k === 0 ? 'linear' : 'sigmoid',
      k,
      o,
      optimizer,
      rng,
      counter,
    );
    encoders[k] = trained.encoder;
    pretrainLoss.push(trained.losses);
    if (k + 1 < encoders.length) layerInput = await encode(layerInput, sizes[k], encoders[k], o, counter);
  }
  const t1 = performance.now();

  const validationX = standardiseRows(x, nFeatures, validationRows, standardiser);
  const validationY = Uint8Array.from(validationRows, (r) => y[r]);
  const finetuned = await finetune(
    fitX,
    fitY,
    validationX,
    validationY,
    sizes,
    encoders,
    classifier,
    o,
    optimizer,
    rng,
    counter,
  );
  const t2 = performance.now();

  const history: SaeHistory = { pretrainLoss, ...finetuned.history };
  return new SaeModel(
    { nFeatures, hidden: [...o.hidden], mean: standardiser.mean, std: standardiser.std, ...finetuned.layers },
    history,
    {
      gemmFlops: counter.flops,
      pretrainSeconds: (t1 - t0) / 1000,
      finetuneSeconds: (t2 - t1) / 1000,
      steps: counter.steps,
      provider: counter.provider,
    },
  );
}

interface Counter {
  flops: number;
  steps: number;
  provider: string;
}

/** Minibatch buffers reused across steps, one set per distinct batch size. */
class BatchBuffers {
  private readonly cache = new Map<number, { x: Float32Array; mask: Float32Array; target: Float32Array }>();

  constructor(private readonly width: number) {}

  get(rows: number): { x: Float32Array; mask: Float32Array; target: Float32Array } {
    let b = this.cache.get(rows);
    if (!b) {
      b = {
        x: new Float32Array(rows * this.width),
        mask: new Float32Array(rows * this.width),
        target: new Float32Array(rows * 2),
      };
      this.cache.set(rows, b);
    }
    return b;
  }
}

/** Copies rows `order[start..start+rows)` of a row-major matrix into `out`. */
function gatherRows(
  source: Float32Array,
  width: number,
  order: Int32Array,
  start: number,
  rows: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const from = order[start + r] * width;
    out.set(source.subarray(from, from + width), r * width);
  }
}

async function pretrainLayer(
  input: Float32Array,
  width: number,
  encoder: SaeDenseLayer,
  decoder: 'linear' | 'sigmoid',
  layer: number,
  o: ResolvedOptions,
  optimizer: OptimizerConfig,
  rng: SeededRandom,
  counter: Counter,
): Promise<{ encoder: SaeDenseLayer; losses: number[] }> {
  const hidden = encoder.bias.length;
  const masked = o.noise > 0;
  const step = buildPretrainStep(width, hidden, decoder, masked, optimizer);
  const decoderInit = initLayer(hidden, width, 4 * Math.sqrt(6 / (hidden + width)), rng);
  const enc = encoderNames(0);
  const trainer = await GraphTrainer.create(
    step.bytes,
    step.signature,
    {
      [enc.weight]: encoder.weight,
      [enc.bias]: encoder.bias,
      [DECODER.weight]: decoderInit.weight,
      [DECODER.bias]: decoderInit.bias,
    },
    { providers: o.providers, intraOpNumThreads: o.threads },
  );
  counter.provider = trainer.provider;
  const n = input.length / width;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const buffers = new BatchBuffers(width);
  const losses: number[] = [];
  try {
    for (let epoch = 1; epoch <= o.pretrainEpochs; epoch++) {
      rng.shuffle(order);
      let total = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const rows = Math.min(o.batchSize, n - start);
        const b = buffers.get(rows);
        gatherRows(input, width, order, start, rows, b.x);
        const feeds: Record<string, Tensor> = { [SAE_INPUT.x]: new Tensor('float32', b.x, [rows, width]) };
        if (masked)
          feeds[SAE_INPUT.keepMask] = new Tensor('float32', rng.fillKeepMask(b.mask, o.noise), [rows, width]);
        total += rows * (await trainer.step(feeds, o.pretrainLearningRate));
        // Encoder and decoder forward (2 products), decoder weight and code gradients, encoder weight gradient.
        counter.flops += 10 * rows * width * hidden;
        counter.steps++;
      }
      losses.push(total / n);
      o.onProgress?.({ stage: 'pretrain', layer, epoch, epochs: o.pretrainEpochs, loss: total / n });
    }
    const p = trainer.parameters();
    return { encoder: { weight: p[enc.weight].slice(), bias: p[enc.bias].slice() }, losses };
  } finally {
    await trainer.release();
  }
}

async function encode(
  input: Float32Array,
  width: number,
  encoder: SaeDenseLayer,
  o: ResolvedOptions,
  counter: Counter,
): Promise<Float32Array> {
  const hidden = encoder.bias.length;
  const n = input.length / width;
  const { session } = await createSession(buildEncoder(width, hidden), {
    providers: o.providers,
    intraOpNumThreads: o.threads,
  });
  try {
    const enc = encoderNames(0);
    const out = await session.run({
      [SAE_INPUT.x]: new Tensor('float32', input, [n, width]),
      [enc.weight]: new Tensor('float32', encoder.weight, [width, hidden]),
      [enc.bias]: new Tensor('float32', encoder.bias, [hidden]),
    });
    counter.flops += 2 * n * width * hidden;
    return out.code.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function finetune(
  fitX: Float32Array,
  fitY: Uint8Array,
  validationX: Float32Array,
  validationY: Uint8Array,
  sizes: readonly number[],
  encoders: readonly SaeDenseLayer[],
  classifier: SaeDenseLayer,
  o: ResolvedOptions,
  optimizer: OptimizerConfig,
  rng: SeededRandom,
  counter: Counter,
): Promise<{
  layers: { encoders: SaeDenseLayer[]; classifier: SaeDenseLayer };
  history: Omit<SaeHistory, 'pretrainLoss'>;
}> {
  const width = sizes[0];
  const step = buildFinetuneStep(sizes, optimizer);
  const initial: Record<string, Float32Array> = {};
  encoders.forEach((layer, k) => {
    initial[encoderNames(k).weight] = layer.weight;
    initial[encoderNames(k).bias] = layer.bias;
  });
  initial[CLASSIFIER.weight] = classifier.weight;
  initial[CLASSIFIER.bias] = classifier.bias;
  const sessionOptions = { providers: o.providers, intraOpNumThreads: o.threads };
  const trainer = await GraphTrainer.create(step.bytes, step.signature, initial, sessionOptions);
  counter.provider = trainer.provider;
  const nVal = validationY.length;
  const evaluator =
    nVal > 0 ? (await createSession(buildStackEvaluator(sizes), sessionOptions)).session : undefined;
  const layerFlops = sizes.map((s, k) => s * (k + 1 < sizes.length ? sizes[k + 1] : 2));
  // Per row: forward 2·in·out per layer, weight gradient 2·in·out, input gradient 2·in·out except layer 0.
  const stepFlopsPerRow = layerFlops.reduce((s, f, k) => s + (k === 0 ? 4 : 6) * f, 0);
  const forwardFlopsPerRow = layerFlops.reduce((s, f) => s + 2 * f, 0);

  const n = fitY.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const buffers = new BatchBuffers(width);
  const finetuneLoss: number[] = [];
  const validationLoss: number[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, params: trainer.parameters() };
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= o.finetuneEpochs; epoch++) {
      rng.shuffle(order);
      let total = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const rows = Math.min(o.batchSize, n - start);
        const b = buffers.get(rows);
        gatherRows(fitX, width, order, start, rows, b.x);
        for (let r = 0; r < rows; r++) {
          const label = fitY[order[start + r]];
          b.target[2 * r] = label === 0 ? 1 : 0;
          b.target[2 * r + 1] = label === 1 ? 1 : 0;
        }
        const loss = await trainer.step(
          {
            [SAE_INPUT.x]: new Tensor('float32', b.x, [rows, width]),
            [SAE_INPUT.target]: new Tensor('float32', b.target, [rows, 2]),
          },
          o.learningRate,
        );
        total += rows * loss;
        counter.flops += rows * stepFlopsPerRow;
        counter.steps++;
      }
      finetuneLoss.push(total / n);
      let valLoss: number | undefined;
      if (evaluator) {
        valLoss = await validationCrossEntropy(
          evaluator,
          trainer.parameters(),
          validationX,
          validationY,
          sizes,
        );
        counter.flops += nVal * forwardFlopsPerRow;
        validationLoss.push(valLoss);
        if (valLoss < best.loss) best = { loss: valLoss, epoch, params: trainer.parameters() };
      } else {
        best = { loss: total / n, epoch, params: trainer.parameters() };
      }
      o.onProgress?.({
        stage: 'finetune',
        epoch,
        epochs: o.finetuneEpochs,
        loss: total / n,
        validationLoss: valLoss,
      });
      if (evaluator && epoch - best.epoch >= o.patience) {
        stoppedEarly = epoch < o.finetuneEpochs;
        break;
      }
    }
  } finally {
    await trainer.release();
    await evaluator?.release();
  }
  const p = best.params;
  return {
    layers: {
      encoders: encoders.map((_, k) => ({
        weight: p[encoderNames(k).weight].slice(),
        bias: p[encoderNames(k).bias].slice(),
      })),
      classifier: { weight: p[CLASSIFIER.weight].slice(), bias: p[CLASSIFIER.bias].slice() },
    },
    history: { finetuneLoss, validationLoss, bestEpoch: best.epoch, stoppedEarly },
  };
}

async function validationCrossEntropy(
  evaluator: InferenceSession,
  params: Record<string, Float32Array>,
  x: Float32Array,
  y: Uint8Array,
  sizes: readonly number[],
): Promise<number> {
  const feeds: Record<string, Tensor> = { [SAE_INPUT.x]: new Tensor('float32', x, [y.length, sizes[0]]) };
  for (let k = 0; k + 1 < sizes.length; k++) {
    const names = encoderNames(k);
    feeds[names.weight] = new Tensor('float32', params[names.weight], [sizes[k], sizes[k + 1]]);
    feeds[names.bias] = new Tensor('float32', params[names.bias], [sizes[k + 1]]);
  }
  feeds[CLASSIFIER.weight] = new Tensor('float32', params[CLASSIFIER.weight], [sizes[sizes.length - 1], 2]);
  feeds[CLASSIFIER.bias] = new Tensor('float32', params[CLASSIFIER.bias], [2]);
  const out = await evaluator.run(feeds);
  const p = out.probabilities.data as Float32Array;
  let total = 0;
  for (let r = 0; r < y.length; r++) total -= Math.log(Math.max(p[2 * r + y[r]], 1e-12));
  return total / y.length;
}

/** Uniform(−limit, limit) weights, zero biases. */
function initLayer(inputs: number, outputs: number, limit: number, rng: SeededRandom): SaeDenseLayer {
  return {
    weight: rng.fillUniform(new Float32Array(inputs * outputs), limit),
    bias: new Float32Array(outputs),
  };
}

/**
 * Stratified hold-out: per class, a seeded shuffle puts round(fraction · class size) rows (at least one when
 * the fraction is positive) into the validation fold.
 */
function stratifiedSplit(
  y: ArrayLike<number>,
  n: number,
  fraction: number,
  rng: SeededRandom,
): { fitRows: Int32Array; validationRows: Int32Array } {
  const fit: number[] = [];
  const validation: number[] = [];
  for (const label of [0, 1]) {
    const members = Int32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === label);
    rng.shuffle(members);
    const held = fraction > 0 ? Math.max(1, Math.round(fraction * members.length)) : 0;
    if (held > 0 && members.length - held < 1) {
      throw new SaeError(
        'INVALID_DATA',
        `class ${label} has ${members.length} rows: too few for a validation fold`,
      );
    }
    validation.push(...members.subarray(0, held));
    fit.push(...members.subarray(held));
  }
  return { fitRows: Int32Array.from(fit).sort(), validationRows: Int32Array.from(validation).sort() };
}

function validateData(x: ArrayLike<number>, y: ArrayLike<number>, nFeatures: number): number {
  if (!Number.isInteger(nFeatures) || nFeatures < 1)
    throw new SaeError('INVALID_DATA', `nFeatures must be a positive integer, got ${nFeatures}`);
  if (x.length % nFeatures !== 0)
    throw new SaeError('INVALID_DATA', `feature array length ${x.length} is not a multiple of ${nFeatures}`);
  const n = x.length / nFeatures;
  if (y.length !== n) throw new SaeError('INVALID_DATA', `${y.length} labels for ${n} rows`);
  const counts = [0, 0];
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1)
      throw new SaeError('INVALID_DATA', `label of row ${i} is ${y[i]}, expected 0 or 1`);
    counts[y[i]]++;
  }
  if (counts[0] === 0 || counts[1] === 0) throw new SaeError('INVALID_DATA', 'both classes must be present');
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new SaeError(
        'INVALID_DATA',
        `feature ${i % nFeatures} of row ${Math.floor(i / nFeatures)} is not finite`,
      );
    }
  }
  return n;
}

function resolveOptions(options: SaeTrainOptions): ResolvedOptions {
  const o = {
    hidden: options.hidden ?? [400, 400],
    noise: options.noise ?? 0.2,
    pretrainEpochs: options.pretrainEpochs ?? 100,
    finetuneEpochs: options.finetuneEpochs ?? 100,
    batchSize: options.batchSize ?? 100,
    learningRate: options.learningRate ?? (options.optimizer === 'sgd' ? 0.1 : 1e-3),
    optimizer: options.optimizer ?? 'adam',
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 0,
    seed: options.seed ?? 0,
    validationFraction: options.validationFraction ?? 0.1,
    patience: options.patience ?? 20,
    threads: options.threads ?? 1,
    providers: options.providers,
    onProgress: options.onProgress,
  };
  const bad = (message: string) => {
    throw new SaeError('INVALID_OPTION', message);
  };
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  const nonNegativeInt = (v: number) => Number.isInteger(v) && v >= 0;
  if (o.hidden.length === 0 || !o.hidden.every(positiveInt))
    bad(`hidden must be positive integers, got [${o.hidden.join(', ')}]`);
  if (!(o.noise >= 0 && o.noise < 1)) bad(`noise must be in [0, 1), got ${o.noise}`);
  if (!nonNegativeInt(o.pretrainEpochs))
    bad(`pretrainEpochs must be a non-negative integer, got ${o.pretrainEpochs}`);
  if (!positiveInt(o.finetuneEpochs))
    bad(`finetuneEpochs must be a positive integer, got ${o.finetuneEpochs}`);
  if (!positiveInt(o.batchSize)) bad(`batchSize must be a positive integer, got ${o.batchSize}`);
  const pretrainLearningRate = options.pretrainLearningRate ?? o.learningRate;
  for (const [name, v] of [
    ['learningRate', o.learningRate],
    ['pretrainLearningRate', pretrainLearningRate],
  ] as const) {
    if (!(v > 0 && Number.isFinite(v))) bad(`${name} must be a positive number, got ${v}`);
  }
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd')
    bad(`optimizer must be 'adam' or 'sgd', got ${o.optimizer}`);
  if (!(o.momentum >= 0 && o.momentum < 1)) bad(`momentum must be in [0, 1), got ${o.momentum}`);
  if (!(o.weightDecay >= 0 && Number.isFinite(o.weightDecay)))
    bad(`weightDecay must be ≥ 0, got ${o.weightDecay}`);
  if (!Number.isInteger(o.seed)) bad(`seed must be an integer, got ${o.seed}`);
  if (!(o.validationFraction >= 0 && o.validationFraction <= 0.5))
    bad(`validationFraction must be in [0, 0.5], got ${o.validationFraction}`);
  if (!positiveInt(o.patience)) bad(`patience must be a positive integer, got ${o.patience}`);
  if (o.threads !== undefined && !nonNegativeInt(o.threads))
    bad(`threads must be a non-negative integer, got ${o.threads}`);
  return { ...o, pretrainLearningRate };
}
