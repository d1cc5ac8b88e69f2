/**
 * Open Inference Protocol v2 conformance: the request shapes the protocol documents (KServe "Open
 * Inference Protocol", Triton's HTTP/REST extensions) sent to a real server on 127.0.0.1, and every
 * response's shape and status checked — success and error alike.
 */
import { request } from 'node:http';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../apps/inference/src/http/server';
import { InferenceMetrics } from '../../apps/inference/src/metrics';
import { ModelManager } from '../../apps/inference/src/serving/model-manager';
import type { ModelStatistics } from '../../apps/inference/src/serving/version-stats';
import {
  call,
  createTestRepository,
  FEATURES,
  featureRows,
  inferBody,
  mlpModel,
  referenceOutputs,
  startTestServer,
  TEST_MODEL,
  type TestServer,
} from '../../apps/inference/src/testing/fixtures';

const MAX_BODY = 256 * 1024;
let repo: Awaited<ReturnType<typeof createTestRepository>>;
let server: TestServer;
let base: string;
const rows = featureRows(4, 21);
let expectedV2: Awaited<ReturnType<typeof referenceOutputs>>;

beforeAll(async () => {
  repo = await createTestRepository();
  server = await startTestServer(repo.dir, { maxBodyBytes: MAX_BODY });
  base = server.url;
  expectedV2 = await referenceOutputs(mlpModel(2), rows);
});
afterAll(async () => {
  await server.close();
  await repo.remove();
});

const model = `/v2/models/${TEST_MODEL}`;

/** Checks the documented error shape: a JSON object with exactly one string field, `error`. */
function expectError(
  response: { status: number; json: unknown; headers: Headers },
  status: number,
  pattern: RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(Object.keys(response.json as object)).toEqual(['error']);
  expect((response.json as { error: string }).error).toMatch(pattern);
}

/** Checks the documented tensor metadata shape. */
function expectTensorMetadata(value: unknown) {
  expect(value).toEqual({ name: expect.any(String), datatype: expect.any(String), shape: expect.any(Array) });
  for (const d of (value as { shape: unknown[] }).shape) expect(Number.isInteger(d)).toBe(true);
}

/** Checks the documented inference response shape and that data length matches shape. */
function expectInferResponse(body: unknown, version: string, id?: string) {
  const response = body as Record<string, unknown>;
  expect(Object.keys(response).sort()).toEqual(
    id === undefined
      ? ['model_name', 'model_version', 'outputs']
      : ['id', 'model_name', 'model_version', 'outputs'],
  );
  expect(response.model_name).toBe(TEST_MODEL);
  expect(response.model_version).toBe(version);
  if (id !== undefined) expect(response.id).toBe(id);
  for (const output of response.outputs as Array<Record<string, unknown>>) {
    expect(Object.keys(output).sort()).toEqual(['data', 'datatype', 'name', 'shape']);
    const shape = output.shape as number[];
    expect((output.data as unknown[]).length).toBe(shape.reduce((a, b) => a * b, 1));
  }
}

