import {
  createSession,
  type ExecutionProviderName,
  GraphTrainer,
  type InferenceSession,
  type OptimizerConfig,
  Tensor,
} from '@calcscope/onnx';
import { SeededRandom } from '../core/random';
import {
  bufferSpecs,
  type CnnArchitecture,
  type CnnPlan,
  parameterSpecs,
  planCnn,
  referenceResNet,
} from './architecture';
import {
  type AugmentationHook,
  type AugmentationOptions,
  augmentBatch,
  resolveAugmentation,
} from './augment';
import { CnnError } from './errors';
import { countCnnFlops } from './flops';
import {
  type BatchStatisticsOutput,
  buildCnnEvaluator,
  buildCnnTrainingStep,
  CNN_INPUT,
  CNN_OUTPUT_LOGITS,
} from './graphs';
import { type CnnWeights, initCnnWeights } from './init';
import { CnnModel, sampleCount } from './model';

/** Progress after one epoch. */
export interface CnnProgress {
  /** 1-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** Mean training cross-entropy of the epoch. */
  readonly loss: number;
  /** Training accuracy of the epoch (training-mode logits of the augmented batches). */
  readonly accuracy: number;
  /** Validation cross-entropy (with validation data). */
  readonly validationLoss?: number;
  /** Validation accuracy (with validation data). */
  readonly validationAccuracy?: number;
  /** Wall time since training started, in seconds. */
  readonly seconds: number;
}

/** Progress after one optimizer step. */
export interface CnnStepProgress {
  readonly epoch: number;
  /** 1-based step within the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Minibatch loss before the update. */
  readonly loss: number;
  /** Learning rate of the step. */
  readonly learningRate: number;
}

/** Labelled ROIs. */
export interface CnnDataset {
  /** `[n, 1, H, W]` row-major. */
  readonly images: Float32Array;
  /** n labels, 0 or 1. */
  readonly labels: ArrayLike<number>;
}

/** Settings of `trainCnn`; every field has a default. */
export interface CnnTrainOptions {
  /** The net (default `referenceResNet(64)`). */
  readonly architecture?: CnnArchitecture;
  /** Passes over the training data (default 20). */
  readonly epochs?: number;
  /** ROIs per step (default 32); the data is cut into ⌈n/batch⌉ batches of near-equal size. */
  readonly batchSize?: number;
  /** Update rule (default `'adam'`). */
  readonly optimizer?: 'adam' | 'sgd';
  /** Peak learning rate (default 1e-3 for Adam, 0.05 for SGD). */
  readonly learningRate?: number;
  /** `'cosine'` (default): lr·½(1 + cos(π·t/T)) over the T steps; `'constant'`. */
  readonly schedule?: 'cosine' | 'constant';
  /** SGD momentum (default 0.9; ignored by Adam). */
  readonly momentum?: number;
  /** L2 weight decay on every parameter (default 1e-4). */
  readonly weightDecay?: number;
  /** Weight α of the newest batch in the BN running averages (default 0.1). */
  readonly batchNormMomentum?: number;
  /** Seed of the initial weights, shuffling and augmentation (default 0). */
  readonly seed?: number;
  /** Built-in augmentation (default: flips, rotations, contrast 0.1, brightness 0.05); false disables it. */
  readonly augmentation?: AugmentationOptions | false;
  /** Extra in-place transformation of each training batch, after the built-in ones. */
  readonly augment?: AugmentationHook;
  /** Held-out data evaluated after every epoch. */
  readonly validation?: CnnDataset;
  /** Keep the weights of the epoch with the lowest validation loss (default true with validation data). */
  readonly restoreBest?: boolean;
  /** onnxruntime intra-op threads (default 1). */
  readonly threads?: number;
  /** Let idle onnxruntime threads spin (default: onnxruntime's, true); false suits shared machines. */
  readonly allowSpinning?: boolean;
  /** Execution providers (default `ORT_PROVIDERS`, else cuda then cpu). */
  readonly providers?: readonly ExecutionProviderName[];
  /** Called after every epoch. */
  readonly onProgress?: (progress: CnnProgress) => void;
  /** Called after every optimizer step. */
  readonly onStep?: (progress: CnnStepProgress) => void;
}

type Resolved = Required<
  Omit<
    CnnTrainOptions,
    'validation' | 'augment' | 'augmentation' | 'providers' | 'onProgress' | 'onStep' | 'allowSpinning'
  >
