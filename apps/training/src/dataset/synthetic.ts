/**
 * `--data synthetic`: the Wang-2016-shaped phantom cohort, written once and reused.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  cohortSpecs,
  PHANTOM_PARAMETERS,
  type ProgressListener,
  writePhantomDataset,
} from '@calcscope/phantom';
import { DatasetError } from './errors';
import { codeFingerprint } from './pipeline-version';

/** Wang et al. 2016's cohort size: 1,000 training + 204 test cases. */
export const WANG2016_SIZE = 1204;

/** The file, beside manifest.csv, that says what the folder holds (written last). */
export const SYNTHETIC_STAMP_FILE = 'synthetic.json';

export interface SyntheticOptions {
  /** Number of cases (one image each), 1–100,000; default 1,204 (the paper's 1,000 / 204 split). */
  readonly n?: number;
  /** Cohort seed, integer in [0, 2³² − 1]. */
  readonly seed: number;
  /** Called after each image written: (done, total, elapsed seconds). */
  readonly onProgress?: ProgressListener;
}

/** What makeSyntheticDataset produced. */
export interface SyntheticDataset {
  /** Absolute path of manifest.csv. */
  readonly manifestPath: string;
  /** True when the folder already held this exact cohort and nothing was written. */
  readonly reused: boolean;
  readonly n: number;
  readonly seed: number;
}

/** The identity of a written cohort, as stored in the stamp file. */
interface SyntheticStamp {
  readonly cohort: 'wang2016';
  readonly n: number;
  readonly seed: number;
  readonly generator: { readonly name: string; readonly version: string };
  /** SHA-256 of the JSON of the cohort's specs (catches changed cohort tables). */
  readonly specsSha256: string;
  /** codeFingerprint('@calcscope/phantom') (catches changed rendering code). */
  readonly phantomCode: string;
}

/**
 * Writes the 'wang2016' phantom cohort (1024 × 1024, 8-bit, 0.1 mm; `<id>.dcm`, `<id>.png`,
 * `<id>.truth.json` and manifest.csv) into `dir` with writePhantomDataset(cohortSpecs('wang2016', n, seed)).
 *
 * Reuse: after writing, a stamp file (SYNTHETIC_STAMP_FILE) records the cohort, n, seed, the generator's
 * name and version, a hash of the specs and a fingerprint of @calcscope/phantom's code. A later call whose
 * stamp matches all of these, with manifest.csv present, writes nothing. Any difference — or a missing
 * stamp, as after an interrupted run (the stamp is removed before writing and written last) — regenerates
 * the folder's files.
 *
 * Parameters
 * ----------
 * dir : output folder (created if missing).
 * options : n, seed, onProgress.
 *
 * Returns the manifest path and whether the folder was reused.
 *
 * Raises DatasetError INVALID_OPTION for a bad n or seed; file-system errors while writing.
 */
export async function makeSyntheticDataset(
  dir: string,
  options: SyntheticOptions,
): Promise<SyntheticDataset> {
  const n = options.n ?? WANG2016_SIZE;
  const { seed } = options;
  if (!(Number.isInteger(n) && n >= 1 && n <= 100_000)) {
    throw new DatasetError('INVALID_OPTION', `--n must be an integer in [1, 100000], got ${n}`);
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new DatasetError('INVALID_OPTION', `--seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  const folder = resolve(dir);
  const manifestPath = join(folder, 'manifest.csv');
  const stampPath = join(folder, SYNTHETIC_STAMP_FILE);
  const specs = cohortSpecs('wang2016', n, seed);
  const stamp: SyntheticStamp = {
    cohort: 'wang2016',
    n,
    seed,
    generator: PHANTOM_PARAMETERS.generator,
    specsSha256: createHash('sha256').update(JSON.stringify(specs)).digest('hex'),
    phantomCode: await codeFingerprint('@calcscope/phantom'),
  };
  const expected = JSON.stringify(stamp);
  const [existing, manifest] = await Promise.all([readText(stampPath), readText(manifestPath)]);
  if (manifest !== null && normalisedJson(existing) === expected) {
    return { manifestPath, reused: true, n, seed };
  }
  await rm(stampPath, { force: true });
  await writePhantomDataset(specs, folder, options.onProgress);
  await writeFile(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return { manifestPath, reused: false, n, seed };
}

/** JSON text re-serialised without whitespace; null for null or unparsable text. */
function normalisedJson(text: string | null): string | null {
  if (text === null) return null;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
