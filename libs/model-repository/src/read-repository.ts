/**
 * Listing a Triton-layout repository: every model folder, its config.pbtxt and every version folder with
 * its card, with per-entry problems reported rather than thrown, so one broken version does not hide the
 * rest. Listing does not hash model.onnx; loadModelVersion verifies that before a model is used.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { signatureProblems } from './config-for-model';
import type { TritonModelConfig } from './config-types';
import type { ModelRepositoryErrorCode } from './errors';
import { ModelRepositoryError } from './errors';
import { assertModelName, isVersionFolderName, MODEL_FILE } from './layout';
import { isMissingFile, readCardFile, readConfigFile } from './repository-files';

/** Why an entry cannot be used, as a ModelRepositoryError would report it. */
export interface RepositoryProblem {
  code: ModelRepositoryErrorCode;
  message: string;
}

export interface RepositoryVersion {
  version: number;
  /** `<repo>/<model>/<version>`. */
  dir: string;
  /** The validated card; absent when `problem` is set. */
  card?: ModelCard;
  /** Missing or invalid card.json, missing model.onnx, or a card whose tensors differ from the config. */
  problem?: RepositoryProblem;
}

export interface RepositoryModel {
  name: string;
  dir: string;
  /** The parsed config.pbtxt (fields outside the supported subset skipped); absent when `configProblem`. */
  config?: TritonModelConfig;
  configProblem?: RepositoryProblem;
  /** Version folders in ascending order. */
  versions: RepositoryVersion[];
}

function asProblem(error: unknown): RepositoryProblem {
  if (error instanceof ModelRepositoryError) return { code: error.code, message: error.message };
  throw error;
}

function isSafeModelName(name: string): boolean {
  try {
    assertModelName(name);
    return true;
  } catch {
    return false;
  }
}

async function readVersion(
  modelDir: string,
  name: string,
  version: number,
  config: TritonModelConfig | undefined,
): Promise<RepositoryVersion> {
  const dir = join(modelDir, String(version));
  try {
    const card = await readCardFile(dir, name, version);
    try {
      await stat(join(dir, MODEL_FILE));
    } catch (error) {
      if (!isMissingFile(error)) throw error;
      return { version, dir, problem: { code: 'NOT_FOUND', message: `${MODEL_FILE} not found in ${dir}` } };
    }
    const mismatch = config ? signatureProblems(card, config) : [];
    if (mismatch.length > 0)
      return {
        version,
        dir,
        problem: {
          code: 'SIGNATURE_MISMATCH',
          message: `card and config.pbtxt differ: ${mismatch.join('; ')}`,
        },
      };
    return { version, dir, card };
  } catch (error) {
    return { version, dir, problem: asProblem(error) };
  }
}

async function readModel(repoDir: string, name: string): Promise<RepositoryModel> {
  const dir = join(repoDir, name);
  const model: RepositoryModel = { name, dir, versions: [] };
  try {
    model.config = await readConfigFile(dir, name);
  } catch (error) {
    model.configProblem = asProblem(error);
  }
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  const versions = entries
    .filter((entry) => entry.isDirectory() && isVersionFolderName(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
  for (const version of versions) model.versions.push(await readVersion(dir, name, version, model.config));
  return model;
}

/**
 * List every model and version in a repository.
 *
 * Parameters: `repoDir` — the repository root.
 * Returns models sorted by name, each with its config (or the problem reading it) and its version
 * folders in ascending order, each with its validated card (or the problem). Skipped: hidden entries
 * (names starting with `.`, e.g. `.tmp-*` folders of writes in progress or abandoned), plain files, model
 * folders whose names are not safe path segments, and non-numeric entries inside a model folder (Triton's
 * `configs/`, notes, ...). Cards are validated and checked against their folder and the config's
 * tensors; model.onnx is only checked to exist.
 * Raises ModelRepositoryError NOT_FOUND when `repoDir` does not exist.
 */
export async function readRepository(repoDir: string): Promise<RepositoryModel[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(repoDir, { withFileTypes: true });
  } catch (error) {
    if (isMissingFile(error)) throw new ModelRepositoryError('NOT_FOUND', `repository not found: ${repoDir}`);
    throw error;
  }
  const names = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && isSafeModelName(entry.name))
    .map((entry) => entry.name)
    .sort();
  const models: RepositoryModel[] = [];
  for (const name of names) models.push(await readModel(repoDir, name));
  return models;
}
