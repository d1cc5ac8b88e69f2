/**
 * Dynamic batching through the HTTP server: N concurrent infer requests give exactly the answers N
 * sequential ones give (the JSON carries every float32 exactly), in fewer session.run calls than requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestRepository,
  featureRows,
  inferBody,
  startTestServer,
  TEST_MODEL,
  type TestServer,
} from '../../apps/inference/src/testing/fixtures';

const N = 64;
let repo: Awaited<ReturnType<typeof createTestRepository>>;
let server: TestServer;

beforeAll(async () => {
  repo = await createTestRepository([
    { seeds: [4], configOptions: { maxBatchSize: 32, maxQueueDelayMicroseconds: 2000 } },
  ]);
  server = await startTestServer(repo.dir);
});
afterAll(async () => {
  await server.close();
  await repo.remove();
});

function executions(): number {
  return server.manager.statistics(TEST_MODEL, '1').model_stats[0].execution_count;
}

describe('dynamic batching over HTTP', () => {
  it('answers N concurrent requests exactly as N sequential ones, with fewer session runs', async () => {
    const rows = featureRows(N, 8);
    const url = `${server.url}/v2/models/${TEST_MODEL}/infer`;
    // Requests of 1–3 rows, each starting at its own row.
    const bodies = Array.from({ length: N }, (_, i) =>
      JSON.stringify(inferBody(rows, i % (N - 3), 1 + (i % 3), `r${i}`)),
    );
    const post = async (body: string) => {
      const response = await fetch(url, { method: 'POST', body });
      expect(response.status).toBe(200);
      return response.text();
    };

    const before = executions();
    const sequential: string[] = [];
    for (const body of bodies) sequential.push(await post(body));
    expect(executions() - before).toBe(N);

    // Open the connections first, so the concurrent requests are not spread out by TCP handshakes.
    await Promise.all(bodies.map(() => fetch(`${server.url}/v2/health/live`).then((r) => r.arrayBuffer())));
    const middle = executions();
    const concurrent = await Promise.all(bodies.map(post));
    const runs = executions() - middle;
    expect(concurrent).toEqual(sequential);
    expect(runs).toBeLessThan(N);
    const stats = server.manager.statistics(TEST_MODEL, '1').model_stats[0];
    const largest = Math.max(...stats.batch_stats.map((b) => b.batch_size));
    expect(largest).toBeGreaterThan(3);
    expect(largest).toBeLessThanOrEqual(32);
    console.log(
      `batching over HTTP: ${N} concurrent requests in ${runs} session runs (largest batch ${largest} rows)`,
    );
  });
});
