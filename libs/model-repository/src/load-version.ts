/**
 * Loading one model version for serving, verified: the card is valid and belongs to its folder, its
 * feature schema is one the caller knows, model.onnx hashes to the card's sha256, and config.pbtxt is an
 * ONNX Runtime config whose tensors match the card.
 */
import { join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { signatureProblems } from './config-for-model';
import type { TritonModelConfig } from './config-types';
import { sha256Hex } from './durable-fs';
import { ModelRepositoryError } from './errors';
import { MODEL_FILE, modelDirectory, versionDirectory } from './layout';
import { readCardFile, readConfigFile, readRepositoryFile } from './repository-files';

export interface LoadModelVersionOptions {
  /**
   * Feature-schema hashes the caller can feed (FEATURE_SCHEMA_HASH of @calcscope/features, hashes of
   * known user tables). Required: a card whose featureSchemaHash is not listed is refused.
   */
  acceptedSchemaHashes: Iterable<string>;
}

export interface LoadedModelVersion {
  name: string;
  version: number;
  /** `<repo>/<name>/<version>`. */
  dir: string;
  card: ModelCard;
  /** model.onnx's bytes, verified against card.onnxSha256. */
  onnx: Uint8Array;
  /** The model folder's config.pbtxt (fields outside the supported subset skipped). */
  config: TritonModelConfig;
}

function isOnnxRuntimeConfig(config: TritonModelConfig): boolean {
  return (
    config.platform === 'onnxruntime_onnx' ||
    (config.platform === undefined && config.backend === 'onnxruntime')
  );
}

/**
 * Read one version and verify it before anyone runs it.
 *
 * Parameters: `repoDir` — repository root; `name` — model name; `version` — version number;
 * `options.acceptedSchemaHashes` — the feature schemas the caller accepts.
 * Returns card, ONNX bytes and config.
 * Raises ModelRepositoryError (checked in this order): INVALID_ARGUMENT (unsafe name, version not a
 * positive integer); NOT_FOUND (version folder, card.json, model.onnx or config.pbtxt missing);
 * INVALID_CARD (card not JSON, breaks the contract, or names another model/version); UNKNOWN_SCHEMA
 * (featureSchemaHash not accepted); SHA256_MISMATCH (model.onnx altered); INVALID_CONFIG (unreadable
 * config, another model's name, or a platform other than onnxruntime_onnx / backend onnxruntime);
 * SIGNATURE_MISMATCH (the config's tensors differ from the card's).
 */
export async function loadModelVersion(
  repoDir: string,
  name: string,
  version: number,
  options: LoadModelVersionOptions,
): Promise<LoadedModelVersion> {
  const dir = versionDirectory(repoDir, name, version);
  const card = await readCardFile(dir, name, version);
  const accepted = new Set(options.acceptedSchemaHashes);
  if (!accepted.has(card.featureSchemaHash))
    throw new ModelRepositoryError(
      'UNKNOWN_SCHEMA',
      `${name} version ${version} was trained on feature schema ${card.featureSchemaHash}, which is not among the ${accepted.size} accepted`,
    );
  const onnx = await readRepositoryFile(join(dir, MODEL_FILE), MODEL_FILE);
  const actual = sha256Hex(onnx);
  if (actual !== card.onnxSha256)
    throw new ModelRepositoryError(
      'SHA256_MISMATCH',
      `${join(dir, MODEL_FILE)} has sha256 ${actual}, the card says ${card.onnxSha256}`,
    );
  const config = await readConfigFile(modelDirectory(repoDir, name), name);
  if (!isOnnxRuntimeConfig(config))
    throw new ModelRepositoryError(
      'INVALID_CONFIG',
      `${name}/config.pbtxt is for platform '${config.platform ?? ''}' backend '${config.backend ?? ''}', not ONNX Runtime`,
    );
  const mismatch = signatureProblems(card, config);
  if (mismatch.length > 0)
    throw new ModelRepositoryError(
      'SIGNATURE_MISMATCH',
      `${name} version ${version} and config.pbtxt differ`,
      mismatch,
    );
  return { name, version, dir, card, onnx, config };
}
