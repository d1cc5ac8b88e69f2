import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { writeModelVersion } from '@calcscope/model-repository';
import { GraphBuilder, op } from '@calcscope/onnx';
import { afterEach, describe, expect, it } from 'vitest';
import { InferenceError } from '../errors';
import { InferenceMetrics } from '../metrics';
import {
  createTestRepository,
  FEATURES,
  featureRows,
  inferBody,
  mlpModel,
  referenceOutputs,
  TEST_MODEL,
  tabularCardDraft,
} from '../testing/fixtures';
import { ModelManager, versionsByPolicy } from './model-manager';
import { parseRoutingSpec } from './routing';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function managerOver(dir: string, random?: () => number) {
  const metrics = new InferenceMetrics({ defaultMetrics: false });
  const logs: string[] = [];
  const manager = new ModelManager({
    repository: dir,
    providers: ['cpu'],
    acceptedSchemaHashes: [FEATURE_SCHEMA_HASH],
    metrics,
    log: (line) => logs.push(line),
    ...(random ? { random } : {}),
  });
  await manager.start();
  cleanups.push(() => manager.close());
  return { manager, metrics, logs };
}

async function repository(...args: Parameters<typeof createTestRepository>) {
  const repo = await createTestRepository(...args);
  cleanups.push(repo.remove);
  return repo.dir;
}

function errorOf(action: () => unknown): InferenceError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InferenceError);
    return error as InferenceError;
  }
  throw new Error('expected an InferenceError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<InferenceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InferenceError);
    return error as InferenceError;
  }
  throw new Error('expected a rejection');
}

const rows = featureRows(8, 3);

describe('versionsByPolicy', () => {
  it('selects as Triton does, latest 1 when no policy is set', () => {
    expect(versionsByPolicy(undefined, [1, 2, 5])).toEqual([5]);
    expect(versionsByPolicy({ kind: 'latest', numVersions: 2 }, [1, 2, 5])).toEqual([2, 5]);
    expect(versionsByPolicy({ kind: 'all' }, [1, 2])).toEqual([1, 2]);
    expect(versionsByPolicy({ kind: 'specific', versions: [1, 7] }, [1, 2])).toEqual([1]);
  });
});

