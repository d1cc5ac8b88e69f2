/**
 * Test helpers (not exported from the package): small real ONNX models built with @calcscope/onnx's
 * GraphBuilder, temporary Triton-layout repositories written with @calcscope/model-repository's writer,
 * reference outputs computed by plain onnxruntime sessions, and a started server on 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMBINED_FEATURE_NAMES, FEATURE_SCHEMA_HASH } from '@calcscope/features';
import {
  type ConfigForModelOptions,
  type ModelCardDraft,
  type TritonModelConfig,
  writeModelVersion,
} from '@calcscope/model-repository';
import { createSession, GraphBuilder, op, Tensor } from '@calcscope/onnx';
import { createInferenceServer, type InferenceServer } from '../http/server';
import { InferenceMetrics } from '../metrics';
import { ModelManager } from '../serving/model-manager';

/** The tabular model name used by the tests: task-family-scenario. */
export const TEST_MODEL = 'malignancy-sae-combined';
export const FEATURES = COMBINED_FEATURE_NAMES.length;

/** Deterministic uniform numbers in [-0.5, 0.5) (Park–Miller). */
export function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647 - 0.5;
  };
}

/**
 * A features → hidden (sigmoid) → 2 (softmax) MLP with outputs `probabilities` [N, 2] and `label` [N]
 * (int64 argmax): the tabular contract of ARCHITECTURE.md. Different seeds give different weights, hence
 * different outputs for the same input.
 */
export function mlpModel(seed: number, options: { features?: number; hidden?: number } = {}): Uint8Array {
  const features = options.features ?? FEATURES;
  const hidden = options.hidden ?? 8;
  const random = seededRandom(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => random() * scale);
  const g = new GraphBuilder({ opset: 17 });
  const x = g.input('features', 'float32', ['N', features]);
  const w1 = g.initializer('W1', fill(features * hidden, 1), [features, hidden]);
  const b1 = g.initializer('b1', fill(hidden, 1), [hidden]);
  const w2 = g.initializer('W2', fill(hidden * 2, 4), [hidden, 2]);
  const b2 = g.initializer('b2', fill(2, 1), [2]);
  const h = op.sigmoid(g, op.gemm(g, x, w1, b1));
  const p = op.softmax(g, op.gemm(g, h, w2, b2), 1, { name: 'probabilities' });
  g.output(p);
  g.output(op.argMax(g, p, 1, { keepdims: false, name: 'label' }));
  g.setMetadata('seed', String(seed));
  return g.toBytes();
}

/** A valid card draft for a tabular model with `features` inputs. */
export function tabularCardDraft(
  features = FEATURES,
  overrides: Partial<ModelCardDraft> = {},
): ModelCardDraft {
  return {
    family: 'sae',
    task: 'malignancy',
    scenario: 'combined',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, features] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
    featureSchemaHash: FEATURE_SCHEMA_HASH,
    featureNames:
      features === FEATURES
        ? [...COMBINED_FEATURE_NAMES]
        : Array.from({ length: features }, (_, i) => `f${i}`),
    trainingData: { sha256: '0'.repeat(64), rows: 100, positives: 50, source: 'inference test fixture' },
    hyperparameters: { hidden: [8] },
    metrics: {
      test: { accuracy: 0.5, sensitivity: 0.5, specificity: 0.5, auc: 0.5, aucCi95: [0.4, 0.6], n: 10 },
      cv: { folds: 2, accuracyMean: 0.5, accuracyStd: 0 },
    },
    createdAt: '2026-11-21T12:00:00.000Z',
    codeCommit: 'unknown',
    runId: 'inference-test',
    ...overrides,
  };
}

/** One model of a test repository: versions are written in order (1, 2, ...), each from its seed. */
export interface TestModelSpec {
  readonly name?: string;
  readonly seeds: readonly number[];
  readonly configOptions?: ConfigForModelOptions;
  readonly config?: TritonModelConfig;
  readonly draft?: Partial<ModelCardDraft>;
}

