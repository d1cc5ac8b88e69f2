/**
 * `npm run bench -- cnn`: FLOPs of the reference ResNet, training throughput of the onnxruntime training
 * graphs (batch 32) under several thread settings, the same net in TensorFlow.js's pure-JS CPU backend, and
 * the ratios to the targets (≥ 300 samples/s, ≥ 25 GFLOP/s effective, ≥ 100× tfjs).
 *
 * Environment: CNN_BENCH_STEPS (timed ORT steps per setting, default 20), CNN_BENCH_TFJS_STEPS (timed tfjs
 * steps, default 2; 0 skips tfjs). tfjs is optional: `@tensorflow/tfjs` (the bundle; tfjs-core alone registers
 * no gradients in CommonJS).
 */

import { loadavg } from 'node:os';
import {
  benchmarkCnnTraining,
  type CnnBenchmarkResult,
  countCnnFlops,
  planCnn,
  referenceResNet,
} from '@calcscope/ml';
import { benchmarkTfjsTraining } from './bench-cnn-tfjs';

const TARGET_SAMPLES_PER_SECOND = 300;
const TARGET_GFLOPS = 25;
const TARGET_TFJS_RATIO = 100;
const BATCH = 32;

/** Thread settings tried, in this order (each measured twice, interleaved, to average out other load). */
const SETTINGS: readonly { threads: number; allowSpinning: boolean; label: string }[] = [
  { threads: 1, allowSpinning: true, label: '1 thread' },
  { threads: 2, allowSpinning: false, label: '2 threads, no spinning' },
  { threads: 2, allowSpinning: true, label: '2 threads, spinning' },
];

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value >= 0 && process.env[name] !== '' ? value : fallback;
}

/** Prints the CNN benchmark. */
export async function benchCnn(): Promise<void> {
  const plan = planCnn(referenceResNet(64));
  const flops = countCnnFlops(plan);
  line(
    '== cnn: reference ResNet, 64×64×1 ROIs (stem 3×3/2 16, stages 16-32-64-128 × 1 basic block, GAP, dense 2)',
  );
  line(
    'FLOPs per sample, counted from the layer shapes (conv h′·w′·Cout·Cin·k² + dense; 1 multiply-add = 2 FLOPs):',
  );
  for (const l of flops.layers)
    line(`  ${l.name.padEnd(22)} ${l.macs.toLocaleString('en-US').padStart(12)} MACs`);
  line(
    `  forward  ${flops.forwardMacs.toLocaleString('en-US')} MACs = ${(flops.forwardFlops / 1e6).toFixed(2)} MFLOP`,
  );
  line(
    `  training ${(flops.trainingFlops / 1e6).toFixed(2)} MFLOP (convention: 3 × forward = forward + input gradient + weight gradient; BN, ReLU, pooling, loss, update not counted)`,
  );

  const steps = envInt('CNN_BENCH_STEPS', 20);
  line();
  line(
    `onnxruntime training steps (forward + backward + SGD momentum update in one run), batch ${BATCH}, ${steps} timed steps:`,
  );
  const results: { label: string; result: CnnBenchmarkResult }[] = [];
  for (let round = 0; round < 2; round++) {
    for (const s of SETTINGS) {
      const result = await benchmarkCnnTraining({
        batchSize: BATCH,
        steps,
        threads: s.threads,
        allowSpinning: s.allowSpinning,
        providers: ['cpu'],
      });
      results.push({ label: s.label, result });
      line(
        `  ${s.label.padEnd(24)} median ${result.medianMs.toFixed(1).padStart(6)} ms/step (min ${result.minMs.toFixed(1)}), CPU ${result.cpuMs.toFixed(1)} ms/step → ${result.samplesPerSecond.toFixed(0).padStart(5)} samples/s, ${result.gflopsPerSecond.toFixed(1)} GFLOP/s`,
      );
    }
  }
  const best = results.reduce((b, r) => (r.result.samplesPerSecond > b.result.samplesPerSecond ? r : b));
  const cpuSamplesPerSecond =
    (BATCH * 1000) / Math.min(...results.filter((r) => r.result.threads === 1).map((r) => r.result.cpuMs));
  line(
    `  best: ${best.label}: ${best.result.samplesPerSecond.toFixed(0)} samples/s (target ≥ ${TARGET_SAMPLES_PER_SECOND}: ${(best.result.samplesPerSecond / TARGET_SAMPLES_PER_SECOND).toFixed(2)}×), ${best.result.gflopsPerSecond.toFixed(1)} GFLOP/s effective (target ≥ ${TARGET_GFLOPS}: ${(best.result.gflopsPerSecond / TARGET_GFLOPS).toFixed(2)}×)`,
  );
  line(
    `  per CPU-second (1 thread, load-independent): ${cpuSamplesPerSecond.toFixed(0)} samples/s, ${((cpuSamplesPerSecond * flops.trainingFlops) / 1e9).toFixed(1)} GFLOP/s`,
  );
  const load = loadavg();
  line(`  machine load average during the run: ${load.map((l) => l.toFixed(2)).join(', ')} (2 cores shared)`);

  const tfjsSteps = envInt('CNN_BENCH_TFJS_STEPS', 2);
  line();
  if (tfjsSteps === 0) {
    line('TensorFlow.js CPU: skipped (CNN_BENCH_TFJS_STEPS=0)');
    return;
  }
  line(
    `TensorFlow.js pure-JS CPU backend, same net, batch ${BATCH}, ${tfjsSteps} timed steps (about 1–2 min each here):`,
  );
  const tfjs = await benchmarkTfjsTraining(plan, BATCH, tfjsSteps);
  if (!tfjs.available) {
    line(
      `  tfjs not installed (${tfjs.reason}); add @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu to compare`,
    );
    return;
  }
  const tfjsGflops = (tfjs.samplesPerSecond * flops.trainingFlops) / 1e9;
  line(
    `  tfjs ${tfjs.version}: steps ${tfjs.stepMs.map((t) => (t / 1000).toFixed(1)).join(', ')} s; mean ${tfjs.msPerStep.toFixed(0)} ms/step, CPU ${tfjs.cpuMsPerStep.toFixed(0)} ms/step → ${tfjs.samplesPerSecond.toFixed(2)} samples/s, ${tfjsGflops.toFixed(2)} GFLOP/s`,
  );
  const ratio = best.result.samplesPerSecond / tfjs.samplesPerSecond;
  const cpuRatio = tfjs.cpuMsPerStep / Math.min(...results.map((r) => r.result.cpuMs));
  line(
    `  onnxruntime / tfjs: ${ratio.toFixed(0)}× samples/s (target ≥ ${TARGET_TFJS_RATIO}×: ${(ratio / TARGET_TFJS_RATIO).toFixed(2)}×), ${cpuRatio.toFixed(0)}× per CPU-second`,
  );
}