> &
  Pick<
    CnnTrainOptions,
    'validation' | 'augment' | 'providers' | 'onProgress' | 'onStep' | 'allowSpinning'
  > & {
    augmentation: Required<AugmentationOptions>;
  };

/**
 * Trains the CNN with onnxruntime: each step is one run of a graph holding the forward pass (batch
 * statistics), softmax cross-entropy, the backward pass and the optimizer update (SGD with momentum or Adam,
 * L2 weight decay). Batch-norm running statistics are exponential averages of the batch statistics the step
 * reports (unbiased variance). Initial weights, shuffling and augmentation come from one seeded PRNG in
 * TypeScript, so a seed gives bit-identical weights on one machine and thread count.
 *
 * @param images - `[n, 1, H, W]` row-major, H×W as in the architecture.
 * @param labels - n labels, 0 or 1.
 * @param options - Architecture, schedule, optimizer, seed, augmentation, validation, threads, callbacks.
 * @returns The trained model with its history and statistics.
 * @throws CnnError `INVALID_DATA` for malformed data, `INVALID_OPTION` for out-of-range options.
 */
export async function trainCnn(
  images: Float32Array,
  labels: ArrayLike<number>,
  options: CnnTrainOptions = {},
): Promise<CnnModel> {
  const o = resolveOptions(options);
  const plan = planCnn(o.architecture);
  const n = validateDataset(plan, { images, labels }, 'training');
  if (o.validation) validateDataset(plan, o.validation, 'validation');
  const random = new SeededRandom(o.seed);
  const weights = initCnnWeights(plan, random);
  const optimizer: OptimizerConfig =
    o.optimizer === 'adam'
      ? { kind: 'adam', weightDecay: o.weightDecay }
      : { kind: 'sgd', momentum: o.momentum, weightDecay: o.weightDecay };
  const step = buildCnnTrainingStep(plan, 'N', optimizer);
  const sessionOptions = {
    providers: o.providers,
    intraOpNumThreads: o.threads,
    allowSpinning: o.allowSpinning,
  };
  const trainer = await GraphTrainer.create(step.bytes, step.signature, weights.parameters, sessionOptions);
  const evaluator = o.validation
    ? (await createSession(buildCnnEvaluator(plan), sessionOptions)).session
    : undefined;

  const a = plan.architecture;
  const pixels = a.inputHeight * a.inputWidth;
  const batches = batchSizes(n, o.batchSize);
  const totalSteps = o.epochs * batches.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batchImages = new Float32Array(batches[0] * pixels);
  const batchTargets = new Float32Array(batches[0] * 2);
  const scratch = new Float32Array(pixels);
  const history = {
    loss: [] as number[],
    accuracy: [] as number[],
    validationLoss: [] as number[],
    validationAccuracy: [] as number[],
  };
  let best = {
    loss: Number.POSITIVE_INFINITY,
    epoch: 0,
    weights: snapshot(trainer.parameters(), weights.buffers),
  };
  const started = performance.now();
  let stepSeconds = 0;
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      random.shuffle(order);
      let lossSum = 0;
      let correct = 0;
      let start = 0;
      for (let b = 0; b < batches.length; b++) {
        const rows = batches[b];
        fillBatch(images, labels, order, start, rows, pixels, batchImages, batchTargets);
        const x = batchImages.subarray(0, rows * pixels);
        augmentBatch(x, rows, a.inputHeight, a.inputWidth, o.augmentation, random, scratch);
        o.augment?.(x, rows, a.inputHeight, a.inputWidth, random);
        const learningRate = scheduledRate(o, steps, totalSteps);
        const t0 = performance.now();
        const result = await trainer.stepWithOutputs(
          {
            [CNN_INPUT.roi]: new Tensor('float32', x, [rows, 1, a.inputHeight, a.inputWidth]),
            [CNN_INPUT.target]: new Tensor('float32', batchTargets.subarray(0, rows * 2), [rows, 2]),
          },
          learningRate,
        );
        stepSeconds += (performance.now() - t0) / 1000;
        steps++;
        updateRunningStatistics(weights.buffers, step.statistics, result.outputs, rows, o.batchNormMomentum);
        correct += countCorrect(result.outputs[CNN_OUTPUT_LOGITS].data as Float32Array, batchTargets, rows);
        lossSum += rows * result.loss;
        o.onStep?.({ epoch, step: b + 1, stepsPerEpoch: batches.length, loss: result.loss, learningRate });
        start += rows;
      }
      history.loss.push(lossSum / n);
      history.accuracy.push(correct / n);
      let validation: { loss: number; accuracy: number } | undefined;
      if (evaluator && o.validation) {
        validation = await evaluate(evaluator, plan, trainer.parameters(), weights.buffers, o.validation);
        history.validationLoss.push(validation.loss);
        history.validationAccuracy.push(validation.accuracy);
      }
      const score = validation && o.restoreBest ? validation.loss : Number.NEGATIVE_INFINITY;
      if (score < best.loss || !(validation && o.restoreBest)) {
        best = { loss: score, epoch, weights: snapshot(trainer.parameters(), weights.buffers) };
      }
      o.onProgress?.({
        epoch,
        epochs: o.epochs,
        loss: lossSum / n,
        accuracy: correct / n,
        validationLoss: validation?.loss,
        validationAccuracy: validation?.accuracy,
        seconds: (performance.now() - started) / 1000,
      });
    }
  } finally {
    await trainer.release();
    await evaluator?.release();
  }
  const samples = o.epochs * n;
  const flops = countCnnFlops(plan);
  return new CnnModel(
    o.architecture,
    best.weights,
    { ...history, bestEpoch: best.epoch },
    {
      seconds: (performance.now() - started) / 1000,
      steps,
      samples,
      samplesPerSecond: samples / stepSeconds,
      gflopsPerSecond: (samples * flops.trainingFlops) / stepSeconds / 1e9,
      provider: trainer.provider,
    },
  );
}

