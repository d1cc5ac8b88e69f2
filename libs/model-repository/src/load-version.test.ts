import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRepositoryError } from './errors';
import { loadModelVersion } from './load-version';
import { cardDraft, modelBytes, schemaHash, sha256, withRepository } from './testing.fixtures';
import { writeModelVersion } from './write-version';

const NAME = 'malignancy-sae-combined';
const ACCEPTED = { acceptedSchemaHashes: [schemaHash(3)] };

async function rejection(promise: Promise<unknown>): Promise<ModelRepositoryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRepositoryError);
    return error as ModelRepositoryError;
  }
  throw new Error('expected a ModelRepositoryError');
}

/** A repository holding versions 1 and 2 of NAME. */
async function twoVersions(repo: string) {
  await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1, 1024), card: cardDraft(3) });
  return writeModelVersion(repo, { name: NAME, onnx: modelBytes(2, 1024), card: cardDraft(3) });
}

describe('loadModelVersion', () => {
  it('returns the verified card, bytes and config of the version asked for', () =>
    withRepository(async (repo) => {
      const second = await twoVersions(repo);
      const loaded = await loadModelVersion(repo, NAME, 2, {
        acceptedSchemaHashes: new Set([schemaHash(3)]),
      });
      expect(loaded.card).toEqual(second.card);
      expect(new Uint8Array(loaded.onnx)).toEqual(modelBytes(2, 1024));
      expect(loaded.config.platform).toBe('onnxruntime_onnx');
      expect(loaded.config.input).toEqual([{ name: 'features', dataType: 'TYPE_FP32', dims: [3] }]);
      const first = await loadModelVersion(repo, NAME, 1, ACCEPTED);
      expect(sha256(first.onnx)).toBe(sha256(modelBytes(1, 1024)));
    }));

  it('refuses a model.onnx altered after it was written', () =>
    withRepository(async (repo) => {
      const written = await twoVersions(repo);
      const path = join(written.dir, 'model.onnx');
      const bytes = await readFile(path);
      bytes[500] ^= 0x01; // one flipped bit
      await writeFile(path, bytes);
      const error = await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED));
      expect(error.code).toBe('SHA256_MISMATCH');
      expect(error.message).toContain(sha256(bytes));
      await writeFile(path, bytes.subarray(0, 100)); // truncated
      expect((await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED))).code).toBe('SHA256_MISMATCH');
      expect((await loadModelVersion(repo, NAME, 1, ACCEPTED)).version).toBe(1);
    }));

  it('refuses a card whose feature schema the caller does not accept', () =>
    withRepository(async (repo) => {
      await twoVersions(repo);
      const other = await rejection(
        loadModelVersion(repo, NAME, 1, { acceptedSchemaHashes: [schemaHash(41)] }),
      );
      expect(other.code).toBe('UNKNOWN_SCHEMA');
      const none = await rejection(loadModelVersion(repo, NAME, 1, { acceptedSchemaHashes: [] }));
      expect(none.code).toBe('UNKNOWN_SCHEMA');
    }));

  it('reports missing versions and files as NOT_FOUND', () =>
    withRepository(async (repo) => {
      const written = await twoVersions(repo);
      expect((await rejection(loadModelVersion(repo, NAME, 3, ACCEPTED))).code).toBe('NOT_FOUND');
      expect((await rejection(loadModelVersion(repo, 'malignancy-svm-mc', 1, ACCEPTED))).code).toBe(
        'NOT_FOUND',
      );
      await rm(join(written.dir, 'model.onnx'));
      expect((await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED))).message).toMatch(
        /model.onnx not found/,
      );
      await rm(join(repo, NAME, 'config.pbtxt'));
      expect((await rejection(loadModelVersion(repo, NAME, 1, ACCEPTED))).message).toMatch(
        /config.pbtxt not found/,
      );
    }));

  it('refuses a card that is not JSON, breaks the contract, or lies in another version’s folder', () =>
    withRepository(async (repo) => {
      const written = await twoVersions(repo);
      const cardPath = join(written.dir, 'card.json');
      const card = JSON.parse(await readFile(cardPath, 'utf8'));
      await writeFile(cardPath, JSON.stringify({ ...card, version: 1 }));
      const moved = await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED));
      expect(moved.code).toBe('INVALID_CARD');
      expect(moved.problems).toEqual(["card names version 1 but lies in folder '2'"]);
      await writeFile(cardPath, '{"name": ');
      expect((await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED))).message).toMatch(/is not JSON/);
      await writeFile(cardPath, JSON.stringify({ ...card, metrics: undefined }));
      expect((await rejection(loadModelVersion(repo, NAME, 2, ACCEPTED))).problems).toEqual([
        'metrics: must be an object',
      ]);
    }));

  it('refuses a config for another platform, another model, or other tensors', () =>
    withRepository(async (repo) => {
      await twoVersions(repo);
      const configPath = join(repo, NAME, 'config.pbtxt');
      const original = await readFile(configPath, 'utf8');
      const cases: [string, string, RegExp][] = [
        ['platform: "onnxruntime_onnx"', 'platform: "tensorrt_plan"', /not ONNX Runtime/],
        [`name: "${NAME}"`, 'name: "malignancy-svm-combined"', /names model 'malignancy-svm-combined'/],
        ['dims: [ 3 ]', 'dims: [ 41 ]', /config has TYPE_FP32 dims \[41\]/],
      ];
      const codes: string[] = [];
      for (const [from, to, message] of cases) {
        await writeFile(configPath, original.replace(from, to));
        const error = await rejection(loadModelVersion(repo, NAME, 1, ACCEPTED));
        expect(error.message).toMatch(message);
        codes.push(error.code);
      }
      expect(codes).toEqual(['INVALID_CONFIG', 'INVALID_CONFIG', 'SIGNATURE_MISMATCH']);
      // Triton's own settings outside the subset do not stop Calcscope from loading.
      await writeFile(configPath, `${original}optimization { graph { level: 1 } }\n`);
      expect((await loadModelVersion(repo, NAME, 1, ACCEPTED)).version).toBe(1);
    }));

  it('refuses unsafe names and non-positive versions', () =>
    withRepository(async (repo) => {
      await twoVersions(repo);
      await rename(join(repo, NAME), join(repo, 'renamed'));
      for (const [name, version] of [
        ['../renamed', 1],
        ['renamed', 0],
        ['renamed', 1.5],
      ] as const)
        expect((await rejection(loadModelVersion(repo, name, version, ACCEPTED))).code).toBe(
          'INVALID_ARGUMENT',
        );
    }));
});