/**
 * Writes a temporary repository.
 *
 * @param models - Models and their version seeds (default: TEST_MODEL with versions from seeds 1 and 2).
 * @returns The repository folder and a function removing it.
 */
export async function createTestRepository(
  models: readonly TestModelSpec[] = [{ seeds: [1, 2] }],
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'calcscope-inference-'));
  for (const model of models) {
    for (const seed of model.seeds)
      await writeModelVersion(dir, {
        name: model.name ?? TEST_MODEL,
        onnx: mlpModel(seed),
        card: tabularCardDraft(FEATURES, model.draft),
        ...(model.config ? { config: model.config } : {}),
        configOptions: { versionPolicy: { kind: 'all' }, ...model.configOptions },
      });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Deterministic feature rows: `rows × FEATURES` values in [-2, 2). */
export function featureRows(rows: number, seed = 7): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * FEATURES }, () => random() * 4);
}

/**
 * What a plain onnxruntime session of a model returns, one row at a time: the reference a served answer
 * must equal bit for bit.
 *
 * @returns Per row: `probabilities` (2 numbers) and `label`.
 */
export async function referenceOutputs(
  onnx: Uint8Array,
  rows: Float32Array,
): Promise<Array<{ probabilities: number[]; label: number }>> {
  const { session } = await createSession(onnx, { providers: ['cpu'], intraOpNumThreads: 1 });
  const out: Array<{ probabilities: number[]; label: number }> = [];
  const n = rows.length / FEATURES;
  for (let i = 0; i < n; i++) {
    const result = await session.run({
      features: new Tensor('float32', rows.slice(i * FEATURES, (i + 1) * FEATURES), [1, FEATURES]),
    });
    out.push({
      probabilities: Array.from(result.probabilities.data as Float32Array),
      label: Number((result.label.data as BigInt64Array)[0]),
    });
  }
  await session.release();
  return out;
}

/** An OIP v2 infer body for `rows` feature rows starting at row `start` of `data`. */
export function inferBody(data: Float32Array, start = 0, rows = 1, id?: string): Record<string, unknown> {
  return {
    ...(id === undefined ? {} : { id }),
    inputs: [
      {
        name: 'features',
        shape: [rows, FEATURES],
        datatype: 'FP32',
        data: Array.from(data.subarray(start * FEATURES, (start + rows) * FEATURES)),
      },
    ],
  };
}

/** A started server on 127.0.0.1 with its manager; `close()` drains and releases everything. */
export interface TestServer {
  readonly url: string;
  readonly manager: ModelManager;
  readonly metrics: InferenceMetrics;
  readonly server: InferenceServer;
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * Starts a manager and server over a repository on an ephemeral port.
 *
 * @param repository - Repository folder.
 * @param options - Body limit (default 1 MiB), accepted schema hashes, random source for canaries.
 */
export async function startTestServer(
  repository: string,
  options: { maxBodyBytes?: number; acceptedSchemaHashes?: string[]; random?: () => number } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const metrics = new InferenceMetrics({ defaultMetrics: false });
  const manager = new ModelManager({
    repository,
    providers: ['cpu'],
    intraOpThreads: 1,
    acceptedSchemaHashes: options.acceptedSchemaHashes ?? [FEATURE_SCHEMA_HASH],
    metrics,
    log: (line) => logs.push(line),
    ...(options.random ? { random: options.random } : {}),
  });
  await manager.start();
  const server = createInferenceServer({
    manager,
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    log: (line) => logs.push(line),
  });
  const address = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    manager,
    metrics,
    server,
    logs,
    async close() {
      await server.drain(2000);
      await manager.close();
    },
  };
}

/** A JSON request to a test server: status, parsed body (or undefined when empty) and headers. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('json'))
    json = JSON.parse(text);
  return { status: response.status, json, text, headers: response.headers };
}
