/**
 * `npm run start:training`: the training service (jobs API, metrics, health) on TRAINING_PORT (8100).
 * Jobs run one at a time in a worker thread; SIGTERM stops accepting and exits once no job runs (or
 * after TRAINING_SHUTDOWN_GRACE_S seconds, 10 by default: a running job is then abandoned, and
 * since versions are written last and rolled back on failure, it leaves no version behind).
 */

import { runTrainingInWorker } from './service/run-in-worker';
import { createTrainingService } from './service/server';
import { parseTrainingConfig } from './training-config';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`${name} must be an integer port in [0, 65535], got '${raw}'\n`);
    process.exit(2);
  }
  return port;
}

const port = portFromEnv('TRAINING_PORT', 8100);
const service = createTrainingService({
  runner: runTrainingInWorker,
  parseConfig: (body) => {
    const input = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    return parseTrainingConfig({ ...input, command: `POST /jobs ${JSON.stringify(input)}` });
  },
});
service.server.listen(port, '127.0.0.1', () => {
  const address = service.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`training service listening on http://127.0.0.1:${actual}\n`);
});

process.once('SIGTERM', () => {
  service.server.close();
  const grace = Number(process.env.TRAINING_SHUTDOWN_GRACE_S ?? 10) * 1000;
  const timer = setTimeout(() => process.exit(0), grace);
  service.queue.idle().then(() => {
    clearTimeout(timer);
    process.exit(0);
  });
});
