/**
 * Reading one card.json or config.pbtxt from the repository, turning file-system and format failures
 * into ModelRepositoryError codes (NOT_FOUND, INVALID_CARD, INVALID_CONFIG).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { validateCard } from './card-validate';
import { parseConfigPbtxt } from './config-parse';
import type { TritonModelConfig } from './config-types';
import { ModelRepositoryError } from './errors';
import { CARD_FILE, CONFIG_FILE } from './layout';

/** Whether an error is the file system's "no such file or directory". */
export function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Read a file's bytes; a missing file raises ModelRepositoryError NOT_FOUND naming `what`. */
export async function readRepositoryFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissingFile(error)) throw new ModelRepositoryError('NOT_FOUND', `${what} not found: ${path}`);
    throw error;
  }
}

/**
 * Read and validate `<versionDir>/card.json`.
 *
 * Parameters: `versionDir` — the version folder; `name`, `version` — what the folder's place in the
 * repository says the card must name.
 * Returns the validated card.
 * Raises ModelRepositoryError NOT_FOUND (no card.json), INVALID_CARD (not JSON, breaks the contract, or
 * names another model or version than its folder — a card copied into the wrong place).
 */
export async function readCardFile(versionDir: string, name: string, version: number): Promise<ModelCard> {
  const path = join(versionDir, CARD_FILE);
  const text = (await readRepositoryFile(path, 'card.json')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelRepositoryError('INVALID_CARD', `${path} is not JSON: ${(error as Error).message}`);
  }
  const card = validateCard(json);
  const problems: string[] = [];
  if (card.name !== name) problems.push(`card names model '${card.name}' but lies in folder '${name}'`);
  if (card.version !== version)
    problems.push(`card names version ${card.version} but lies in folder '${version}'`);
  if (problems.length > 0)
    throw new ModelRepositoryError('INVALID_CARD', `${path} does not belong to its folder`, problems);
  return card;
}

/**
 * Read and parse `<modelDir>/config.pbtxt`, skipping fields outside Calcscope's subset (they are
 * Triton's business, e.g. `optimization`).
 *
 * Parameters: `modelDir` — the model folder; `name` — the folder's model name.
 * Returns the config. Raises ModelRepositoryError NOT_FOUND (no config.pbtxt) or INVALID_CONFIG (syntax,
 * a rule of the subset, or a `name` other than the folder's).
 */
export async function readConfigFile(modelDir: string, name: string): Promise<TritonModelConfig> {
  const path = join(modelDir, CONFIG_FILE);
  const text = (await readRepositoryFile(path, 'config.pbtxt')).toString('utf8');
  const config = parseConfigPbtxt(text, { ignoreUnknownFields: true });
  if (config.name !== undefined && config.name !== name)
    throw new ModelRepositoryError('INVALID_CONFIG', `${path} names model '${config.name}', not '${name}'`);
  return config;
}
