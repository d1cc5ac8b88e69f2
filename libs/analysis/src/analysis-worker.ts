/**
 * Worker-thread entry of AnalysisWorkerPool: runs the analyses the main thread sends. Runs only as
 * compiled JavaScript (libs/analysis/dist/analysis-worker.js); never import it from the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { analysisOutputTransfer, runAnalysisTask } from './analysis-task';
import { serveTasks } from './worker-protocol';

serveTasks(parentPort, runAnalysisTask, analysisOutputTransfer);
