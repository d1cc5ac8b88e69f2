import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What a running job reports: the current stage and how far along it is. */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  /** Overall fraction of the job done, 0–1 (stages weighted by the runner). */
  fraction: number;
  etaS: number | null;
  message?: string;
}

export interface Job<Config, Result> {
  id: string;
  status: JobStatus;
  config: Config;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress | null;
  result: Result | null;
  error: { code: string; message: string } | null;
}

/** Runs one job; calls onProgress as it goes; rejects to fail the job (and must leave nothing behind). */
export type JobRunner<Config, Result> = (
  config: Config,
  onProgress: (progress: JobProgress) => void,
) => Promise<Result>;

/**
 * A FIFO of jobs run by `runner`, at most `concurrency` at a time (one by default: training saturates
 * the machine). Jobs live in memory; their outputs (reports, model versions) are on disk.
 * Emits 'finished' (job) when a job ends either way.
 */
export class JobQueue<Config, Result> extends EventEmitter {
  private readonly jobs = new Map<string, Job<Config, Result>>();
  private readonly waiting: string[] = [];
  private running = 0;

  constructor(
    private readonly runner: JobRunner<Config, Result>,
    private readonly concurrency = 1,
  ) {
    super();
  }

  submit(config: Config): Job<Config, Result> {
    const job: Job<Config, Result> = {
      id: randomUUID(),
      status: 'queued',
      config,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      progress: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.waiting.push(job.id);
    queueMicrotask(() => this.pump());
    return job;
  }

  get(id: string): Job<Config, Result> | undefined {
    return this.jobs.get(id);
  }

  list(): Job<Config, Result>[] {
    return [...this.jobs.values()];
  }

  counts(): Record<JobStatus, number> {
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.status]++;
    return counts;
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) {
      await new Promise((resolve) => this.once('finished', resolve));
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.jobs.get(this.waiting.shift() as string) as Job<Config, Result>;
      this.running++;
      job.status = 'running';
      job.startedAt = new Date().toISOString();
      this.runner(job.config, (progress) => {
        job.progress = progress;
      }).then(
        (result) => this.finish(job, 'succeeded', result, null),
        (error: unknown) => {
          const e = error as { code?: unknown; message?: unknown };
          this.finish(job, 'failed', null, {
            code: typeof e?.code === 'string' ? e.code : 'JOB_FAILED',
            message: typeof e?.message === 'string' ? e.message : String(error),
          });
        },
      );
    }
  }

  private finish(
    job: Job<Config, Result>,
    status: JobStatus,
    result: Result | null,
    error: Job<Config, Result>['error'],
  ): void {
    job.status = status;
    job.result = result;
    job.error = error;
    job.finishedAt = new Date().toISOString();
    this.running--;
    this.emit('finished', job);
    this.pump();
  }
}
