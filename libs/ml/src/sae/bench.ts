import { SeededRandom } from '../core/random';
import { trainSae } from './train';

/** What the SAE training benchmark measured. */
export interface SaeBenchmarkResult {
  readonly rows: number;
  readonly features: number;
  readonly hidden: readonly number[];
  readonly epochsPerStage: number;
  /** Wall time of `trainSae` (pretraining + fine-tuning, graph building and sessions included), seconds. */
  readonly seconds: number;
  readonly pretrainSeconds: number;
  readonly finetuneSeconds: number;
  /** Matrix-product FLOPs of all training runs. */
  readonly gemmFlops: number;
  /** gemmFlops / seconds / 1e9. */
  readonly gflopsPerSecond: number;
  readonly steps: number;
  readonly provider: string;
}

/** Options of `benchmarkSaeTraining`. */
export interface SaeBenchmarkOptions {
  /** Training rows (default 1,000). */
  readonly rows?: number;
  /** Features (default 41, the combined scenario). */
  readonly features?: number;
  /** Hidden widths (default [400, 400]). */
  readonly hidden?: readonly number[];
  /** Epochs of each stage: every pretrained layer and fine-tuning (default 100). */
  readonly epochs?: number;
  /** Minibatch rows (default 100). */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  readonly threads?: number;
  /** Data and training seed (default 1). */
  readonly seed?: number;
}

/**
 * Synthetic two-class data shaped like a feature table: class-dependent mean shift on half of the features,
 * correlated through a shared latent factor.
 *
 * @param rows - n.
 * @param features - F.
 * @param seed - PRNG seed.
 * @returns Row-major features and 0/1 labels.
 */
export function saeBenchmarkData(
  rows: number,
  features: number,
  seed: number,
): { x: Float32Array; y: Uint8Array } {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(rows * features);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = rng.next() < 0.35 ? 1 : 0;
    const latent = rng.normal();
    for (let j = 0; j < features; j++) {
      const shift = j % 2 === 0 && y[r] === 1 ? 0.6 : 0;
      x[r * features + j] = 10 * (j + 1) + (j + 1) * (shift + 0.5 * latent + rng.normal());
    }
  }
  return { x, y };
}

/**
 * Times full SAE training (greedy pretraining of every layer + fine-tuning, fixed epochs, no early stopping)
 * on a synthetic table, the figure `npm run bench -- training` reports.
 *
 * @param options - Size of the problem and threads.
 * @returns Timings and achieved matrix-product throughput.
 */
export async function benchmarkSaeTraining(options: SaeBenchmarkOptions = {}): Promise<SaeBenchmarkResult> {
  const rows = options.rows ?? 1000;
  const features = options.features ?? 41;
  const hidden = options.hidden ?? [400, 400];
  const epochs = options.epochs ?? 100;
  const seed = options.seed ?? 1;
  const { x, y } = saeBenchmarkData(rows, features, seed);
  const t0 = performance.now();
  const model = await trainSae(x, y, features, {
    hidden,
    pretrainEpochs: epochs,
    finetuneEpochs: epochs,
    batchSize: options.batchSize ?? 100,
    validationFraction: 0,
    seed,
    threads: options.threads,
  });
  const seconds = (performance.now() - t0) / 1000;
  const stats = model.stats!;
  return {
    rows,
    features,
    hidden,
    epochsPerStage: epochs,
    seconds,
    pretrainSeconds: stats.pretrainSeconds,
    finetuneSeconds: stats.finetuneSeconds,
    gemmFlops: stats.gemmFlops,
    gflopsPerSecond: stats.gemmFlops / seconds / 1e9,
    steps: stats.steps,
    provider: stats.provider,
  };
}

/**
 * One line per figure, for the benchmark CLI.
 *
 * @param r - A benchmark result.
 * @returns Human-readable summary.
 */
export function formatSaeBenchmark(r: SaeBenchmarkResult): string {
  return [
    `SAE full training [${r.hidden.join(',')}] on ${r.rows}×${r.features}, ${r.epochsPerStage} epochs per stage: ${r.seconds.toFixed(2)} s`,
    `  pretraining ${r.pretrainSeconds.toFixed(2)} s, fine-tuning ${r.finetuneSeconds.toFixed(2)} s, ${r.steps} steps on ${r.provider}`,
    `  ${(r.gemmFlops / 1e9).toFixed(1)} GFLOP in matrix products → ${r.gflopsPerSecond.toFixed(1)} GFLOP/s achieved`,
  ].join('\n');
}

if (require.main === module) {
  const threads = process.env.SAE_BENCH_THREADS ? Number(process.env.SAE_BENCH_THREADS) : undefined;
  benchmarkSaeTraining({ threads }).then(
    (r) => console.log(formatSaeBenchmark(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
