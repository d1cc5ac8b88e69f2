import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainingOutcome, TrainingProgressEvent } from '../run-training';
import type { TrainingConfig } from '../training-config';
import type { JobProgress } from './job-queue';

/** Error of a job that failed inside its worker, with the worker's code and problem list. */
export class TrainingJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly problems?: unknown,
  ) {
    super(message);
    this.name = 'TrainingJobError';
  }
}

/**
 * Runs a training job in a worker thread (the compiled `job-worker.js` beside this file), so the
 * service's event loop keeps answering while a job trains. Rejects with TrainingJobError when the job
 * fails or the worker dies.
 */
export function runTrainingInWorker(
  config: TrainingConfig,
  onProgress: (progress: JobProgress) => void,
): Promise<TrainingOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'job-worker.js'), { workerData: config });
    let settled = false;
    worker.on(
      'message',
      (message: {
        type: string;
        event?: TrainingProgressEvent;
        outcome?: TrainingOutcome;
        error?: { code: string; message: string; problems?: unknown };
      }) => {
        if (message.type === 'progress' && message.event) {
          const e = message.event;
          onProgress({
            stage: e.stage,
            done: e.done,
            total: e.total,
            fraction: e.fraction,
            etaS: e.etaS,
            message: e.message,
          });
        } else if (message.type === 'done') {
          settled = true;
          resolve(message.outcome as TrainingOutcome);
        } else if (message.type === 'error' && message.error) {
          settled = true;
          reject(new TrainingJobError(message.error.code, message.error.message, message.error.problems));
        }
      },
    );
    worker.on('error', (error) => {
      if (!settled) reject(new TrainingJobError('WORKER_FAILED', error.message));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new TrainingJobError('WORKER_EXITED', `training worker exited with code ${code}`));
      settled = true;
    });
  });
}
