/**
 * Robustness: several hundred generated malformed requests — wrong tensor names, shapes and datatypes,
 * NaN and infinities, wrong data lengths, truncated and non-JSON bodies, bodies over the limit, unknown
 * models and versions, wrong methods — must each get a 4xx with an `{"error"}` body, and afterwards the
 * service must still answer correctly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestRepository,
  FEATURES,
  featureRows,
  inferBody,
  mlpModel,
  referenceOutputs,
  seededRandom,
  startTestServer,
  TEST_MODEL,
  type TestServer,
} from '../../apps/inference/src/testing/fixtures';

const MAX_BODY = 64 * 1024;
const INFER = `/v2/models/${TEST_MODEL}/infer`;

interface Case {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  /** A string is sent as is (possibly invalid JSON); an object is JSON-encoded. */
  readonly body?: string | Record<string, unknown>;
  readonly status: number;
}

/** Generates the malformed requests deterministically from a seed. */
function generateCases(seed: number): Case[] {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor((random() + 0.5) * (hi - lo + 1));
  const rows = featureRows(4, seed);
  const valid = () => inferBody(rows, 0, 1) as { inputs: Array<Record<string, unknown>> };
  const withInput = (patch: Record<string, unknown>) => ({ inputs: [{ ...valid().inputs[0], ...patch }] });
  const cases: Case[] = [];
  const bad = (kind: string, body: Case['body'], status = 400) =>
    cases.push({ kind, method: 'POST', path: INFER, body, status });

  for (let i = 0; i < 20; i++)
    bad('wrong input name', withInput({ name: `feature_${int(0, 1e6).toString(36)}` }));
  for (const datatype of [
    'BOOL',
    'UINT8',
    'UINT16',
    'UINT32',
    'UINT64',
    'INT8',
    'INT16',
    'INT32',
    'INT64',
    'FP16',
    'FP64',
    'BYTES',
    'fp32',
    'FLOAT',
    '',
    42,
    null,
  ])
    bad('wrong datatype', withInput({ datatype }));
  for (let i = 0; i < 12; i++) {
    const width = int(1, 120);
    if (width !== FEATURES)
      bad('wrong feature count', withInput({ shape: [1, width], data: new Array(width).fill(0.5) }));
  }
  for (const shape of [
    [FEATURES],
    [1, 1, FEATURES],
    [],
    [0, FEATURES],
    [257, FEATURES],
    [-1, FEATURES],
    [1.5, FEATURES],
    ['1', FEATURES],
    [1, null],
    'shape',
    {},
  ])
    bad('bad shape', withInput({ shape }));
  for (let i = 0; i < 20; i++) {
    const length = int(0, 3 * FEATURES);
    if (length !== FEATURES) bad('data length mismatch', withInput({ data: new Array(length).fill(1) }));
  }
  for (let i = 0; i < 15; i++) {
    const position = int(0, FEATURES - 1);
    const text = JSON.stringify(valid());
    const data = Array.from(rows.subarray(0, FEATURES), String);
    data[position] = ['null', '1e999', '-1e999', '"NaN"', '"Infinity"', '1e39', 'true', '{}', '[]'][i % 9];
    const broken = text.replace(/"data":\[[^\]]*\]/, `"data":[${data.join(',')}]`);
    bad('non-finite or non-number element', broken);
  }
  for (let i = 0; i < 30; i++) {
    const text = JSON.stringify(valid());
    bad('truncated JSON', text.slice(0, int(1, text.length - 2)));
  }
  for (const garbage of [
    '<xml/>',
    'inputs=1',
    'null',
    '42',
    '"text"',
    '[]',
    '[{}]',
    'true',
    '{',
    '}',
    '\u0000\u0001\u0002',
    '{"inputs": NaN}',
    "{'inputs': []}",
    '{"inputs": [1, 2]}',
    '\uFEFF{}',
  ])
    bad('not an inference request', garbage);
  const structural: Array<Record<string, unknown>> = [
    {},
    { inputs: {} },
    { inputs: 'features' },
    { inputs: [] },
    { inputs: [null] },
    { inputs: [[]] },
    withInput({ data: undefined }),
    withInput({ data: {} }),
    withInput({ data: 'AAAA' }),
    withInput({ name: undefined }),
    { ...valid(), id: 17 },
    { ...valid(), id: { a: 1 } },
    { ...valid(), outputs: [{ name: 'logits' }] },
    { ...valid(), outputs: [{}] },
    { ...valid(), outputs: { name: 'label' } },
    { ...valid(), parameters: 'x' },
    { ...valid(), parameters: { binary_data_output: true } },
    withInput({ parameters: { binary_data_size: 164 } }),
    { inputs: [valid().inputs[0], valid().inputs[0]] },
    withInput({ data: [[[Array.from(rows.subarray(0, FEATURES))]]] }),
  ];
  for (const body of structural) bad('malformed structure', body);
  for (let i = 0; i < 6; i++) {
    const n = int(MAX_BODY / 8, MAX_BODY / 2) + MAX_BODY / 4;
    bad('body over the limit', withInput({ data: new Array(n).fill(1.25) }), 413);
  }
  for (let i = 0; i < 12; i++) {
    const name = `model-${int(0, 1e6).toString(36)}`;
    cases.push({
      kind: 'unknown model',
      method: 'POST',
      path: `/v2/models/${name}/infer`,
      body: valid(),
      status: 404,
    });
    cases.push({ kind: 'unknown model metadata', method: 'GET', path: `/v2/models/${name}`, status: 404 });
  }
  for (let i = 0; i < 10; i++) {
    const version = int(3, 1e9);
    cases.push({
      kind: 'unknown version',
      method: 'POST',
      path: `/v2/models/${TEST_MODEL}/versions/${version}/infer`,
      body: valid(),
      status: 404,
    });
  }
  for (const alias of ['canary', 'shadow', 'latest', 'champion', '%E2%98%83', '-1', 'v1'])
    cases.push({
      kind: 'unknown alias',
      method: 'POST',
      path: `/v2/models/${TEST_MODEL}/versions/${alias}/infer`,
      body: valid(),
      status: 404,
    });
  for (const [method, path] of [
    ['GET', INFER],
    ['PUT', INFER],
    ['DELETE', `/v2/models/${TEST_MODEL}`],
    ['POST', '/v2/health/ready'],
    ['PATCH', '/v2/repository/index'],
  ])
    cases.push({ kind: 'wrong method', method, path, status: 405 });
  for (const path of [
    '/v1/models',
    '/v2/models',
    '/v2/models/',
    '/v2/model/x/infer',
    '/',
    '/v2/health',
    '/metrics/x',
    '/v2/models/a/b/c/d',
  ])
    cases.push({ kind: 'unknown path', method: 'GET', path, status: 404 });
  for (const body of [
    { aliases: { production: 99 } },
    { aliases: { Production: 1 } },
    { canary: { production: 0 } },
    { shadow: [] },
    'x',
  ])
    cases.push({
      kind: 'bad routing',
      method: 'PUT',
      path: `/v2/repository/models/${TEST_MODEL}/routing`,
      body,
      status: 400,
    });
  return cases;
}

