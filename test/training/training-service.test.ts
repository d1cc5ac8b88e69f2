import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProjects, ROOT } from '../build';

/** A two-class feature table: class 1 shifted by 1.2 σ on the first 5 of 8 columns (seeded LCG). */
function featureTableCsv(rows: number, seed: number): string {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const header = ['id', ...Array.from({ length: 8 }, (_, j) => `f${j}`), 'outcome'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const y = i % 2;
    const values = Array.from({ length: 8 }, (_, j) => (normal() + (j < 5 ? 1.2 * y : 0)).toFixed(5));
    lines.push([`r${i}`, ...values, y ? 'malignant' : 'benign'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

interface JobView {
  id: string;
  status: string;
  progress: { fraction: number } | null;
  error: { message: string } | null;
  result: { versions: { name: string }[]; report: { json: string } };
}

interface ErrorView {
  code: string;
  problems: string[];
}

const json = async <T>(res: Response) => (await res.json()) as T;

describe('training service (compiled, real HTTP, jobs in a worker thread)', () => {
  let dir: string;
  let service: ChildProcess;
  let base: string;

  beforeAll(async () => {
    buildProjects('apps/training');
    dir = await mkdtemp(join(tmpdir(), 'calcscope-training-service-'));
    await writeFile(join(dir, 'table.csv'), featureTableCsv(240, 7));
    service = spawn(process.execPath, [resolve(ROOT, 'apps/training/dist/main.js')], {
      cwd: dir,
      env: { ...process.env, TRAINING_PORT: '0', ORT_PROVIDERS: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = await new Promise<string>((resolveUrl, reject) => {
      service.stdout?.on('data', (chunk: Buffer) => {
        const match = /listening on (http:\/\/[\d.:]+)/.exec(chunk.toString());
        if (match) resolveUrl(match[1]);
      });
      service.once('exit', (code) => reject(new Error(`service exited early with ${code}`)));
    });
  });

  afterAll(async () => {
    service?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  async function waitForJob(id: string) {
    const seenFractions: number[] = [];
    for (let i = 0; i < 600; i++) {
      const job = await json<JobView>(await fetch(`${base}/jobs/${id}`));
      if (job.progress) seenFractions.push(job.progress.fraction);
      if (job.status === 'succeeded' || job.status === 'failed') return { job, seenFractions };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('job did not finish in 60 s');
  }

  it('answers health and rejects an invalid job with every problem listed', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const res = await fetch(`${base}/jobs`, {
      method: 'POST',
      body: JSON.stringify({ features: 'table.csv', models: 'sae,forest', seed: -1 }),
    });
    expect(res.status).toBe(400);
    const body = await json<ErrorView>(res);
    expect(body.code).toBe('INVALID_JOB');
    expect(body.problems.join('\n')).toMatch(/--label/);
    expect(body.problems.join('\n')).toMatch(/forest/);
    expect(body.problems.join('\n')).toMatch(/seed/);
    expect((await fetch(`${base}/jobs`, { method: 'POST', body: '{not json' })).status).toBe(400);
    expect((await fetch(`${base}/jobs/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('runs a job to completion with progress, a report and new model versions', async () => {
    const res = await fetch(`${base}/jobs`, {
      method: 'POST',
      body: JSON.stringify({
        features: 'table.csv',
        label: 'outcome',
        models: 'lda,logistic',
        seed: 11,
        quick: true,
        cvFolds: 5,
        out: 'repo',
      }),
    });
    expect(res.status).toBe(202);
    const { id } = await json<JobView>(res);
    const { job, seenFractions } = await waitForJob(id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(seenFractions.length).toBeGreaterThan(0);
    expect(job.result.versions.map((v: { name: string }) => v.name).sort()).toEqual([
      'malignancy-lda-table',
      'malignancy-logistic-table',
    ]);
    const report = JSON.parse(await readFile(job.result.report.json, 'utf8'));
    expect(report.results).toHaveLength(2);
    for (const r of report.results) expect(r.auc).toBeGreaterThan(0.75);
    expect(existsSync(join(dir, 'repo', 'malignancy-lda-table', '1', 'model.onnx'))).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/calcscope_training_jobs_total\{outcome="succeeded"\} 1/);
    expect(metrics).toMatch(/process_resident_memory_bytes/);
  });

  it('fails a job whose data is unusable and leaves no version behind', async () => {
    await writeFile(join(dir, 'one-class.csv'), 'a,b,outcome\n1,2,benign\n3,4,benign\n5,6,benign\n');
    const res = await fetch(`${base}/jobs`, {
      method: 'POST',
      body: JSON.stringify({
        features: 'one-class.csv',
        label: 'outcome',
        models: 'lda',
        out: 'repo-failed',
      }),
    });
    const { job } = await waitForJob((await json<JobView>(res)).id);
    expect(job.status).toBe('failed');
    expect(job.error?.message.length).toBeGreaterThan(0);
    const repo = join(dir, 'repo-failed');
    expect(existsSync(repo) ? await readdir(repo) : []).toEqual([]);
  });
});
