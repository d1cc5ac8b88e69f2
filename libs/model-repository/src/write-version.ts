/**
 * Adding a version to the repository so that it appears whole or not at all, never overwriting one:
 * the files are written and fsynced in a hidden temporary folder inside the model folder, which is then
 * renamed to the next free version number (rename is atomic, and fails on a non-empty target).
 */
import { mkdir, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { validateCard } from './card-validate';
import type { ConfigForModelOptions } from './config-for-model';
import { configForModel, signatureProblems } from './config-for-model';
import { parseConfigPbtxt } from './config-parse';
import { renderConfigPbtxt } from './config-render';
import type { TritonModelConfig } from './config-types';
import { replaceFileAtomically, sha256Hex, syncDirectory, writeNewFileDurably } from './durable-fs';
import { ModelRepositoryError } from './errors';
import { assertModelName, CARD_FILE, CONFIG_FILE, isVersionFolderName, MODEL_FILE } from './layout';
import { isMissingFile } from './repository-files';
import { removeStaleStagingIn, stagingFolderName } from './staging';

/** A card before it has a place: the writer fills in name, version and onnxSha256. */
export type ModelCardDraft = Omit<ModelCard, 'name' | 'version' | 'onnxSha256'>;

export interface WriteModelVersionInput {
  /** Model folder name; must equal `<task>-<family>-<scenario>` of the card. */
  name: string;
  /** The exported model's bytes (model.onnx). */
  onnx: Uint8Array;
  card: ModelCardDraft;
  /**
   * An explicit config.pbtxt for the model folder; written whenever its rendering differs from the
   * existing file. Its tensors must match the card (else SIGNATURE_MISMATCH).
   */
  config?: TritonModelConfig;
  /** Serving settings used when the writer generates config.pbtxt itself (see configForModel). */
  configOptions?: ConfigForModelOptions;
}

export interface WrittenModelVersion {
  name: string;
  version: number;
  /** The version folder, `<repo>/<name>/<version>`. */
  dir: string;
  /** The card as written to card.json. */
  card: ModelCard;
  /** Whether config.pbtxt was created or replaced by this call. */
  configWritten: boolean;
  /** Abandoned staging folders of this model removed before writing (see removeStaleStaging). */
  removedStaging: string[];
}

/** Collisions tolerated before giving up; each one means another writer claimed the number first. */
const MAX_CLAIM_ATTEMPTS = 100;

function cardJson(card: ModelCard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}

/**
 * The highest version number present in a model folder (0 when none). Any entry with a version-like
 * name counts, file or folder, so a number whose name is taken is never chosen.
 */
export async function highestVersion(modelDir: string): Promise<number> {
  let highest = 0;
  for (const entry of await readdir(modelDir))
    if (isVersionFolderName(entry)) highest = Math.max(highest, Number(entry));
  return highest;
}

/** Errors rename(2) gives when the target name is already taken by a non-empty folder or a file. */
function isTakenError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR';
}

/**
 * Publish a complete temporary folder as a version: rename it to `card.version`, and when another writer
 * took that number first, rewrite its card.json with the next free number and try again.
 *
 * Parameters: `modelDir` — the model folder; `temporaryDir` — a folder inside it holding model.onnx and
 * card.json (fsynced); `card` — the card in it, whose `version` is the first number to try.
 * Returns the card as finally published (its `version` is the folder's name).
 * Raises ModelRepositoryError VERSION_CONFLICT after MAX_CLAIM_ATTEMPTS collisions; other file-system
 * errors unchanged. The temporary folder is left in place on failure (the caller removes it).
 */
export async function claimVersionFolder(
  modelDir: string,
  temporaryDir: string,
  card: ModelCard,
): Promise<ModelCard> {
  let candidate = card.version;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    if (candidate !== card.version) {
      card = { ...card, version: candidate };
      await replaceFileAtomically(join(temporaryDir, CARD_FILE), cardJson(card));
    }
    try {
      await rename(temporaryDir, join(modelDir, String(candidate)));
      await syncDirectory(modelDir);
      return card;
    } catch (error) {
      if (!isTakenError(error)) throw error;
      candidate = Math.max(candidate + 1, (await highestVersion(modelDir)) + 1);
    }
  }
  throw new ModelRepositoryError(
    'VERSION_CONFLICT',
    `no free version in ${modelDir} after ${MAX_CLAIM_ATTEMPTS} collisions with other writers`,
  );
}

async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

/**
 * Decide what config.pbtxt must become for a new version. Returns the config to write, or undefined when
 * the existing file stays. Rules:
 * - an explicit `input.config` (tensors checked against the card) is written unless the file already
 *   has exactly its rendering;
 * - no file: configForModel(card, input.configOptions);
 * - a file whose tensors match the card stays untouched (an operator's tuning survives retraining);
 * - a file whose tensors differ is regenerated: input and output from the card, every other setting kept
 *   from the file — except max_batch_size and dynamic_batching, which come from configForModel when the
 *   card switches between batched and unbatched. A file holding fields outside the supported subset
 *   cannot be carried over faithfully, so that case raises INVALID_CONFIG instead.
 */
