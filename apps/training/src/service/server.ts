import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type Job, JobQueue, type JobRunner } from './job-queue';

/** Largest accepted POST /jobs body; a job description is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export interface TrainingServiceOptions<Config, Result> {
  runner: JobRunner<Config, Result>;
  /** Validates a POST /jobs body into a job config; throws an Error with a `problems` list or message. */
  parseConfig: (body: unknown) => Config;
  /** Jobs run at once (default 1). */
  concurrency?: number;
}

export interface TrainingService<Config, Result> {
  server: Server;
  queue: JobQueue<Config, Result>;
  registry: Registry;
}

/**
 * The training service's HTTP shell: `POST /jobs` (202 with the job), `GET /jobs`, `GET /jobs/:id` (status,
 * progress, and the result when done), `GET /metrics` (Prometheus), `GET /health/live`, `GET /health/ready`.
 * Errors are `{ "error": message, "code"?, "problems"? }` with a 4xx status.
 */
export function createTrainingService<Config, Result>(
  options: TrainingServiceOptions<Config, Result>,
): TrainingService<Config, Result> {
  const queue = new JobQueue(options.runner, options.concurrency ?? 1);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobsTotal = new Counter({
    name: 'calcscope_training_jobs_total',
    help: 'Training jobs finished, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'calcscope_training_job_duration_seconds',
    help: 'Wall time of finished training jobs.',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
    registers: [registry],
  });
  new Gauge({
    name: 'calcscope_training_jobs',
    help: 'Training jobs by current status.',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      for (const [status, n] of Object.entries(queue.counts())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'calcscope_training_job_progress_ratio',
    help: 'Fraction done of the running job (0 when none runs).',
    registers: [registry],
    collect() {
      const running = queue.list().find((j) => j.status === 'running');
      this.set(running?.progress?.fraction ?? 0);
    },
  });
  queue.on('finished', (job: Job<Config, Result>) => {
    jobsTotal.inc({ outcome: job.status });
    if (job.startedAt && job.finishedAt) {
      const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
      jobDuration.observe({ outcome: job.status }, seconds);
    }
  });

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof HttpError)
        return send(res, error.status, { error: error.message, code: error.code });
      send(res, 500, { error: error instanceof Error ? error.message : String(error), code: 'INTERNAL' });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/health/live') return send(res, 200, { status: 'live' });
    if (path === '/health/ready') return send(res, 200, { status: 'ready' });
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return;
    }
    if (path === '/jobs' && req.method === 'POST') {
      const body = await readJsonBody(req);
      let config: Config;
      try {
        config = options.parseConfig(body);
      } catch (error) {
        const e = error as { message: string; code?: string; problems?: unknown };
        return send(res, 400, { error: e.message, code: e.code ?? 'INVALID_JOB', problems: e.problems });
      }
      const job = queue.submit(config);
      res.setHeader('location', `/jobs/${job.id}`);
      return send(res, 202, job);
    }
    if (path === '/jobs' && req.method === 'GET') return send(res, 200, { jobs: queue.list() });
    const match = /^\/jobs\/([0-9a-f-]{36})$/.exec(path);
    if (match && req.method === 'GET') {
      const job = queue.get(match[1]);
      return job ? send(res, 200, job) : send(res, 404, { error: `no job ${match[1]}`, code: 'NOT_FOUND' });
    }
    if (['/jobs', '/metrics'].includes(path) || match) {
      return send(res, 405, { error: `${req.method} not allowed on ${path}`, code: 'METHOD_NOT_ALLOWED' });
    }
    return send(res, 404, { error: `no route ${path}`, code: 'NOT_FOUND' });
  }

  return { server, queue, registry };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'BODY_TOO_LARGE', `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export { HttpError };
