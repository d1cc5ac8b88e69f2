/**
 * Hot swap under load: ≥ 2,000 inference requests at concurrency 32 on 127.0.0.1 while the production
 * version switches 10 times through the routing API. The two versions have different weights, so every
 * answer can be checked against the version it names. Zero requests may fail, and every version that was
 * switched away from must have released its session once drained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedVersion } from '../../apps/inference/src/serving/served-version';
import {
  createTestRepository,
  featureRows,
  inferBody,
  mlpModel,
  referenceOutputs,
  startTestServer,
  TEST_MODEL,
  type TestServer,
} from '../../apps/inference/src/testing/fixtures';

const TOTAL = 2000;
const CONCURRENCY = 32;
const SWITCHES = 10;
const DISTINCT_ROWS = 16;

let repo: Awaited<ReturnType<typeof createTestRepository>>;
let server: TestServer;

beforeAll(async () => {
  // version_policy latest 1: only version 2 stays loaded by policy, so every switch to version 1 loads and
  // warms a fresh session, and every switch back retires it (drain, then release).
  repo = await createTestRepository([
    { seeds: [1, 2], configOptions: { versionPolicy: { kind: 'latest', numVersions: 1 } } },
  ]);
  server = await startTestServer(repo.dir);
});
afterAll(async () => {
  await server.close();
  await repo.remove();
});

describe('hot swap under load', () => {
  it('switches production 10 times during 2,000 requests at concurrency 32 with zero failures and truthful versions', async () => {
    const rows = featureRows(DISTINCT_ROWS, 99);
    const expected: Record<string, Awaited<ReturnType<typeof referenceOutputs>>> = {
      '1': await referenceOutputs(mlpModel(1), rows),
      '2': await referenceOutputs(mlpModel(2), rows),
    };
    // The versions really differ on these rows, so a wrong version label would be caught.
    for (let r = 0; r < DISTINCT_ROWS; r++)
      expect(expected['1'][r].probabilities).not.toEqual(expected['2'][r].probabilities);
    const bodies = Array.from({ length: DISTINCT_ROWS }, (_, r) =>
      JSON.stringify(inferBody(rows, r, 1, `row-${r}`)),
    );
    const url = `${server.url}/v2/models/${TEST_MODEL}/infer`;

    let sent = 0;
    let completed = 0;
    const failures: string[] = [];
    const mismatches: string[] = [];
    const answeredBy = new Map<string, number>();
    const worker = async () => {
      while (sent < TOTAL) {
        const r = sent++ % DISTINCT_ROWS;
        try {
          const response = await fetch(url, { method: 'POST', body: bodies[r] });
          const text = await response.text();
          if (response.status !== 200) {
            failures.push(`${response.status} ${text.slice(0, 200)}`);
            continue;
          }
          const body = JSON.parse(text) as {
            id: string;
            model_version: string;
            outputs: Array<{ data: number[] }>;
          };
          answeredBy.set(body.model_version, (answeredBy.get(body.model_version) ?? 0) + 1);
          const reference = expected[body.model_version]?.[r];
          if (
            body.id !== `row-${r}` ||
            reference === undefined ||
            JSON.stringify(body.outputs[0].data) !== JSON.stringify(reference.probabilities) ||
            body.outputs[1].data[0] !== reference.label
          )
            mismatches.push(`row ${r} answered as version ${body.model_version}: ${text.slice(0, 200)}`);
        } catch (error) {
          failures.push(String(error));
        } finally {
          completed++;
        }
      }
    };

    const retiredCandidates = new Set<ServedVersion>();
    const switchTimes: number[] = [];
    const switcher = async () => {
      for (let k = 0; k < SWITCHES; k++) {
        // Spread the switches over the run: switch k happens after (k + 1) / 11 of the requests.
        while (completed < ((k + 1) * TOTAL) / (SWITCHES + 1))
          await new Promise((resolve) => setTimeout(resolve, 2));
        const production = k % 2 === 0 ? 1 : 2;
        const started = performance.now();
        const response = await fetch(`${server.url}/v2/repository/models/${TEST_MODEL}/routing`, {
          method: 'PUT',
          body: JSON.stringify({ aliases: { production } }),
        });
        switchTimes.push(performance.now() - started);
        expect(response.status).toBe(200);
        expect(
          ((await response.json()) as { resolved: { aliases: { production: number } } }).resolved.aliases
            .production,
        ).toBe(production);
        for (const served of server.manager.servingVersions())
          if (served.version === 1) retiredCandidates.add(served);
      }
    };

    const started = performance.now();
    await Promise.all([switcher(), ...Array.from({ length: CONCURRENCY }, worker)]);
    const seconds = (performance.now() - started) / 1000;

    expect(failures).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(completed).toBe(TOTAL);
    expect(switchTimes).toHaveLength(SWITCHES);
    expect(answeredBy.get('1')).toBeGreaterThan(0);
    expect(answeredBy.get('2')).toBeGreaterThan(0);
    // Five switches to version 1 each loaded a fresh session; the four switched away from are released.
    expect(retiredCandidates.size).toBe(SWITCHES / 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...retiredCandidates].filter((s) => s.state === 'UNLOADED')).toHaveLength(SWITCHES / 2);
    expect(server.manager.servingVersions().map((s) => s.version)).toEqual([2]);
    console.log(
      `hot swap: ${TOTAL} requests at concurrency ${CONCURRENCY} in ${seconds.toFixed(2)} s (${(TOTAL / seconds).toFixed(0)} req/s), ` +
        `answered by v1 ${answeredBy.get('1')}, v2 ${answeredBy.get('2')}; switch (load + warm + switch) ` +
        `median ${switchTimes.sort((a, b) => a - b)[SWITCHES / 2].toFixed(1)} ms`,
    );
  });
});
