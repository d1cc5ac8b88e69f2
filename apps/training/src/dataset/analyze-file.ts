/**
 * The unit of extraction work, shared by the in-process path and the worker threads: analyse one file.
 */
import { readFile } from 'node:fs/promises';
import { analyzeImage } from '@calcscope/analysis';
import type { AnalysisResult } from '@calcscope/contracts';

/** An image to analyse and the SHA-256 its bytes had when they were hashed for the cache key. */
export interface AnalyzeFileTask {
  readonly path: string;
  readonly sha256: string;
}

/** The file's bytes no longer hash to the cache key computed for them (the file changed meanwhile). */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
  readonly code = 'FILE_CHANGED';
}

/**
 * Reads and analyses one image file with @calcscope/analysis's analyzeImage.
 *
 * Parameters
 * ----------
 * task : path and expected SHA-256.
 *
 * Returns the AnalysisResult (its image.sha256 equals task.sha256).
 *
 * Raises the file system's errors, ImageDecodeError for undecodable files, FileChangedError when the
 * bytes read hash to something else than task.sha256.
 */
export async function analyzeFile(task: AnalyzeFileTask): Promise<AnalysisResult> {
  return analyzeFileBytes(await readFile(task.path), task);
}

/** analyzeFile on bytes already read (the in-process path reads each file once). */
export async function analyzeFileBytes(bytes: Uint8Array, task: AnalyzeFileTask): Promise<AnalysisResult> {
  const { result } = await analyzeImage(bytes);
  if (result.image.sha256 !== task.sha256) {
    throw new FileChangedError(`${task.path} changed while it was being analysed`);
  }
  return result;
}
