/**
 * Feature extraction over a manifest: every image through the analysis pipeline, in @calcscope/analysis's
 * worker-thread pool, with a per-image cache keyed by file hash, schema hash and pipeline version.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { AnalysisWorkerPool, defaultAnalysisWorkerScript, serializeError } from '@calcscope/analysis';
import type { AnalysisResult } from '@calcscope/contracts';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { type CacheKeyParts, DEFAULT_CACHE_DIR, readCachedAnalysis, writeCachedAnalysis } from './cache';
import { DatasetError } from './errors';
import type { ManifestEntry } from './manifest';
import { analysisPipelineVersion } from './pipeline-version';
import { type ExtractionProgress, estimateEtaS } from './progress';

/** Why an image produced no analysis. */
export interface ExtractionFailure {
  /** The error's code: an ImageDecodeError code ('CORRUPT', 'UNSUPPORTED_FORMAT', ...), a file-system code
   * ('ENOENT'), 'WORKER_EXITED', or 'TASK_FAILED' for an error without a code. */
  readonly code: string;
  readonly message: string;
}

/** One manifest row after extraction. */
export interface ExtractedImage {
  readonly entry: ManifestEntry;
  /** SHA-256 of the file's bytes; null when the file could not be read. */
  readonly sha256: string | null;
  /** True when the result came from the cache (or from an identical file earlier in this run). */
  readonly cached: boolean;
  /** The analysis; null when it failed. */
  readonly result: AnalysisResult | null;
  /** Why it failed; null when it did not. */
  readonly error: ExtractionFailure | null;
}

/** Everything extractFeatures did. */
export interface Extraction {
  /** One per input row, in input order. */
  readonly images: readonly ExtractedImage[];
  readonly total: number;
  /** Analysed in this run. */
  readonly analysed: number;
  readonly cached: number;
  readonly failed: number;
  readonly elapsedS: number;
  /** total / elapsedS. */
  readonly imagesPerS: number;
  /** 'workers' when a worker pool ran the analyses, 'in-process' when the calling thread did. */
  readonly mode: 'workers' | 'in-process';
  /** Worker threads used (1 in process). */
  readonly workers: number;
  /** Absolute cache folder; null when caching was off. */
  readonly cacheDir: string | null;
  readonly pipelineVersion: string;
  readonly schemaHash: string;
  /** Results that could not be written to the cache (kept in `images`; recomputed next run). */
  readonly cacheWriteFailures: number;
  readonly firstCacheWriteError: string | null;
}

export interface ExtractOptions {
  /** Worker threads (--workers N), integer ≥ 1; default defaultWorkerCount(). */
  readonly workers?: number;
  /** Cache folder (default DEFAULT_CACHE_DIR, relative to the working directory); null turns caching off. */
  readonly cacheDir?: string | null;
  /** Called once at the start and after every image. */
  readonly onProgress?: (progress: ExtractionProgress) => void;
  /** Pipeline version for the cache key (default analysisPipelineVersion()). */
  readonly pipelineVersion?: string;
  /**
   * The compiled worker script; default @calcscope/analysis's defaultAnalysisWorkerScript(). null runs
   * every analysis in the calling thread (what happens under vitest, which runs the TypeScript sources).
   */
  readonly workerScript?: string | null;
}

/** max(1, available cores − 1): leaves one core to the main thread (hashing, cache, progress). */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Runs the analysis pipeline (decode → MC detection and clustering → mass segmentation → 15/26/41
 * features) on every row's image.
 *
 * Each image's AnalysisResult is cached as JSON under `cacheDir`, keyed by the SHA-256 of the file's bytes,
 * FEATURE_SCHEMA_HASH and the pipeline version (see cache.ts): a second run over the same files is served
 * from the cache, and a changed pipeline or schema recomputes. Rows whose files hash alike are analysed
 * once. An image that cannot be read or analysed is recorded as failed with its error code; the others go
 * on (no exception). Each file is read once, on this thread (its hash is the cache key), and its bytes are
 * transferred to a worker; at most two files per worker are read ahead of the analyses.
 *
 * Parameters
 * ----------
 * rows : validated manifest rows (readManifest(...).rows).
 * options : workers, cacheDir, onProgress, pipelineVersion, workerScript.
 *
 * Returns the per-row results in input order and the run's counts and timing.
 *
 * Raises DatasetError INVALID_OPTION for a bad worker count or a workerScript that does not exist; the
 * file system's errors when the cache folder cannot be created. A cache entry that cannot be written is
 * counted in `cacheWriteFailures`, not thrown.
 */