/**
 * Sizes of the batches of one epoch: ⌈n / batch⌉ batches whose sizes differ by at most one, so no sample
 * is dropped and no batch is tiny (batch statistics of a handful of ROIs are noisy).
 *
 * @param n - Samples.
 * @param batch - Largest batch.
 * @returns Batch sizes, largest first.
 */
export function batchSizes(n: number, batch: number): number[] {
  const count = Math.ceil(n / batch);
  const base = Math.floor(n / count);
  const extra = n - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

function scheduledRate(o: Resolved, step: number, total: number): number {
  if (o.schedule === 'constant') return o.learningRate;
  return o.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / total));
}

function fillBatch(
  images: Float32Array,
  labels: ArrayLike<number>,
  order: Int32Array,
  start: number,
  rows: number,
  pixels: number,
  outImages: Float32Array,
  outTargets: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const index = order[start + r];
    outImages.set(images.subarray(index * pixels, (index + 1) * pixels), r * pixels);
    const label = labels[index];
    outTargets[2 * r] = label === 0 ? 1 : 0;
    outTargets[2 * r + 1] = label === 1 ? 1 : 0;
  }
}

function countCorrect(logits: Float32Array, targets: Float32Array, rows: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const predicted = logits[2 * r + 1] > logits[2 * r] ? 1 : 0;
    if (targets[2 * r + predicted] === 1) correct++;
  }
  return correct;
}

/**
 * running ← (1 − α)·running + α·batch for means, and the same with the unbiased batch variance
 * σ²·m/(m − 1), m = rows·h·w values per channel.
 */
function updateRunningStatistics(
  buffers: Record<string, Float32Array>,
  outputs: readonly BatchStatisticsOutput[],
  results: Readonly<Record<string, Tensor>>,
  rows: number,
  alpha: number,
): void {
  for (const s of outputs) {
    const mean = results[s.mean].data as Float32Array;
    const variance = results[s.variance].data as Float32Array;
    const runningMean = buffers[`${s.name}.bn.mean`];
    const runningVariance = buffers[`${s.name}.bn.var`];
    const m = rows * s.countPerSample;
    const unbias = m > 1 ? m / (m - 1) : 1;
    for (let c = 0; c < mean.length; c++) {
      runningMean[c] = (1 - alpha) * runningMean[c] + alpha * mean[c];
      runningVariance[c] = (1 - alpha) * runningVariance[c] + alpha * variance[c] * unbias;
    }
  }
}

function snapshot(
  parameters: Record<string, Float32Array>,
  buffers: Record<string, Float32Array>,
): CnnWeights {
  const copy = (record: Record<string, Float32Array>) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.slice()]));
  return { parameters: copy(parameters), buffers: copy(buffers) };
}

