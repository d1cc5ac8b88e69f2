/** Worker thread of the training service: runs one training job and reports progress to the parent. */
import { parentPort, workerData } from 'node:worker_threads';
import { runTraining } from '../run-training';
import type { TrainingConfig } from '../training-config';

const port = parentPort;
if (!port) throw new Error('job-worker must run in a worker thread');

runTraining(workerData as TrainingConfig, (event) => port.postMessage({ type: 'progress', event })).then(
  (outcome) => port.postMessage({ type: 'done', outcome }),
  (error: { code?: string; message?: string; problems?: unknown }) =>
    port.postMessage({
      type: 'error',
      error: {
        code: error?.code ?? 'JOB_FAILED',
        message: error?.message ?? String(error),
        problems: error?.problems,
      },
    }),
);