describe('ModelManager', () => {
  it('serves the newest version by default, with answers equal to a plain session', async () => {
    const { manager } = await managerOver(await repository());
    expect(manager.ready).toBe(true);
    const response = await manager.infer(TEST_MODEL, undefined, inferBody(rows, 0, 2, 'q1'));
    expect(response.model_version).toBe('2');
    expect(response.id).toBe('q1');
    const expected = await referenceOutputs(mlpModel(2), rows.slice(0, 2 * FEATURES));
    expect(response.outputs[0]).toEqual({
      name: 'probabilities',
      datatype: 'FP32',
      shape: [2, 2],
      data: [...expected[0].probabilities, ...expected[1].probabilities],
    });
    expect(response.outputs[1]).toEqual({
      name: 'label',
      datatype: 'INT64',
      shape: [2, 1],
      data: [expected[0].label, expected[1].label],
    });
    const v1 = await manager.infer(TEST_MODEL, '1', inferBody(rows, 0, 1));
    expect(v1.model_version).toBe('1');
    expect(v1.outputs[0].data).toEqual(
      (await referenceOutputs(mlpModel(1), rows.slice(0, FEATURES)))[0].probabilities,
    );
    expect(manager.metadata(TEST_MODEL)).toMatchObject({
      name: TEST_MODEL,
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, FEATURES] }],
      parameters: { version: '2', execution_provider: 'cpu' },
    });
  });

  it('refuses a tampered model.onnx and an unknown feature schema, reports why, and serves the rest', async () => {
    const dir = await repository();
    await writeFile(join(dir, TEST_MODEL, '2', 'model.onnx'), mlpModel(99));
    await writeModelVersion(dir, {
      name: TEST_MODEL,
      onnx: mlpModel(3),
      card: tabularCardDraft(FEATURES, { featureSchemaHash: 'b'.repeat(64) }),
    });
    const { manager, logs } = await managerOver(dir);
    const index = await manager.index();
    expect(index.map((e) => [e.version, e.state])).toEqual([
      ['1', 'READY'],
      ['2', 'UNAVAILABLE'],
      ['3', 'UNAVAILABLE'],
    ]);
    expect(index[1].reason).toMatch(/^SHA256_MISMATCH: .*model\.onnx has sha256 [0-9a-f]{64}, the card says/);
    expect(index[2].reason).toMatch(/^UNKNOWN_SCHEMA: .*feature schema b{64}/);
    expect(await manager.index(true)).toHaveLength(1);
    expect(logs.filter((l) => l.startsWith('inference: refused'))).toHaveLength(2);
    // Routed traffic goes to the only good version; the refused ones answer 503 with the reason.
    expect((await manager.infer(TEST_MODEL, undefined, inferBody(rows))).model_version).toBe('1');
    const refused = errorOf(() => manager.metadata(TEST_MODEL, '2'));
    expect(refused.status).toBe(503);
    expect(refused.message).toMatch(
      /version 2 of model 'malignancy-sae-combined' is not loaded: SHA256_MISMATCH/,
    );
    expect(errorOf(() => manager.metadata(TEST_MODEL, '9')).status).toBe(404);
    expect(errorOf(() => manager.metadata('nope')).status).toBe(404);
  });

  it('refuses a model.onnx whose tensors differ from config.pbtxt, before it can serve', async () => {
    const dir = await repository();
    const g = new GraphBuilder({ opset: 17 });
    const x = g.input('x', 'float32', ['N', FEATURES]);
    g.output(op.softmax(g, op.reduceSum(g, x, [1], { keepdims: true }), 1), 'probabilities');
    await writeModelVersion(dir, { name: TEST_MODEL, onnx: g.toBytes(), card: tabularCardDraft() });
    const { manager } = await managerOver(dir);
    const entry = (await manager.index()).find((e) => e.version === '3')!;
    expect(entry.state).toBe('UNAVAILABLE');
    expect(entry.reason).toMatch(
      /model\.onnx does not match config\.pbtxt: config input 'features' is not an input of model\.onnx/,
    );
    expect(entry.reason).toMatch(/config output 'label' is not an output of model\.onnx/);
    expect(manager.servingVersions().map((s) => s.version)).toEqual([1, 2]);
  });

  it('switches production atomically, loading a version outside the policy on demand and releasing it after', async () => {
    const dir = await repository([
      { seeds: [1, 2], configOptions: { versionPolicy: { kind: 'latest', numVersions: 1 } } },
    ]);
    const { manager } = await managerOver(dir);
    expect(manager.servingVersions().map((s) => s.version)).toEqual([2]);
    expect((await manager.index())[0].reason).toMatch(/outside version_policy latest 1/);
    const routing = await manager.setRouting(
      TEST_MODEL,
      parseRoutingSpec({ aliases: { production: 1, staging: 2 } }),
    );
    expect(routing).toMatchObject({ aliases: { production: 1, staging: 2 }, serving: [1, 2] });
    expect((await manager.infer(TEST_MODEL, undefined, inferBody(rows))).model_version).toBe('1');
    expect((await manager.infer(TEST_MODEL, 'staging', inferBody(rows))).model_version).toBe('2');
    expect((await manager.infer(TEST_MODEL, 'production', inferBody(rows))).model_version).toBe('1');
    const v1 = manager.servingVersions().find((s) => s.version === 1)!;
    await manager.setRouting(TEST_MODEL, parseRoutingSpec({}));
    expect(manager.servingVersions().map((s) => s.version)).toEqual([2]);
    await manager.close();
    expect(v1.state).toBe('UNLOADED');
    // A routing naming a version absent from the repository changes nothing.
    const { manager: other } = await managerOver(dir);
    const error = await rejectionOf(
      other.setRouting(TEST_MODEL, parseRoutingSpec({ aliases: { production: 5 } })),
    );
    expect(error.message).toMatch(/has no version 5 in the repository/);
    expect((await other.infer(TEST_MODEL, undefined, inferBody(rows))).model_version).toBe('2');
  });

  it('keeps a retired session open until its in-flight requests finish', async () => {
    const { manager } = await managerOver(await repository());
    const v2 = manager.servingVersions().find((s) => s.version === 2)!;
    const pending = manager.infer(TEST_MODEL, undefined, inferBody(rows));
    expect(v2.inFlight).toBe(1);
    const retired = manager.setRouting(TEST_MODEL, parseRoutingSpec({ aliases: { production: 1 } }));
    // Take a reference as a request would, then retire: the session must wait for it.
    expect(v2.acquire()).toBe(true);
    const released = v2.retire();
    expect(v2.state).toBe('UNLOADING');
    expect(v2.acquire()).toBe(false);
    expect((await pending).model_version).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(v2.state).toBe('UNLOADING');
    v2.release();
    await released;
    expect(v2.state).toBe('UNLOADED');
    await retired;
  });

  it('mirrors routed requests to the shadow, records the comparison and never returns its answer', async () => {
    const { manager, metrics } = await managerOver(await repository());
    await manager.setRouting(TEST_MODEL, parseRoutingSpec({ shadow: 1 }));
    for (let i = 0; i < 5; i++)
      expect((await manager.infer(TEST_MODEL, undefined, inferBody(rows, i))).model_version).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { text } = await metrics.render();
    expect(text).toContain(
      'calcscope_inference_shadow_requests_total{model="malignancy-sae-combined",version="1",outcome="success"} 5',
    );
    expect(text).toMatch(
      /calcscope_inference_shadow_max_abs_difference_count\{model="malignancy-sae-combined",version="1"\} 5/,
    );
    // Different weights: some output differs, so not every comparison lands in the 0 bucket.
    expect(text).toMatch(
      /shadow_max_abs_difference_bucket\{le="0",model="malignancy-sae-combined",version="1"\} [0-4]\n/,
    );
    expect(text).toContain(
      'calcscope_inference_requests_total{model="malignancy-sae-combined",version="2",outcome="success"} 5',
    );
    expect(text).not.toContain(
      'calcscope_inference_requests_total{model="malignancy-sae-combined",version="1"',
    );
  });

  it('splits routed traffic by canary weights; explicit versions bypass the split', async () => {
    let tick = 0;
    const { manager } = await managerOver(await repository(), () => (tick++ % 10) / 10);
    await manager.setRouting(TEST_MODEL, parseRoutingSpec({ canary: { production: 70, 1: 30 } }));
    const versions: string[] = [];
    for (let i = 0; i < 20; i++)
      versions.push((await manager.infer(TEST_MODEL, undefined, inferBody(rows))).model_version);
    expect(versions.filter((v) => v === '1')).toHaveLength(6);
    expect(versions.filter((v) => v === '2')).toHaveLength(14);
    for (let i = 0; i < 5; i++)
      expect((await manager.infer(TEST_MODEL, '2', inferBody(rows))).model_version).toBe('2');
  });

  it('unloads and reloads a model, picking up a version written after start', async () => {
    const dir = await repository();
    const { manager } = await managerOver(dir);
    await manager.unload(TEST_MODEL);
    expect(manager.isModelReady(TEST_MODEL)).toBe(false);
    const unloaded = await rejectionOf(manager.infer(TEST_MODEL, undefined, inferBody(rows)));
    expect(unloaded.status).toBe(503);
    expect(unloaded.message).toMatch(/is not ready: it was unloaded/);
    await writeModelVersion(dir, { name: TEST_MODEL, onnx: mlpModel(3), card: tabularCardDraft() });
    await manager.load(TEST_MODEL);
    expect(manager.isModelReady(TEST_MODEL)).toBe(true);
    expect((await manager.infer(TEST_MODEL, undefined, inferBody(rows))).model_version).toBe('3');
    expect((await rejectionOf(manager.load('absent-model-x'))).status).toBe(404);
  });

  it('keeps serving what it served when a reload finds only a refused new version', async () => {
    const dir = await repository([
      { seeds: [1, 2], configOptions: { versionPolicy: { kind: 'latest', numVersions: 1 } } },
    ]);
    const { manager } = await managerOver(dir);
    await writeModelVersion(dir, { name: TEST_MODEL, onnx: mlpModel(3), card: tabularCardDraft() });
    await writeFile(join(dir, TEST_MODEL, '3', 'model.onnx'), mlpModel(4));
    const error = await rejectionOf(manager.load(TEST_MODEL));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /no version of 'malignancy-sae-combined' could be loaded; the versions serving before keep serving \(version 3: SHA256_MISMATCH/,
    );
    expect((await manager.infer(TEST_MODEL, undefined, inferBody(rows))).model_version).toBe('2');
  });

  it('counts bad requests against the version they were routed to', async () => {
    const { manager, metrics } = await managerOver(await repository());
    const error = await rejectionOf(manager.infer(TEST_MODEL, undefined, { inputs: [{ name: 'x' }] }));
    expect(error.status).toBe(400);
    expect((await metrics.render()).text).toContain(
      'calcscope_inference_requests_total{model="malignancy-sae-combined",version="2",outcome="bad_request"} 1',
    );
    expect(manager.statistics(TEST_MODEL, '2').model_stats[0].inference_stats.fail.count).toBe(1);
  });
});
