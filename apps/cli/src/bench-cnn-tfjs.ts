/**
 * The reference ResNet trained with TensorFlow.js's pure-JavaScript CPU backend, for the `cnn` benchmark's
 * comparison. tfjs is an optional dev dependency: it is loaded with `require` at run time and the typing
 * below covers only the calls made here.
 */
import type { CnnPlan, ConvSpec } from '@calcscope/ml';

interface TfTensor {
  readonly shape: number[];
  dispose(): void;
  dataSync(): Float32Array;
}
interface TfVariable extends TfTensor {}
interface TfOptimizer {
  minimize(f: () => TfTensor, returnCost?: boolean, varList?: TfVariable[]): TfTensor | null;
}
interface TfCore {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tidy<T>(f: () => T): T;
  variable(t: TfTensor): TfVariable;
  randomNormal(shape: number[], mean: number, std: number, dtype?: string, seed?: number): TfTensor;
  randomUniform(shape: number[], min: number, max: number, dtype?: string, seed?: number): TfTensor;
  zeros(shape: number[]): TfTensor;
  ones(shape: number[]): TfTensor;
  tensor(values: Float32Array, shape: number[]): TfTensor;
  conv2d(x: TfTensor, filter: TfTensor, strides: number, pad: number[][]): TfTensor;
  moments(x: TfTensor, axes: number[]): { mean: TfTensor; variance: TfTensor };
  batchNorm(
    x: TfTensor,
    mean: TfTensor,
    variance: TfTensor,
    offset: TfTensor,
    scale: TfTensor,
    eps: number,
  ): TfTensor;
  relu(x: TfTensor): TfTensor;
  add(a: TfTensor, b: TfTensor): TfTensor;
  mean(x: TfTensor, axes: number[]): TfTensor;
  matMul(a: TfTensor, b: TfTensor): TfTensor;
  losses: { softmaxCrossEntropy(labels: TfTensor, logits: TfTensor): TfTensor };
  train: { momentum(learningRate: number, momentum: number): TfOptimizer };
}

/** Result of the tfjs run, or why there is none. */
export type TfjsBenchmark =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly version: string;
      readonly steps: number;
      /** Mean wall time per step. */
      readonly msPerStep: number;
      /** Wall time of each step. */
      readonly stepMs: readonly number[];
      readonly cpuMsPerStep: number;
      readonly samplesPerSecond: number;
    };

/** Runs `f` with console.log and console.warn muted (tfjs's CPU backend prints a banner recommending tfjs-node). */
async function quietly<T>(f: () => Promise<T> | T): Promise<T> {
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/**
 * Loads tfjs with its CPU backend and gradient functions: the `@tensorflow/tfjs` bundle registers both;
 * `@tensorflow/tfjs-core` + `@tensorflow/tfjs-backend-cpu` alone run forward passes only (tfjs-core's CommonJS
 * build registers no gradients; its ESM gradient files need a bundler), which this benchmark reports.
 */
async function loadTfjs(): Promise<{ tf: TfCore; version: string } | { reason: string }> {
  try {
    return await quietly(() => {
      let tf: TfCore & { version_core?: string; getGradient?: (kernel: string) => unknown };
      try {
        tf = require('@tensorflow/tfjs');
      } catch {
        tf = require('@tensorflow/tfjs-core');
        require('@tensorflow/tfjs-backend-cpu');
      }
      if (!tf.getGradient?.('Conv2D')) {
        return { reason: 'tfjs-core has no gradient functions registered: install @tensorflow/tfjs' };
      }
      return { tf, version: tf.version_core ?? 'unknown' };
    });
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

/**
 * Times SGD-with-momentum training steps of the same net (same convolutions, strides, padding, batch norm with
 * batch statistics, residual adds, global average pooling, dense head, softmax cross-entropy) in tfjs's
 * CPU backend, NHWC layout.
 *
 * @param plan - The net.
 * @param batchSize - ROIs per step.
 * @param steps - Timed steps (no warm-up: the CPU backend compiles nothing, and one step takes minutes).
 * @returns Step time and throughput, or `available: false` when tfjs cannot be loaded.
 */
export async function benchmarkTfjsTraining(
  plan: CnnPlan,
  batchSize: number,
  steps: number,
): Promise<TfjsBenchmark> {
  const loaded = await loadTfjs();
  if ('reason' in loaded) return { available: false, reason: loaded.reason };
  const { tf, version } = loaded;
  await quietly(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    // The banner is printed on the backend's first write.
    tf.tensor(Float32Array.of(0), [1]).dispose();
  });
  const a = plan.architecture;
  const variables: TfVariable[] = [];
  const convVariables = new Map<string, { w: TfVariable; gamma: TfVariable; beta: TfVariable }>();
  const convLayers: ConvSpec[] = [plan.stem];
  for (const b of plan.blocks) convLayers.push(b.conv1, b.conv2, ...(b.shortcut ? [b.shortcut] : []));
  for (const c of convLayers) {
    const fanIn = c.inChannels * c.kernel * c.kernel;
    const w = tf.variable(
      tf.randomNormal([c.kernel, c.kernel, c.inChannels, c.outChannels], 0, Math.sqrt(2 / fanIn)),
    );
    const gamma = tf.variable(tf.ones([c.outChannels]));
    const beta = tf.variable(tf.zeros([c.outChannels]));
    convVariables.set(c.name, { w, gamma, beta });
    variables.push(w, gamma, beta);
  }
  const headW = tf.variable(tf.randomUniform([plan.featureChannels, 2], -0.1, 0.1));
  const headB = tf.variable(tf.zeros([2]));
  variables.push(headW, headB);

  const convBn = (x: TfTensor, c: ConvSpec, activate: boolean): TfTensor => {
    const v = convVariables.get(c.name)!;
    const h = tf.conv2d(x, v.w, c.stride, [
      [0, 0],
      [c.pad, c.pad],
      [c.pad, c.pad],
      [0, 0],
    ]);
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    const y = tf.batchNorm(h, mean, variance, v.beta, v.gamma, a.batchNormEpsilon);
    return activate ? tf.relu(y) : y;
  };
  const images = tf.randomUniform([batchSize, a.inputHeight, a.inputWidth, 1], 0, 1, 'float32', 1);
  const labels = new Float32Array(batchSize * 2);
  for (let r = 0; r < batchSize; r++) labels[2 * r + (r % 2)] = 1;
  const targets = tf.tensor(labels, [batchSize, 2]);
  const loss = () => {
    let x = convBn(images, plan.stem, true);
    for (const b of plan.blocks) {
      const h = convBn(convBn(x, b.conv1, true), b.conv2, false);
      x = tf.relu(tf.add(h, b.shortcut ? convBn(x, b.shortcut, false) : x));
    }
    const logits = tf.add(tf.matMul(tf.mean(x, [1, 2]), headW), headB);
    return tf.losses.softmaxCrossEntropy(targets, logits);
  };
  const optimizer = tf.train.momentum(1e-3, 0.9);
  const step = () => tf.tidy(() => optimizer.minimize(loss, true, variables)?.dataSync()[0]);
  const stepMs: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    stepMs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpuStart);
  const msPerStep = stepMs.reduce((a, b) => a + b, 0) / steps;
  for (const v of variables) v.dispose();
  images.dispose();
  targets.dispose();
  return {
    available: true,
    version,
    steps,
    msPerStep,
    stepMs,
    cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
    samplesPerSecond: (batchSize * 1000) / msPerStep,
  };
}
