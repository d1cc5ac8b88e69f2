/**
 * The repository layout (Triton's): `<repo>/<model>/config.pbtxt`, `<repo>/<model>/<version>/model.onnx`
 * and `card.json`, version folders named by positive integers. Names here are the only place these
 * strings are spelled.
 */
import { join } from 'node:path';
import { ModelRepositoryError } from './errors';

export const CONFIG_FILE = 'config.pbtxt';
export const MODEL_FILE = 'model.onnx';
export const CARD_FILE = 'card.json';
/** Prefix of a version being written; hidden, so Triton and readRepository skip it. */
export const TEMPORARY_PREFIX = '.tmp-';

const VERSION_FOLDER = /^[1-9][0-9]*$/;
const SAFE_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether a folder name is a version folder: a positive integer without leading zeros, ≤ 2^53 - 1. */
export function isVersionFolderName(name: string): boolean {
  return VERSION_FOLDER.test(name) && Number.isSafeInteger(Number(name));
}

/**
 * Check that a model name is one path segment: starts with a letter or digit, then letters, digits,
 * `_`, `.` or `-`, and no `..`. Raises ModelRepositoryError INVALID_ARGUMENT otherwise.
 */
export function assertModelName(name: string): void {
  if (typeof name !== 'string' || !SAFE_MODEL_NAME.test(name) || name.includes('..'))
    throw new ModelRepositoryError('INVALID_ARGUMENT', `model name '${name}' is not a safe folder name`);
}

/** Raises ModelRepositoryError INVALID_ARGUMENT unless `version` is a positive safe integer. */
export function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1)
    throw new ModelRepositoryError('INVALID_ARGUMENT', `version ${version} is not a positive integer`);
}

/** `<repo>/<model>`. */
export function modelDirectory(repoDir: string, name: string): string {
  assertModelName(name);
  return join(repoDir, name);
}

/** `<repo>/<model>/<version>`. */
export function versionDirectory(repoDir: string, name: string, version: number): string {
  assertVersion(version);
  return join(modelDirectory(repoDir, name), String(version));
}