export async function extractFeatures(
  rows: readonly ManifestEntry[],
  options: ExtractOptions = {},
): Promise<Extraction> {
  const workers = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new DatasetError('INVALID_OPTION', `--workers must be an integer ≥ 1, got ${workers}`);
  }
  const workerScript =
    options.workerScript === undefined ? defaultAnalysisWorkerScript() : options.workerScript;
  if (workerScript !== null && !existsSync(workerScript)) {
    throw new DatasetError('INVALID_OPTION', `worker script not found: ${workerScript}`);
  }
  const cacheDir = options.cacheDir === null ? null : resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const pipelineVersion = options.pipelineVersion ?? (await analysisPipelineVersion());
  const started = performance.now();
  const images = new Array<ExtractedImage>(rows.length);
  let done = 0;
  let cached = 0;
  let failed = 0;
  let cacheWriteFailures = 0;
  let firstCacheWriteError: string | null = null;
  if (cacheDir) await mkdir(cacheDir, { recursive: true });
  const report = () => {
    const elapsedS = (performance.now() - started) / 1000;
    options.onProgress?.({
      done,
      total: rows.length,
      cached,
      failed,
      elapsedS,
      etaS: estimateEtaS(done, rows.length, elapsedS),
    });
  };
  const finish = (k: number, image: ExtractedImage) => {
    images[k] = image;
    done++;
    if (image.cached) cached++;
    if (image.error) failed++;
    report();
  };
  report();

  const pool = new AnalysisWorkerPool({ workers, script: workerScript });
  // Results of files already hashed in this run, by file hash: identical files are analysed once.
  const inRun = new Map<string, Promise<AnalysisResult>>();
  // Rows not yet finished. Bounded, so that the bytes read ahead of the workers stay a few files' worth;
  // in process, one at a time (each analysis runs before the next file is read).
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = pool.mode === 'workers' ? 2 * pool.size : 1;
  try {
    for (let k = 0; k < rows.length; k++) {
      const entry = rows[k];
      let bytes: Buffer;
      try {
        bytes = await readFile(entry.imagePath);
      } catch (error) {
        finish(k, { entry, sha256: null, cached: false, result: null, error: failure(error) });
        continue;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const parts: CacheKeyParts = { fileSha256: sha256, schemaHash: FEATURE_SCHEMA_HASH, pipelineVersion };
      const earlier = inRun.get(sha256);
      const hit = earlier ? null : cacheDir ? await readCachedAnalysis(cacheDir, parts) : null;
      let analysis: Promise<AnalysisResult>;
      if (earlier) analysis = earlier;
      else if (hit) analysis = Promise.resolve(hit);
      else {
        // The bytes just hashed are the bytes analysed (transferred to a worker: `bytes` is detached).
        analysis = pool.run({ bytes }).then(({ value }) => value.result);
        if (cacheDir) {
          // A failed cache write costs a recomputation next run, not this run's result.
          analysis = analysis.then((result) =>
            writeCachedAnalysis(cacheDir, parts, result).then(
              () => result,
              (error) => {
                cacheWriteFailures++;
                firstCacheWriteError ??= failure(error).message;
                return result;
              },
            ),
          );
        }
      }
      inRun.set(sha256, analysis);
      const fromCache = earlier !== undefined || hit !== null;
      const settled = analysis.then(
        (result) => finish(k, { entry, sha256, cached: fromCache, result, error: null }),
        (error) => finish(k, { entry, sha256, cached: false, result: null, error: failure(error) }),
      );
      inFlight.add(settled);
      const forget = () => inFlight.delete(settled);
      settled.then(forget, forget);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const elapsedS = (performance.now() - started) / 1000;
  return {
    images,
    total: rows.length,
    analysed: rows.length - cached - failed,
    cached,
    failed,
    elapsedS,
    imagesPerS: elapsedS > 0 ? rows.length / elapsedS : 0,
    mode: pool.mode,
    workers: pool.mode === 'workers' ? pool.size : 1,
    cacheDir,
    pipelineVersion,
    schemaHash: FEATURE_SCHEMA_HASH,
    cacheWriteFailures,
    firstCacheWriteError,
  };
}

function failure(error: unknown): ExtractionFailure {
  const { code, message } = serializeError(error);
  return { code, message };
}
