/**
 * Child process of `npm run bench -- inference`: a small loopback HTTP load generator (keep-alive
 * http.Agent, one socket per concurrent client), run in its own process so that its CPU time is not the
 * server's. Reads one LoadSpec (JSON) from argv[2], prints one LoadReport (JSON) on stdout.
 *
 * Each of `concurrency` clients sends its next request as soon as its previous answer has been read
 * completely; bodies are read from files once and cycled. First `warmupRequests` unmeasured requests,
 * then the measured phase: `requests` requests, or fewer when `durationMs` runs out first.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/** What to send. */
export interface LoadSpec {
  readonly url: string;
  readonly contentType: string;
  /** Files whose bytes are the request bodies, used in turn. */
  readonly bodyFiles: readonly string[];
  readonly concurrency: number;
  /** Measured answers to collect (after warm-up); the run also ends at `durationMs`. */
  readonly requests: number;
  readonly durationMs: number;
  readonly warmupRequests: number;
  /** While the load runs, GET this URL back to back from one more client and report its latencies. */
  readonly probeUrl?: string;
}

/** What was measured (latencies in ms). */
export interface LoadReport {
  readonly requests: number;
  readonly errors: number;
  /** Answers by HTTP status (and 'network' for connection errors). */
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Latencies of the probe requests, when a probe URL was given. */
  readonly probe?: {
    readonly requests: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
}

/**
 * The q-quantile of sorted values (nearest rank).
 *
 * @param sorted - Ascending values.
 * @param q - In [0, 1].
 * @returns The value at rank ⌈q·n⌉ (NaN when empty).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function send(
  agent: Agent,
  url: URL,
  method: 'GET' | 'POST',
  contentType: string,
  body: Buffer | undefined,
): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers: body
          ? { 'content-type': contentType, 'content-length': body.length }
          : { 'content-length': 0 },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

/**
 * Runs the load described by `spec`.
 *
 * @param spec - Target, bodies, concurrency, counts, probe.
 * @returns Throughput, latency percentiles, statuses.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadReport> {
  const url = new URL(spec.url);
  const bodies = spec.bodyFiles.map((file) => readFileSync(file));
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies = new Float64Array(spec.requests);
  const statuses: Record<string, number> = {};
  let measured = 0;
  let errors = 0;
  let sent = 0;
  /** Sends `count` requests from `concurrency` clients (stopping early at `deadline`); records when asked. */
  const phase = async (count: number, deadline: number, record: boolean) => {
    let issued = 0;
    const client = async () => {
      while (issued < count && performance.now() < deadline) {
        issued++;
        const body = bodies[sent++ % bodies.length];
        const t0 = performance.now();
        const status = await send(agent, url, 'POST', spec.contentType, body);
        const latency = performance.now() - t0;
        if (!record) continue;
        const key = status === -1 ? 'network' : String(status);
        statuses[key] = (statuses[key] ?? 0) + 1;
        if (status < 200 || status >= 300) errors++;
        latencies[measured++] = latency;
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, client));
  };
  await phase(spec.warmupRequests, Number.POSITIVE_INFINITY, false);
  const probeLatencies: number[] = [];
  let probing = spec.probeUrl !== undefined;
  const probe = async () => {
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(spec.probeUrl!);
    while (probing) {
      const t0 = performance.now();
      await send(probeAgent, target, 'GET', '', undefined);
      probeLatencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    probeAgent.destroy();
  };
  const probeRun = probing ? probe() : Promise.resolve();
  const started = performance.now();
  await phase(spec.requests, started + spec.durationMs, true);
  const seconds = (performance.now() - started) / 1000;
  probing = false;
  await probeRun;
  agent.destroy();
  const sorted = latencies.subarray(0, measured).sort();
  const sortedProbe = Float64Array.from(probeLatencies).sort();
  return {
    requests: measured,
    errors,
    statuses,
    seconds,
    requestsPerSecond: measured / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: quantile(sorted, 1),
    ...(spec.probeUrl
      ? {
          probe: {
            requests: sortedProbe.length,
            p50Ms: quantile(sortedProbe, 0.5),
            p99Ms: quantile(sortedProbe, 0.99),
            maxMs: quantile(sortedProbe, 1),
          },
        }
      : {}),
  };
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2]) as LoadSpec).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );
}
