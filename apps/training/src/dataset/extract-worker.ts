/**
 * Worker-thread entry of extractFeatures: analyses the files the pool sends. Runs only as compiled
 * JavaScript (dist/dataset/extract-worker.js); never import it from the main thread.
 */
import { analyzeFile } from './analyze-file';
import { serveWorkerTasks } from './worker-protocol';

serveWorkerTasks(analyzeFile);
