/**
 * Test support for the exporters' parity tests (no test framework imports, so it also builds with tsc):
 * seeded synthetic tables in mixed units, onnxruntime CPU runs, TypeScript-vs-ONNX comparison, and a
 * contract check that walks the decoded ModelProto.
 */
import { createSession, InferenceSession, Tensor } from '@calcscope/onnx';
import { onnx } from 'onnx-proto';
import type { Dataset, Matrix } from '../core/matrix';
import { createRandom } from '../core/random';
import { fitStandardizer } from '../core/standardize';
import { gaussianClasses } from '../core/synthetic';
import { SaeModel } from '../sae/model';
import type { OnnxExportMetadata } from './metadata';

/** F of the Wang 2016 "combined" scenario. */
export const FEATURE_COUNT = 41;

/** Export metadata of every test model. */
export const TEST_METADATA: OnnxExportMetadata = {
  scenario: 'combined',
  featureSchemaHash: '0f'.repeat(32),
  featureNames: Array.from({ length: FEATURE_COUNT }, (_, j) => `feature_${j}`),
  task: 'malignancy',
};

/** Standard ONNX ops (default domain) that the tabular exporters may emit. */
export const STANDARD_OPS = new Set([
  'Add',
  'ArgMax',
  'Cast',
  'Clip',
  'Concat',
  'Div',
  'Exp',
  'Gather',
  'Gemm',
  'Mul',
  'Neg',
  'ReduceSum',
  'Sigmoid',
  'Softmax',
  'Split',
  'Sqrt',
  'Sub',
  'Sum',
  'TopK',
  'Unsqueeze',
]);

/**
 * Two overlapping Gaussian classes (class 1 shifted by 0.7 sd on the first 12 features) in mixed units:
 * feature j = offsetⱼ + unitⱼ·v with unitⱼ = 10^((j mod 5) − 2) and offsetⱼ = unitⱼ·offsetRatio·((j mod 3) − 1),
 * stored as float32 (the contract's input type, so TypeScript and onnxruntime read identical values and a
 * copied training row is an exact duplicate).
 *
 * @param n - Rows.
 * @param seed - PRNG seed.
 * @param offsetRatio - Offset of the shifted features in units of their spread (default 20).
 * @param p - Features (default 41; 15 and 26 are the mc and mass scenarios).
 * @returns The dataset, x as Float32Array.
 */
export function mixedUnitTable(n: number, seed: number, offsetRatio = 20, p = FEATURE_COUNT): Dataset {
  const mean1 = Array.from({ length: p }, (_, j) => (j < 12 ? 0.7 : 0));
  const { x, y } = gaussianClasses({ n, p, mean1, seed });
  const data = new Float32Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) {
      const unit = 10 ** ((j % 5) - 2);
      data[r * p + j] = unit * offsetRatio * ((j % 3) - 1) + unit * x.data[r * p + j];
    }
  }
  return { x: { rows: n, cols: p, data }, y };
}

/**
 * Parity rows: fresh rows from another seed, with every (n / duplicates)-th row replaced by an exact copy of
 * a training row.
 *
 * @param train - Training set (float32 data).
 * @param n - Rows wanted.
 * @param seed - Seed of the fresh rows (must differ from the training seed).
 * @param duplicates - How many rows copy training rows.
 * @param offsetRatio - As `mixedUnitTable`.
 * @returns n × F float32 matrix and the row positions that hold duplicates.
 */
export function parityRows(
  train: Dataset,
  n: number,
  seed: number,
  duplicates: number,
  offsetRatio = 20,
): { x: Matrix; duplicateRows: number[] } {
  const p = train.x.cols;
  const data = mixedUnitTable(n, seed, offsetRatio, p).x.data as Float32Array;
  const duplicateRows: number[] = [];
  for (let d = 0; d < duplicates; d++) {
    const row = Math.floor((d * n) / duplicates);
    const source = Math.floor((d * train.x.rows) / duplicates);
    data.set((train.x.data as Float32Array).subarray(source * p, (source + 1) * p), row * p);
    duplicateRows.push(row);
  }
  return { x: { rows: n, cols: p, data }, duplicateRows };
}