async function evaluate(
  session: InferenceSession,
  plan: CnnPlan,
  parameters: Record<string, Float32Array>,
  buffers: Record<string, Float32Array>,
  data: CnnDataset,
): Promise<{ loss: number; accuracy: number }> {
  const a = plan.architecture;
  const pixels = a.inputHeight * a.inputWidth;
  const n = data.labels.length;
  const feeds: Record<string, Tensor> = {};
  for (const p of parameterSpecs(plan))
    feeds[p.name] = new Tensor('float32', parameters[p.name], [...p.shape]);
  for (const b of bufferSpecs(plan)) feeds[b.name] = new Tensor('float32', buffers[b.name], b.shape);
  let loss = 0;
  let correct = 0;
  const chunk = 256;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    feeds[CNN_INPUT.roi] = new Tensor(
      'float32',
      data.images.subarray(start * pixels, (start + rows) * pixels),
      [rows, 1, a.inputHeight, a.inputWidth],
    );
    const p = (await session.run(feeds)).probabilities.data as Float32Array;
    for (let r = 0; r < rows; r++) {
      const label = data.labels[start + r];
      loss -= Math.log(Math.max(p[2 * r + label], 1e-12));
      if ((p[2 * r + 1] > p[2 * r] ? 1 : 0) === label) correct++;
    }
  }
  return { loss: loss / n, accuracy: correct / n };
}

function resolveOptions(options: CnnTrainOptions): Resolved {
  const optimizer = options.optimizer ?? 'adam';
  const resolved: Resolved = {
    architecture: options.architecture ?? referenceResNet(64),
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 32,
    optimizer,
    learningRate: options.learningRate ?? (optimizer === 'adam' ? 1e-3 : 0.05),
    schedule: options.schedule ?? 'cosine',
    momentum: options.momentum ?? 0.9,
    weightDecay: options.weightDecay ?? 1e-4,
    batchNormMomentum: options.batchNormMomentum ?? 0.1,
    seed: options.seed ?? 0,
    augmentation: resolveAugmentation(options.augmentation),
    augment: options.augment,
    validation: options.validation,
    restoreBest: options.restoreBest ?? options.validation !== undefined,
    threads: options.threads ?? 1,
    allowSpinning: options.allowSpinning,
    providers: options.providers,
    onProgress: options.onProgress,
    onStep: options.onStep,
  };
  const bad = (message: string) => new CnnError('INVALID_OPTION', message);
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!positiveInt(resolved.epochs)) throw bad(`epochs must be a positive integer, got ${resolved.epochs}`);
  if (!positiveInt(resolved.batchSize) || resolved.batchSize < 2)
    throw bad(`batchSize must be an integer ≥ 2, got ${resolved.batchSize}`);
  if (!(resolved.learningRate > 0 && Number.isFinite(resolved.learningRate)))
    throw bad('learningRate must be > 0');
  if (!(resolved.momentum >= 0 && resolved.momentum < 1)) throw bad('momentum must be in [0, 1)');
  if (!(resolved.weightDecay >= 0)) throw bad('weightDecay must be ≥ 0');
  if (!(resolved.batchNormMomentum > 0 && resolved.batchNormMomentum <= 1))
    throw bad('batchNormMomentum must be in (0, 1]');
  if (!Number.isInteger(resolved.threads) || resolved.threads < 0)
    throw bad('threads must be a non-negative integer');
  if (resolved.schedule !== 'cosine' && resolved.schedule !== 'constant')
    throw bad(`unknown schedule '${resolved.schedule}'`);
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw bad(`unknown optimizer '${optimizer}'`);
  return resolved;
}

function validateDataset(plan: CnnPlan, data: CnnDataset, what: string): number {
  const n = sampleCount(data.images, plan.architecture);
  if (data.labels.length !== n) {
    throw new CnnError('INVALID_DATA', `${what}: ${n} images but ${data.labels.length} labels`);
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const label = data.labels[i];
    if (label !== 0 && label !== 1)
      throw new CnnError('INVALID_DATA', `${what}: label ${i} is ${label}, not 0 or 1`);
    positives += label;
  }
  for (let i = 0; i < data.images.length; i++) {
    if (!Number.isFinite(data.images[i]))
      throw new CnnError('INVALID_DATA', `${what}: pixel ${i} is not finite`);
  }
  if (what === 'training' && (positives === 0 || positives === n)) {
    throw new CnnError('INVALID_DATA', 'training: both classes are needed');
  }
  return n;
}
