/**
 * The feature cache: one JSON file per analysed image, keyed by what determines the analysis — the
 * image bytes, the feature schema and the pipeline code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '@calcscope/contracts';

/** Default cache folder, relative to the working directory (keep it out of git). */
export const DEFAULT_CACHE_DIR = '.cache/features';

/** Layout version of a cache entry; entries of another layout are misses. */
export const CACHE_ENTRY_FORMAT = 1;

/** What a cached analysis depends on. */
export interface CacheKeyParts {
  /** SHA-256 (hex) of the image file's bytes. */
  readonly fileSha256: string;
  /** FEATURE_SCHEMA_HASH of @calcscope/features. */
  readonly schemaHash: string;
  /** analysisPipelineVersion() or a caller's own version string. */
  readonly pipelineVersion: string;
}

interface CacheEntry extends CacheKeyParts {
  readonly format: number;
  readonly result: AnalysisResult;
}

/**
 * The cache key: SHA-256 (hex) of "calcscope-analysis", the entry format, the file hash, the schema hash
 * and the pipeline version, joined by newlines. Changing any part gives another key.
 */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256')
    .update(
      [
        'calcscope-analysis',
        CACHE_ENTRY_FORMAT,
        parts.fileSha256,
        parts.schemaHash,
        parts.pipelineVersion,
      ].join('\n'),
    )
    .digest('hex');
}

/** Path of a key's entry: `<cacheDir>/<first two hex digits>/<key>.json` (256 folders, not one huge one). */
export function cacheEntryPath(cacheDir: string, key: string): string {
  return join(cacheDir, key.slice(0, 2), `${key}.json`);
}

/**
 * Reads a cached analysis.
 *
 * Parameters
 * ----------
 * cacheDir : cache folder.
 * parts : the key's parts.
 *
 * Returns the AnalysisResult, or null on a miss: no entry, unreadable or truncated JSON, another entry
 * format, parts that differ from `parts`, or a result whose image hash is not `parts.fileSha256`.
 */
export async function readCachedAnalysis(
  cacheDir: string,
  parts: CacheKeyParts,
): Promise<AnalysisResult | null> {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(await readFile(cacheEntryPath(cacheDir, cacheKey(parts)), 'utf8')) as CacheEntry;
  } catch {
    return null;
  }
  const valid =
    typeof entry === 'object' &&
    entry !== null &&
    entry.format === CACHE_ENTRY_FORMAT &&
    entry.fileSha256 === parts.fileSha256 &&
    entry.schemaHash === parts.schemaHash &&
    entry.pipelineVersion === parts.pipelineVersion &&
    Array.isArray(entry.result?.lesions) &&
    entry.result.image?.sha256 === parts.fileSha256;
  return valid ? entry.result : null;
}

/**
 * Stores an analysis. The entry is written to a temporary file in the same folder and renamed into
 * place, so a reader (or a crash) never sees half an entry and concurrent writers of the same key are safe.
 *
 * Parameters
 * ----------
 * cacheDir : cache folder (created if missing).
 * parts : the key's parts.
 * result : the analysis of the file whose hash is parts.fileSha256.
 *
 * Raises the file system's errors (e.g. EACCES, ENOSPC).
 */
export async function writeCachedAnalysis(
  cacheDir: string,
  parts: CacheKeyParts,
  result: AnalysisResult,
): Promise<void> {
  const path = cacheEntryPath(cacheDir, cacheKey(parts));
  const entry: CacheEntry = { format: CACHE_ENTRY_FORMAT, ...parts, result };
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(join(path, '..'), { recursive: true });
  try {
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
