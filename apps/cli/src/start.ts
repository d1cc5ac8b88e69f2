/**
 * `npm start`: the platform's services on this machine — inference (OIP v2 + /v1/analyze, default models
 * from `models/`) and training (jobs API) — each its own process, output prefixed with its name.
 * Ctrl-C / SIGTERM stops both gracefully; if one exits, the other is stopped too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

interface Service {
  name: string;
  script: string;
  /** A line that says the service is up, and how to read its URL from it. */
  ready: RegExp;
}

const ROOT = resolve(__dirname, '../../..');
const SERVICES: Service[] = [
  { name: 'inference', script: 'apps/inference/dist/main.js', ready: /^inference: ready/ },
  { name: 'training', script: 'apps/training/dist/main.js', ready: /^training service listening/ },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function startService(service: Service): Promise<void> {
  return new Promise((resolveReady, reject) => {
    const child = spawn(process.execPath, [resolve(ROOT, service.script)], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(service.name, child);
    let ready = false;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        process.stdout.write(`[${service.name}] ${line}\n`);
        if (!ready && service.ready.test(line)) {
          ready = true;
          resolveReady();
        }
      });
    }
    child.once('exit', (code, signal) => {
      children.delete(service.name);
      process.stdout.write(`[${service.name}] exited (${signal ?? `code ${code}`})\n`);
      if (!ready) reject(new Error(`${service.name} exited before it was ready`));
      if (!stopping) stopAll(code === 0 ? 0 : 1);
    });
  });
}

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      process.exit(exitCode);
    }
  }, 50);
  setTimeout(() => process.exit(exitCode || 1), 12_000).unref();
}

async function main(): Promise<void> {
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  await Promise.all(SERVICES.map(startService));
  const inference = `http://127.0.0.1:${process.env.INFERENCE_PORT ?? 8000}`;
  const training = `http://127.0.0.1:${process.env.TRAINING_PORT ?? 8100}`;
  process.stdout.write(
    [
      '',
      'Calcscope is running:',
      `  inference  ${inference}/v2 (Open Inference Protocol), ${inference}/v1/analyze, ${inference}/metrics`,
      `  training   ${training}/jobs, ${training}/metrics`,
      'Try:',
      '  npm run phantom -- --out out/try --n 1 --seed 1',
      `  curl -s --data-binary @out/try/phantom-0001.dcm ${inference}/v1/analyze | head -c 600`,
      `  curl -s ${inference}/v2/repository/index -X POST`,
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`start failed: ${error instanceof Error ? error.message : error}\n`);
  stopAll(1);
});
