import { type ExecutionProviderName, GraphTrainer, type OptimizerConfig, Tensor } from '@calcscope/onnx';
import { SeededRandom } from '../core/random';
import { type CnnArchitecture, planCnn, referenceResNet } from './architecture';
import { type CnnFlops, countCnnFlops } from './flops';
import { buildCnnTrainingStep, CNN_INPUT } from './graphs';
import { initCnnWeights } from './init';

/** Settings of `benchmarkCnnTraining`. */
export interface CnnBenchmarkOptions {
  /** The net (default `referenceResNet(64)`). */
  readonly architecture?: CnnArchitecture;
  /** ROIs per step (default 32). */
  readonly batchSize?: number;
  /** Timed steps (default 20). */
  readonly steps?: number;
  /** Untimed steps first (default 3: session warm-up, memory arena growth). */
  readonly warmup?: number;
  /** onnxruntime intra-op threads (default 1). */
  readonly threads?: number;
  /** Let idle intra-op threads spin (default onnxruntime's, true). */
  readonly allowSpinning?: boolean;
  /** Update rule (default SGD with momentum 0.9 and weight decay 1e-4). */
  readonly optimizer?: OptimizerConfig;
  /** Execution providers (default `ORT_PROVIDERS`, else cuda then cpu). */
  readonly providers?: readonly ExecutionProviderName[];
}

/** Measured training speed. */
export interface CnnBenchmarkResult {
  readonly batchSize: number;
  readonly steps: number;
  readonly threads: number;
  readonly allowSpinning: boolean;
  readonly provider: string;
  /** Arithmetic per sample (forward; training = 3 × forward). */
  readonly flops: CnnFlops;
  /** Median wall time of one step (forward + backward + update), in ms. */
  readonly medianMs: number;
  /** Fastest step, in ms. */
  readonly minMs: number;
  /** CPU time of this process per step (all threads), in ms: the work, independent of other load. */
  readonly cpuMs: number;
  /** batchSize / median step time. */
  readonly samplesPerSecond: number;
  /** samplesPerSecond × trainingFlops, in GFLOP/s. */
  readonly gflopsPerSecond: number;
}

/**
 * Times training steps of the CNN on random ROIs (uniform [0, 1), random one-hot targets), each step one
 * onnxruntime run of the training graph `trainCnn` uses (symbolic batch, forward + backward + update).
 *
 * @param options - Net, batch, steps, threads, spinning, optimizer, providers.
 * @returns Median and minimum step times, CPU time, samples/s and effective GFLOP/s.
 */
export async function benchmarkCnnTraining(options: CnnBenchmarkOptions = {}): Promise<CnnBenchmarkResult> {
  const plan = planCnn(options.architecture ?? referenceResNet(64));
  const a = plan.architecture;
  const batch = options.batchSize ?? 32;
  const steps = options.steps ?? 20;
  const threads = options.threads ?? 1;
  const random = new SeededRandom(1);
  const weights = initCnnWeights(plan, random);
  const step = buildCnnTrainingStep(
    plan,
    'N',
    options.optimizer ?? { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 },
  );
  const trainer = await GraphTrainer.create(step.bytes, step.signature, weights.parameters, {
    providers: options.providers,
    intraOpNumThreads: threads,
    allowSpinning: options.allowSpinning,
  });
  const images = new Float32Array(batch * a.inputHeight * a.inputWidth);
  for (let i = 0; i < images.length; i++) images[i] = random.next();
  const targets = new Float32Array(batch * 2);
  for (let r = 0; r < batch; r++) targets[2 * r + (random.next() < 0.5 ? 0 : 1)] = 1;
  const feeds = {
    [CNN_INPUT.roi]: new Tensor('float32', images, [batch, 1, a.inputHeight, a.inputWidth]),
    [CNN_INPUT.target]: new Tensor('float32', targets, [batch, 2]),
  };
  const times: number[] = [];
  let cpu: NodeJS.CpuUsage;
  try {
    for (let i = 0; i < (options.warmup ?? 3); i++) await trainer.step(feeds, 1e-3);
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await trainer.step(feeds, 1e-3);
      times.push(performance.now() - t0);
    }
    cpu = process.cpuUsage(cpuStart);
  } finally {
    await trainer.release();
  }
  const sorted = [...times].sort((x, y) => x - y);
  const medianMs = sorted[Math.floor(sorted.length / 2)];
  const flops = countCnnFlops(plan);
  const samplesPerSecond = (batch * 1000) / medianMs;
  return {
    batchSize: batch,
    steps,
    threads,
    allowSpinning: options.allowSpinning ?? true,
    provider: trainer.provider,
    flops,
    medianMs,
    minMs: sorted[0],
    cpuMs: (cpu.user + cpu.system) / 1000 / steps,
    samplesPerSecond,
    gflopsPerSecond: (samplesPerSecond * flops.trainingFlops) / 1e9,
  };
}