describe('health (OIP: status only, empty body)', () => {
  it('live and ready answer 200 with an empty body', async () => {
    for (const path of ['/v2/health/live', '/v2/health/ready', '/health/live', '/health/ready']) {
      const response = await call(`${base}${path}`, 'GET');
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    }
  });

  it('ready answers 400 (4xx = false) while the repository is loading, live stays 200', async () => {
    const metrics = new InferenceMetrics({ defaultMetrics: false });
    const manager = new ModelManager({
      repository: repo.dir,
      providers: ['cpu'],
      acceptedSchemaHashes: [FEATURE_SCHEMA_HASH],
      metrics,
      log: () => {},
    });
    const loading = createInferenceServer({ manager, metrics, maxBodyBytes: MAX_BODY, log: () => {} });
    const address = await loading.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}`;
    expect((await call(`${url}/v2/health/live`, 'GET')).status).toBe(200);
    expect((await call(`${url}/v2/health/ready`, 'GET')).status).toBe(400);
    expect((await call(`${url}${model}/ready`, 'GET')).status).toBe(400);
    expectError(
      await call(`${url}${model}/infer`, 'POST', inferBody(rows)),
      503,
      /repository is still loading/,
    );
    await manager.start();
    expect((await call(`${url}/v2/health/ready`, 'GET')).status).toBe(200);
    await loading.drain(1000);
    await manager.close();
  });
});

describe('server metadata', () => {
  it('GET /v2 gives name, version and extensions', async () => {
    const response = await call(`${base}/v2`, 'GET');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      name: 'calcscope-inference',
      version: expect.any(String),
      extensions: expect.arrayContaining(['model_repository', 'model_configuration', 'statistics']),
    });
  });
});

describe('model metadata and readiness', () => {
  it('GET /v2/models/{m} gives name, versions, platform, inputs, outputs and the provider', async () => {
    const response = await call(`${base}${model}`, 'GET');
    expect(response.status).toBe(200);
    const body = response.json as Record<string, unknown>;
    expect(body).toMatchObject({ name: TEST_MODEL, versions: ['1', '2'], platform: 'onnxruntime_onnx' });
    for (const t of [...(body.inputs as unknown[]), ...(body.outputs as unknown[])]) expectTensorMetadata(t);
    expect(body.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, FEATURES] }]);
    expect(body.outputs).toEqual([
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1, 1] },
    ]);
    expect(body.parameters).toEqual({ version: '2', execution_provider: 'cpu' });
  });

  it('GET /v2/models/{m}/versions/{v} describes that version; an alias works as the version segment', async () => {
    expect(
      ((await call(`${base}${model}/versions/1`, 'GET')).json as { parameters: unknown }).parameters,
    ).toEqual({
      version: '1',
      execution_provider: 'cpu',
    });
    expect(
      ((await call(`${base}${model}/versions/production`, 'GET')).json as { parameters: { version: string } })
        .parameters.version,
    ).toBe('2');
  });

  it('ready answers 200 for serving models and versions, 404 for unknown ones', async () => {
    expect((await call(`${base}${model}/ready`, 'GET')).status).toBe(200);
    expect((await call(`${base}${model}/versions/1/ready`, 'GET')).status).toBe(200);
    expectError(
      await call(`${base}/v2/models/unknown-model/ready`, 'GET'),
      404,
      /unknown model 'unknown-model'/,
    );
    expectError(await call(`${base}${model}/versions/7/ready`, 'GET'), 404, /has no version 7/);
  });

  it('unknown models, versions and aliases are 404 with an error object', async () => {
    expectError(await call(`${base}/v2/models/unknown-model`, 'GET'), 404, /unknown model/);
    expectError(await call(`${base}${model}/versions/9`, 'GET'), 404, /has no version 9/);
    expectError(await call(`${base}${model}/versions/canary`, 'GET'), 404, /has no alias 'canary'/);
    expectError(
      await call(`${base}${model}/versions/0x1`, 'GET'),
      404,
      /neither a version number nor an alias/,
    );
  });
});

describe('inference', () => {
  it('accepts the documented request (id, parameters, nested data, outputs filter) and echoes the id', async () => {
    const body = {
      id: '42',
      parameters: { binary_data_output: false },
      inputs: [
        {
          name: 'features',
          shape: [2, FEATURES],
          datatype: 'FP32',
          parameters: {},
          data: [Array.from(rows.subarray(0, FEATURES)), Array.from(rows.subarray(FEATURES, 2 * FEATURES))],
        },
      ],
      outputs: [{ name: 'probabilities', parameters: { binary_data: false } }],
    };
    const response = await call(`${base}${model}/infer`, 'POST', body);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expectInferResponse(response.json, '2', '42');
    const outputs = (response.json as { outputs: Array<{ name: string; data: number[] }> }).outputs;
    expect(outputs.map((o) => o.name)).toEqual(['probabilities']);
    expect(outputs[0].data).toEqual([...expectedV2[0].probabilities, ...expectedV2[1].probabilities]);
  });

  it('returns every output, in model order, when `outputs` is absent; flat data; no id when none was sent', async () => {
    const response = await call(`${base}${model}/infer`, 'POST', inferBody(rows, 2, 2));
    expectInferResponse(response.json, '2');
    const outputs = (
      response.json as { outputs: Array<{ name: string; shape: number[]; datatype: string; data: number[] }> }
    ).outputs;
    expect(outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['probabilities', 'FP32', [2, 2]],
      ['label', 'INT64', [2, 1]],
    ]);
    expect(outputs[1].data).toEqual([expectedV2[2].label, expectedV2[3].label]);
  });

  it('an explicit version or alias in the URL is the version that answers', async () => {
    const v1 = await call(`${base}${model}/versions/1/infer`, 'POST', inferBody(rows));
    expectInferResponse(v1.json, '1');
    const production = await call(`${base}${model}/versions/production/infer`, 'POST', inferBody(rows));
    expectInferResponse(production.json, '2');
  });

  it('answers 400 for bad tensors, 404 for unknown model/version, 413 over the body limit, 405 for a wrong method', async () => {
    expectError(
      await call(`${base}${model}/infer`, 'POST', {
        inputs: [{ name: 'features', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }],
      }),
      400,
      /input 'features': shape \[1, 3\] does not match the model's \[-1, 41\] at axis 1/,
    );
    expectError(await call(`${base}${model}/infer`, 'POST', '{"inputs": ['), 400, /not valid JSON/);
    expectError(await call(`${base}${model}/infer`, 'POST', ''), 400, /body is empty/);
    expectError(
      await call(`${base}/v2/models/nope/infer`, 'POST', inferBody(rows)),
      404,
      /unknown model 'nope'/,
    );
    expectError(
      await call(`${base}${model}/versions/3/infer`, 'POST', inferBody(rows)),
      404,
      /has no version 3/,
    );
    const big = {
      inputs: [
        { name: 'features', shape: [1, FEATURES], datatype: 'FP32', data: new Array(MAX_BODY / 2).fill(1) },
      ],
    };
    const tooLarge = await call(`${base}${model}/infer`, 'POST', big);
    expectError(tooLarge, 413, /exceeds the limit of 262144 bytes/);
    const wrongMethod = await call(`${base}${model}/infer`, 'GET');
    expectError(wrongMethod, 405, /GET is not allowed .* use POST/);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expectError(await call(`${base}/v3/anything`, 'GET'), 404, /no route for GET \/v3\/anything/);
  });

  it('a streamed body without Content-Length is cut off at the limit with 413', async () => {
    const port = new URL(base).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: `${model}/infer` }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < MAX_BODY * 2) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});

describe('Triton extensions', () => {
  it('GET config returns the model configuration as JSON', async () => {
    const response = await call(`${base}${model}/config`, 'GET');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      name: TEST_MODEL,
      platform: 'onnxruntime_onnx',
      max_batch_size: 256,
      input: [{ name: 'features', data_type: 'TYPE_FP32', dims: [FEATURES] }],
      output: [
        { name: 'probabilities', data_type: 'TYPE_FP32', dims: [2] },
        { name: 'label', data_type: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      ],
      dynamic_batching: { preferred_batch_size: [], max_queue_delay_microseconds: 500 },
    });
    expect((await call(`${base}${model}/versions/1/config`, 'GET')).status).toBe(200);
    expectError(await call(`${base}/v2/models/nope/config`, 'GET'), 404, /unknown model/);
  });

  it('GET stats returns model_stats per version with durations as {count, ns}', async () => {
    await call(`${base}${model}/infer`, 'POST', inferBody(rows, 0, 3));
    for (const path of ['/v2/models/stats', `${model}/stats`, `${model}/versions/2/stats`]) {
      const response = await call(`${base}${path}`, 'GET');
      expect(response.status).toBe(200);
      const stats = (response.json as { model_stats: Array<Record<string, unknown>> }).model_stats;
      expect(stats.length).toBeGreaterThan(0);
      for (const s of stats) {
        expect(s).toEqual({
          name: TEST_MODEL,
          version: expect.stringMatching(/^[12]$/),
          last_inference: expect.any(Number),
          inference_count: expect.any(Number),
          execution_count: expect.any(Number),
          inference_stats: Object.fromEntries(
            ['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output'].map((k) => [
              k,
              { count: expect.any(Number), ns: expect.any(Number) },
            ]),
          ),
          batch_stats: expect.any(Array),
        });
      }
    }
    const v2 = (
      (await call(`${base}${model}/versions/2/stats`, 'GET')).json as { model_stats: ModelStatistics[] }
    ).model_stats[0];
    expect(v2.inference_count).toBeGreaterThanOrEqual(3);
    expect(v2.inference_stats.success.count).toBeGreaterThanOrEqual(1);
    expect(v2.batch_stats[0]).toEqual({
      batch_size: expect.any(Number),
      compute_input: { count: expect.any(Number), ns: expect.any(Number) },
      compute_infer: { count: expect.any(Number), ns: expect.any(Number) },
      compute_output: { count: expect.any(Number), ns: expect.any(Number) },
    });
    expectError(await call(`${base}/v2/models/nope/stats`, 'GET'), 404, /unknown model/);
  });

  it('POST /v2/repository/index lists {name, version, state, reason}; {"ready": true} filters', async () => {
    const all = await call(`${base}/v2/repository/index`, 'POST');
    expect(all.status).toBe(200);
    expect(all.json).toEqual([
      { name: TEST_MODEL, version: '1', state: 'READY', reason: '' },
      { name: TEST_MODEL, version: '2', state: 'READY', reason: '' },
    ]);
    expect((await call(`${base}/v2/repository/index`, 'POST', { ready: true })).json).toHaveLength(2);
    expectError(
      await call(`${base}/v2/repository/index`, 'POST', { ready: 'yes' }),
      400,
      /'ready' must be true or false/,
    );
  });

  it('unload and load answer 200 with an empty body; an unloaded model is not ready and answers 503', async () => {
    const unload = await call(`${base}/v2/repository/models/${TEST_MODEL}/unload`, 'POST', {
      parameters: { unload_dependents: false },
    });
    expect(unload.status).toBe(200);
    expect(unload.text).toBe('');
    expect((await call(`${base}${model}/ready`, 'GET')).status).toBe(400);
    expectError(
      await call(`${base}${model}/infer`, 'POST', inferBody(rows)),
      503,
      /is not ready: it was unloaded/,
    );
    expectError(await call(`${base}${model}`, 'GET'), 503, /not ready/);
    const index = (await call(`${base}/v2/repository/index`, 'POST')).json as Array<{
      state: string;
      reason: string;
    }>;
    expect(index.every((e) => e.state === 'UNAVAILABLE' && /unloaded/.test(e.reason))).toBe(true);
    const load = await call(`${base}/v2/repository/models/${TEST_MODEL}/load`, 'POST');
    expect(load.status).toBe(200);
    expect(load.text).toBe('');
    expect((await call(`${base}${model}/ready`, 'GET')).status).toBe(200);
    expectError(
      await call(`${base}/v2/repository/models/nope/load`, 'POST'),
      404,
      /no folder in the repository/,
    );
    expectError(
      await call(`${base}/v2/repository/models/${TEST_MODEL}/load`, 'POST', { parameters: { config: '{}' } }),
      400,
      /parameter 'config' is not supported/,
    );
  });
});

describe('routing control (Calcscope extension)', () => {
  it('GET and PUT routing report aliases, canary and shadow as set and as resolved', async () => {
    const initial = await call(`${base}/v2/repository/models/${TEST_MODEL}/routing`, 'GET');
    expect(initial.status).toBe(200);
    expect(initial.json).toMatchObject({
      model: TEST_MODEL,
      aliases: {},
      canary: null,
      shadow: null,
      resolved: { aliases: { production: 2 }, production_is_default: true, canary: null, shadow: null },
      serving: [1, 2],
    });
    const put = await call(`${base}/v2/repository/models/${TEST_MODEL}/routing`, 'PUT', {
      aliases: { production: 1, staging: 2 },
      canary: { production: 100, staging: 0 },
      shadow: 'staging',
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      aliases: { production: 1, staging: 2 },
      resolved: {
        aliases: { production: 1, staging: 2 },
        production_is_default: false,
        canary: [{ version: 1, share: 1 }],
        shadow: 2,
      },
      revision: expect.any(Number),
      updated_at: expect.any(String),
    });
    expectInferResponse((await call(`${base}${model}/infer`, 'POST', inferBody(rows))).json, '1');
    expectError(
      await call(`${base}/v2/repository/models/${TEST_MODEL}/routing`, 'PUT', { aliases: { production: 8 } }),
      400,
      /has no version 8 in the repository/,
    );
    expectError(
      await call(`${base}/v2/repository/models/${TEST_MODEL}/routing`, 'PUT', { weights: {} }),
      400,
      /unknown routing field/,
    );
    const reset = await call(`${base}/v2/repository/models/${TEST_MODEL}/routing`, 'PUT', {});
    expect((reset.json as { resolved: { aliases: unknown } }).resolved.aliases).toEqual({ production: 2 });
    expectError(await call(`${base}/v2/repository/models/nope/routing`, 'GET'), 404, /unknown model/);
  });
});

describe('metrics', () => {
  it('GET /metrics exposes the Prometheus text format with the service’s metrics', async () => {
    const response = await call(`${base}/metrics`, 'GET');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'calcscope_inference_requests_total{model="malignancy-sae-combined",version="2",outcome="success"}',
      'calcscope_inference_requests_total{model="malignancy-sae-combined",version="2",outcome="bad_request"}',
      'calcscope_inference_request_duration_seconds_bucket{le="0.001",model="malignancy-sae-combined",version="2"}',
      'calcscope_inference_queue_duration_seconds_count{model="malignancy-sae-combined",version="2"}',
      'calcscope_inference_compute_duration_seconds_sum{model="malignancy-sae-combined",version="2"}',
      'calcscope_inference_batch_size_bucket{le="1",model="malignancy-sae-combined",version="2"}',
      'calcscope_inference_pending_requests{model="malignancy-sae-combined",version="2"} 0',
      'calcscope_inference_model_info{model="malignancy-sae-combined",version="2",provider="cpu"} 1',
      'calcscope_inference_http_requests_total{method="POST",route="/v2/models/{model}/infer",status="200"}',
      'calcscope_inference_http_requests_total{method="GET",route="unmatched",status="404"}',
    ])
      expect(response.text).toContain(name);
    // The unknown model names requested above never become label values.
    expect(response.text).not.toContain('model="nope"');
    expect(response.text).not.toContain('model="unknown-model"');
  });
});
