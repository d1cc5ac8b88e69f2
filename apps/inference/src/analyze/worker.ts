/**
 * Worker-thread entry of the analysis pool: runs the analyses the main thread sends. Runs only as
 * compiled JavaScript (dist/analyze/worker.js); never import it from the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { outputTransfer, runAnalyzeTask } from './run-task';
import { serveTasks } from './worker-protocol';

serveTasks(parentPort, runAnalyzeTask, outputTransfer);
