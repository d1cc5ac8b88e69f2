/**
 * The compiled service as `npm run start:inference` runs it (apps/inference/dist/main.js) in a child
 * process: settings are validated at start, and SIGTERM stops accepting connections, lets the request in
 * flight finish, and exits 0 well within 10 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestRepository,
  featureRows,
  inferBody,
  TEST_MODEL,
} from '../../apps/inference/src/testing/fixtures';
import { buildProjects, ROOT } from '../build';

const MAIN = resolve(ROOT, 'apps/inference/dist/main.js');
let repo: Awaited<ReturnType<typeof createTestRepository>>;

beforeAll(async () => {
  buildProjects('apps/inference');
  repo = await createTestRepository();
});
afterAll(async () => {
  await repo.remove();
});

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      INFERENCE_HOST: '127.0.0.1',
      INFERENCE_PORT: '0',
      ORT_PROVIDERS: 'cpu',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = output().match(pattern);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('inference process lifecycle', () => {
  it('refuses invalid settings at start with a clear message and exit code 2', async () => {
    const { output, exited } = start({ INFERENCE_PORT: 'eighty', MODEL_REPOSITORY: '/nonexistent/models' });
    expect(await exited).toBe(2);
    expect(output()).toMatch(/invalid inference settings/);
    expect(output()).toMatch(/INFERENCE_PORT='eighty' must be an integer from 0 to 65535/);
    expect(output()).toMatch(/MODEL_REPOSITORY='\/nonexistent\/models' .* does not exist/);
  });

  it('on SIGTERM stops accepting, finishes the request in flight and exits 0 within 10 s', async () => {
    const { child, output, exited } = start({ MODEL_REPOSITORY: repo.dir });
    const port = Number((await waitFor(output, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 20_000))[1]);
    await waitFor(output, /inference: ready, 2 version\(s\) of 1 model\(s\) serving/, 20_000);

    // A request whose body is still arriving when the signal comes: it is in flight and must complete.
    const body = JSON.stringify(inferBody(featureRows(1), 0, 1, 'in-flight'));
    let answered: (value: { status: number; text: string }) => void;
    const answer = new Promise<{ status: number; text: string }>((resolve) => (answered = resolve));
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v2/models/${TEST_MODEL}/infer`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => answered({ status: res.statusCode ?? 0, text }));
      },
    );
    req.write(body.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await waitFor(output, /received SIGTERM/, 5000);
    // New connections are refused while the request in flight drains.
    const refused = await fetch(`http://127.0.0.1:${port}/v2/health/live`).then(
      () => 'accepted',
      (error: Error) => String((error.cause as { code?: string })?.code ?? error),
    );
    expect(refused).toBe('ECONNREFUSED');
    req.end(body.slice(40));
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ id: 'in-flight', model_name: TEST_MODEL, model_version: '2' });

    expect(await exited).toBe(0);
    const seconds = (Date.now() - signalledAt) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(output()).toMatch(/inference: drained; sessions released/);
  });
});