/**
 * An SAE with seeded random weights (uniform ±0.5) and the training table's standardiser, its output bias
 * shifted so that the median training row sits at P = 0.5 (both labels occur): enough to test that exports
 * delegate to `SaeModel.toOnnx` and that ensembles splice its float32 graph, without training.
 *
 * @param train - Table whose mean and standard deviation the model standardises with.
 * @param hidden - Hidden layer widths.
 * @param seed - PRNG seed.
 * @returns The model.
 */
export function randomSae(train: Dataset, hidden: readonly number[], seed: number): SaeModel {
  const random = createRandom(seed);
  const uniform = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
  const sizes = [train.x.cols, ...hidden];
  const { mean, scale } = fitStandardizer(train.x);
  const parameters = {
    nFeatures: train.x.cols,
    hidden: [...hidden],
    mean: Float32Array.from(mean),
    std: Float32Array.from(scale),
    encoders: hidden.map((h, i) => ({ weight: uniform(sizes[i] * h), bias: uniform(h) })),
    classifier: { weight: uniform(hidden[hidden.length - 1] * 2), bias: uniform(2) },
  };
  const p = new SaeModel(parameters).predictProba(train.x.data);
  const logOdds = Array.from({ length: train.x.rows }, (_, r) => Math.log(p[2 * r + 1] / p[2 * r]));
  logOdds.sort((a, b) => a - b);
  parameters.classifier.bias[1] -= logOdds[Math.floor(logOdds.length / 2)];
  return new SaeModel(parameters);
}

/** What an exported model returned for a batch. */
export interface OnnxOutputs {
  readonly probabilities: Float32Array;
  readonly labels: BigInt64Array;
}

/**
 * Opens a session: onnxruntime's CPU provider with one intra-op thread, or — when the environment sets
 * `CALCSCOPE_PARITY_PROVIDER=cuda` on a GPU host — the CUDA provider with CPU fallback disabled, so the
 * session fails unless every node has a CUDA kernel.
 */
async function openSession(bytes: Uint8Array): Promise<InferenceSession> {
  if (process.env.CALCSCOPE_PARITY_PROVIDER === 'cuda') {
    return InferenceSession.create(bytes, {
      executionProviders: ['cuda'],
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
  }
  return (await createSession(bytes, { providers: ['cpu'], intraOpNumThreads: 1 })).session;
}

/**
 * Runs an exported model (see `openSession` for the provider).
 *
 * @param bytes - ONNX model.
 * @param x - Rows (float32 data).
 * @returns Probabilities [N, 2] and labels [N].
 */
export async function runOnnx(bytes: Uint8Array, x: Matrix): Promise<OnnxOutputs> {
  const session = await openSession(bytes);
  try {
    const features = new Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]);
    const out = await session.run({ features });
    return {
      probabilities: out.probabilities.data as Float32Array,
      labels: out.label.data as BigInt64Array,
    };
  } finally {
    await session.release();
  }
}

/** How far onnxruntime is from TypeScript. */
export interface ParityReport {
  /** max over rows and both columns of |p_onnx − p_ts|. */
  readonly maxAbsDiff: number;
  /** Rows whose labels differ. */
  readonly labelMismatches: number;
  /** Rows labelled 1 by TypeScript (to see both classes occur). */
  readonly positives: number;
}

/**
 * Compares onnxruntime's outputs with TypeScript's P(class 1).
 *
 * @param expected - TypeScript P(class 1) per row.
 * @param actual - onnxruntime outputs for the same rows.
 * @returns The report; TypeScript labels are P > 0.5.
 */
export function compareWithTypeScript(expected: ArrayLike<number>, actual: OnnxOutputs): ParityReport {
  let maxAbsDiff = 0;
  let labelMismatches = 0;
  let positives = 0;
  for (let r = 0; r < expected.length; r++) {
    const p1 = expected[r];
    maxAbsDiff = Math.max(
      maxAbsDiff,
      Math.abs(actual.probabilities[2 * r] - (1 - p1)),
      Math.abs(actual.probabilities[2 * r + 1] - p1),
    );
    const label = p1 > 0.5 ? 1 : 0;
    positives += label;
    if (Number(actual.labels[r]) !== label) labelMismatches++;
  }
  return { maxAbsDiff, labelMismatches, positives };
}