async function planConfig(
  modelDir: string,
  card: ModelCard,
  input: WriteModelVersionInput,
): Promise<TritonModelConfig | undefined> {
  const path = join(modelDir, CONFIG_FILE);
  const existingText = await readTextIfPresent(path);
  if (input.config) {
    if (input.config.name !== undefined && input.config.name !== card.name)
      throw new ModelRepositoryError(
        'INVALID_CONFIG',
        `config names '${input.config.name}', not '${card.name}'`,
      );
    const problems = signatureProblems(card, input.config);
    if (problems.length > 0)
      throw new ModelRepositoryError('SIGNATURE_MISMATCH', 'config does not match the card', problems);
    const config = { ...input.config, name: card.name };
    return existingText === renderConfigPbtxt(config) ? undefined : config;
  }
  if (existingText === undefined) return configForModel(card, input.configOptions);
  const existing = parseConfigPbtxt(existingText, { ignoreUnknownFields: true });
  if (existing.name !== undefined && existing.name !== card.name)
    throw new ModelRepositoryError('INVALID_CONFIG', `${path} names model '${existing.name}'`);
  if (signatureProblems(card, existing).length === 0) return undefined;
  let tuned: TritonModelConfig;
  try {
    tuned = parseConfigPbtxt(existingText);
  } catch (error) {
    const problems = error instanceof ModelRepositoryError ? error.problems : [String(error)];
    throw new ModelRepositoryError(
      'INVALID_CONFIG',
      `${path} must be regenerated for the new signature but holds settings this library cannot carry over; edit or remove it`,
      problems,
    );
  }
  const derived = configForModel(card, input.configOptions);
  const keepBatching = tuned.maxBatchSize > 0 && derived.maxBatchSize > 0;
  return {
    ...tuned,
    name: card.name,
    maxBatchSize: keepBatching ? tuned.maxBatchSize : derived.maxBatchSize,
    input: derived.input,
    output: derived.output,
    dynamicBatching: keepBatching ? tuned.dynamicBatching : derived.dynamicBatching,
  };
}

/**
 * Add a new version of a model to a Triton-layout repository, atomically and without overwriting.
 *
 * Parameters: `repoDir` — the repository root (created if absent); `input` — model name, ONNX bytes,
 * card draft, and optionally an explicit config or serving options for a generated one.
 * Returns the version number, its folder, the card as written (name, version, onnxSha256 filled in) and
 * whether config.pbtxt was (re)written.
 *
 * Steps: abandoned staging folders of this model are removed (removeStaleStaging's rules, default age);
 * model.onnx is written and fsynced into `<repo>/<name>/.tmp-<host>-<pid>-<random>/`, read back and
 * hashed (the card's onnxSha256 is the hash of the bytes on disk); the card is completed with the next
 * version number (highest existing + 1) and validated; config.pbtxt is planned (see planConfig); card.json
 * is written and fsynced; config.pbtxt, if needed, is replaced atomically; then the temporary folder is
 * renamed to the version number. A concurrent writer that claimed the number first makes the rename fail
 * (the target is non-empty): the card is rewritten with the next number and the rename retried.
 *
 * Raises ModelRepositoryError INVALID_ARGUMENT (unsafe name, empty model), INVALID_CARD (the completed
 * card breaks the contract, e.g. name ≠ task-family-scenario), INVALID_CONFIG / SIGNATURE_MISMATCH (see
 * planConfig), SHA256_MISMATCH (the bytes read back differ from those given), VERSION_CONFLICT. On any
 * failure the temporary folder is removed and no version folder is created; a model folder this call
 * created is removed again if still empty. An error removing a stale staging folder (e.g. EACCES) is
 * raised unchanged before anything is written.
 */
export async function writeModelVersion(
  repoDir: string,
  input: WriteModelVersionInput,
): Promise<WrittenModelVersion> {
  assertModelName(input.name);
  if (!(input.onnx instanceof Uint8Array) || input.onnx.length === 0)
    throw new ModelRepositoryError('INVALID_ARGUMENT', 'onnx must be a non-empty Uint8Array');
  const modelDir = join(repoDir, input.name);
  const createdModelDir = (await mkdir(modelDir, { recursive: true })) !== undefined;
  // Only this model's folder: one readdir, so every write keeps its own folder free of stale staging.
  const removedStaging = createdModelDir ? [] : await removeStaleStagingIn(modelDir);
  const temporaryDir = join(modelDir, stagingFolderName());
  await mkdir(temporaryDir);
  try {
    const modelPath = join(temporaryDir, MODEL_FILE);
    await writeNewFileDurably(modelPath, input.onnx);
    const onnxSha256 = sha256Hex(await readFile(modelPath));
    if (onnxSha256 !== sha256Hex(input.onnx))
      throw new ModelRepositoryError('SHA256_MISMATCH', `${modelPath} reads back different bytes`);
    const version = (await highestVersion(modelDir)) + 1;
    const draft: ModelCard = { name: input.name, version, ...input.card, onnxSha256 };
    // Re-assert the writer's fields (keeping their place first in card.json): a full card passed as the
    // draft must not override them.
    draft.name = input.name;
    draft.version = version;
    draft.onnxSha256 = onnxSha256;
    const card = validateCard(draft);
    const config = await planConfig(modelDir, card, input);
    await writeNewFileDurably(join(temporaryDir, CARD_FILE), cardJson(card));
    await syncDirectory(temporaryDir);
    if (config) await replaceFileAtomically(join(modelDir, CONFIG_FILE), renderConfigPbtxt(config));
    const published = await claimVersionFolder(modelDir, temporaryDir, card);
    return {
      name: input.name,
      version: published.version,
      dir: join(modelDir, String(published.version)),
      card: published,
      configWritten: config !== undefined,
      removedStaging,
    };
  } catch (error) {
    await rm(temporaryDir, { recursive: true, force: true });
    if (createdModelDir) await rmdir(modelDir).catch(() => undefined);
    throw error;
  }
}