let repo: Awaited<ReturnType<typeof createTestRepository>>;
let server: TestServer;

beforeAll(async () => {
  repo = await createTestRepository();
  server = await startTestServer(repo.dir, { maxBodyBytes: MAX_BODY });
});
afterAll(async () => {
  await server.close();
  await repo.remove();
});

describe('malformed requests', () => {
  it('answers each of the generated malformed requests with its 4xx and an error message, then still serves correctly', async () => {
    const cases = generateCases(2026);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const failures: string[] = [];
    const concurrency = 16;
    for (let start = 0; start < cases.length; start += concurrency) {
      await Promise.all(
        cases.slice(start, start + concurrency).map(async (c, offset) => {
          const response = await fetch(`${server.url}${c.path}`, {
            method: c.method,
            headers: { 'content-type': 'application/json' },
            ...(c.body === undefined
              ? {}
              : { body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) }),
          });
          const text = await response.text();
          let error: unknown;
          try {
            error = (JSON.parse(text) as { error?: unknown }).error;
          } catch {
            error = undefined;
          }
          if (response.status !== c.status || typeof error !== 'string' || error.length === 0)
            failures.push(
              `#${start + offset} ${c.kind} ${c.method} ${c.path}: ${response.status} ${text.slice(0, 200)}`,
            );
        }),
      );
    }
    expect(failures).toEqual([]);
    // Nothing reached the 500 path.
    expect(server.logs.filter((line) => line.includes('unexpected error'))).toEqual([]);

    // The service still answers correctly: health, and an inference equal to a plain session's.
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const rows = featureRows(3, 5);
    const expected = await referenceOutputs(mlpModel(2), rows);
    const response = await fetch(`${server.url}${INFER}`, {
      method: 'POST',
      body: JSON.stringify(inferBody(rows, 0, 3, 'after')),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      id: string;
      model_version: string;
      outputs: Array<{ data: number[] }>;
    };
    expect(body.id).toBe('after');
    expect(body.model_version).toBe('2');
    expect(body.outputs[0].data).toEqual(expected.flatMap((e) => e.probabilities));
    expect(body.outputs[1].data).toEqual(expected.map((e) => e.label));
    const stats = server.manager.statistics(TEST_MODEL, '2').model_stats[0];
    expect(stats.inference_stats.fail.count).toBeGreaterThan(100);
  });
});