/** Parity of one model on a full batch and on its first row alone (N = 1: the batch axis is dynamic). */
export interface BatchParity {
  readonly full: ParityReport;
  readonly single: ParityReport;
}

/**
 * Runs a model on all rows and on the first row alone and compares both with TypeScript. Set
 * `PARITY_REPORT=1` to print the figures.
 *
 * @param label - Name printed with the figures.
 * @param bytes - ONNX model.
 * @param expected - TypeScript P(class 1) per row of x.
 * @param x - Rows (float32 data).
 * @returns Both reports.
 */
export async function batchParity(
  label: string,
  bytes: Uint8Array,
  expected: ArrayLike<number>,
  x: Matrix,
): Promise<BatchParity> {
  const full = compareWithTypeScript(expected, await runOnnx(bytes, x));
  const first: Matrix = { rows: 1, cols: x.cols, data: x.data.subarray(0, x.cols) };
  const single = compareWithTypeScript([expected[0]], await runOnnx(bytes, first));
  if (process.env.PARITY_REPORT) {
    console.log(
      `parity ${label}: N = ${x.rows}, max |Δp| = ${full.maxAbsDiff.toExponential(2)}, label mismatches = ${full.labelMismatches}, positives = ${full.positives}; N = 1: |Δp| = ${single.maxAbsDiff.toExponential(2)}`,
    );
  }
  return { full, single };
}

/**
 * Everything a tabular-contract ONNX file gets wrong, found by walking its decoded ModelProto: opset
 * imports other than the default domain at 17, nodes outside the default domain or `STANDARD_OPS`, inputs
 * and outputs other than `features` float32 [N, F] → `probabilities` float32 [N, 2], `label` int64 [N] with
 * one symbolic batch dimension, and metadata properties missing or different from `meta`.
 *
 * @param bytes - ONNX model.
 * @param family - Expected `family` property.
 * @param meta - Expected metadata.
 * @returns Human-readable violations (empty when the file follows the contract).
 */
export function contractViolations(bytes: Uint8Array, family: string, meta: OnnxExportMetadata): string[] {
  const problems: string[] = [];
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnx.GraphProto;
  const imports = model.opsetImport.map((o) => `${o.domain ?? ''}:${Number(o.version)}`);
  if (imports.join(',') !== ':17') problems.push(`opset imports ${imports.join(',')}`);
  for (const node of graph.node) {
    if ((node.domain ?? '') !== '') problems.push(`node ${node.name} in domain ${node.domain}`);
    if (!STANDARD_OPS.has(node.opType ?? '')) problems.push(`op ${node.opType} not in the standard list`);
  }
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const describe = (v: onnx.IValueInfoProto) => {
    const t = v.type?.tensorType;
    const dims = (t?.shape?.dim ?? []).map((d) => d.dimParam || String(Number(d.dimValue)));
    return `${v.name}:${t?.elemType}:[${dims.join(',')}]`;
  };
  const f = meta.featureNames.length;
  const inputs = graph.input.filter((v) => !initializers.has(v.name)).map(describe);
  if (inputs.join(' ') !== `features:1:[N,${f}]`) problems.push(`inputs ${inputs.join(' ')}`);
  const outputs = graph.output.map(describe);
  if (outputs.join(' ') !== 'probabilities:1:[N,2] label:7:[N]')
    problems.push(`outputs ${outputs.join(' ')}`);
  const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const wanted: Record<string, string> = {
    family,
    scenario: meta.scenario,
    feature_schema_hash: meta.featureSchemaHash,
    feature_names: JSON.stringify(meta.featureNames),
    ...(meta.task ? { task: meta.task } : {}),
  };
  for (const [key, value] of Object.entries(wanted)) {
    if (props[key] !== value) problems.push(`metadata ${key} = ${props[key]}, expected ${value}`);
  }
  return problems;
}
