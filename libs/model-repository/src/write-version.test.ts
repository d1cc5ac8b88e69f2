import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configForModel } from './config-for-model';
import { parseConfigPbtxt } from './config-parse';
import { renderConfigPbtxt } from './config-render';
import { ModelRepositoryError } from './errors';
import { readRepository } from './read-repository';
import { cardDraft, completeCard, modelBytes, sha256, withRepository } from './testing.fixtures';
import { claimVersionFolder, writeModelVersion } from './write-version';

const NAME = 'malignancy-sae-combined';

async function rejection(promise: Promise<unknown>): Promise<ModelRepositoryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRepositoryError);
    return error as ModelRepositoryError;
  }
  throw new Error('expected a ModelRepositoryError');
}

/** Every entry of a model folder, sorted (hidden ones included). */
async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('writeModelVersion', () => {
  it('writes model.onnx, card.json (sha256 and version filled) and config.pbtxt in the Triton layout', () =>
    withRepository(async (repo) => {
      const onnx = modelBytes(1, 4096);
      const written = await writeModelVersion(repo, { name: NAME, onnx, card: cardDraft(3) });
      expect(written.version).toBe(1);
      expect(written.dir).toBe(join(repo, NAME, '1'));
      expect(written.configWritten).toBe(true);
      expect(written.card).toEqual(completeCard(cardDraft(3), 1, onnx));
      expect(await entries(join(repo, NAME))).toEqual(['1', 'config.pbtxt']);
      expect(await entries(written.dir)).toEqual(['card.json', 'model.onnx']);
      expect(new Uint8Array(await readFile(join(written.dir, 'model.onnx')))).toEqual(onnx);
      const onDisk = JSON.parse(await readFile(join(written.dir, 'card.json'), 'utf8'));
      expect(onDisk).toEqual(written.card);
      expect(onDisk.onnxSha256).toBe(sha256(onnx));
      expect(Object.keys(onDisk).slice(0, 2)).toEqual(['name', 'version']);
      const config = parseConfigPbtxt(await readFile(join(repo, NAME, 'config.pbtxt'), 'utf8'));
      expect(config).toEqual(configForModel(written.card));
    }));

  it('adds versions 1, 2, 3 without touching earlier ones, and leaves a matching config alone', () =>
    withRepository(async (repo) => {
      const first = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      const firstFiles = {
        onnx: await readFile(join(first.dir, 'model.onnx')),
        card: await readFile(join(first.dir, 'card.json')),
        mtime: (await stat(join(first.dir, 'card.json'))).mtimeMs,
      };
      const configPath = join(repo, NAME, 'config.pbtxt');
      // An operator tunes the config for a GPU host; retraining must not undo it.
      const tuned = configForModel(first.card, { instanceKind: 'KIND_GPU', maxBatchSize: 64 });
      await writeFile(configPath, renderConfigPbtxt(tuned));
      const second = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(2), card: cardDraft(3) });
      const third = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(3), card: cardDraft(3) });
      expect([second.version, third.version]).toEqual([2, 3]);
      expect([second.configWritten, third.configWritten]).toEqual([false, false]);
      expect(await readFile(configPath, 'utf8')).toBe(renderConfigPbtxt(tuned));
      expect(await readFile(join(first.dir, 'model.onnx'))).toEqual(firstFiles.onnx);
      expect(await readFile(join(first.dir, 'card.json'))).toEqual(firstFiles.card);
      expect((await stat(join(first.dir, 'card.json'))).mtimeMs).toBe(firstFiles.mtime);
      expect(third.card.onnxSha256).toBe(sha256(modelBytes(3)));
    }));

  it('gives concurrent writers distinct versions, each with its own model and card', () =>
    withRepository(async (repo) => {
      const writers = Array.from({ length: 8 }, (_, i) =>
        writeModelVersion(repo, { name: NAME, onnx: modelBytes(100 + i, 64 * 1024), card: cardDraft(3) }),
      );
      const written = await Promise.all(writers);
      expect(written.map((w) => w.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const [i, w] of written.entries()) {
        const card = JSON.parse(await readFile(join(w.dir, 'card.json'), 'utf8'));
        expect(card.version).toBe(w.version);
        expect(card.onnxSha256).toBe(sha256(modelBytes(100 + i, 64 * 1024)));
        expect(sha256(await readFile(join(w.dir, 'model.onnx')))).toBe(card.onnxSha256);
      }
      expect((await entries(join(repo, NAME))).filter((e) => e.startsWith('.'))).toEqual([]);
    }));

  it('never shows a half-written version: every version folder a concurrent reader sees is complete', () =>
    withRepository(async (repo) => {
      const onnx = modelBytes(7, 8 * 1024 * 1024);
      await mkdir(join(repo, NAME));
      let done = false;
      const write = writeModelVersion(repo, { name: NAME, onnx, card: cardDraft(3) }).finally(() => {
        done = true;
      });
      let observations = 0;
      let sawStaging = false;
      while (!done) {
        for (const entry of await readdir(join(repo, NAME))) {
          if (entry.startsWith('.tmp-')) sawStaging = true;
          if (!/^[0-9]+$/.test(entry)) continue;
          const dir = join(repo, NAME, entry);
          expect((await stat(join(dir, 'model.onnx'))).size).toBe(onnx.length);
          expect(JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')).version).toBe(Number(entry));
        }
        observations++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await write).version).toBe(1);
      // The reader really ran while the version was being staged, not only before or after.
      expect(sawStaging).toBe(true);
      expect(observations).toBeGreaterThan(1);
    }));

  it('moves to the next number when another writer claimed the version first', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      // The other writer's version 1, published between our choice of 1 and our rename.
      await mkdir(join(modelDir, '1'), { recursive: true });
      await writeFile(join(modelDir, '1', 'card.json'), 'the other writer');
      const temporary = join(modelDir, '.tmp-ours');
      await mkdir(temporary);
      const card = completeCard(cardDraft(3), 1, modelBytes(5));
      await writeFile(join(temporary, 'card.json'), JSON.stringify(card));
      const published = await claimVersionFolder(modelDir, temporary, card);
      expect(published.version).toBe(2);
      expect(await readFile(join(modelDir, '1', 'card.json'), 'utf8')).toBe('the other writer');
      expect(JSON.parse(await readFile(join(modelDir, '2', 'card.json'), 'utf8'))).toEqual(published);
      expect(await entries(modelDir)).toEqual(['1', '2']);
    }));

  it('leaves nothing behind when the card fails validation', () =>
    withRepository(async (repo) => {
      // name says malignancy, the card says dcis-idc: refused after the model bytes were staged.
      const wrongTask = cardDraft(3, { task: 'dcis-idc' });
      const error = await rejection(
        writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: wrongTask }),
      );
      expect(error.code).toBe('INVALID_CARD');
      expect(error.problems).toEqual([
        "name: 'malignancy-sae-combined' must be 'dcis-idc-sae-combined' (task-family-scenario)",
      ]);
      expect(await entries(repo)).toEqual([]); // the model folder this call created is gone too
      await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      const nan = cardDraft(3, { hyperparameters: { noise: Number.NaN } });
      expect(
        (await rejection(writeModelVersion(repo, { name: NAME, onnx: modelBytes(2), card: nan }))).code,
      ).toBe('INVALID_CARD');
      expect(await entries(join(repo, NAME))).toEqual(['1', 'config.pbtxt']);
    }));

  it('ignores a stale temporary folder and non-numeric folders when numbering and listing', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      await mkdir(join(modelDir, '.tmp-12345-deadbeef'), { recursive: true });
      await writeFile(join(modelDir, '.tmp-12345-deadbeef', 'model.onnx'), 'half a model');
      await mkdir(join(modelDir, 'configs'));
      await mkdir(join(modelDir, '007'));
      const written = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      expect(written.version).toBe(1);
      const [model] = await readRepository(repo);
      expect(model.versions.map((v) => v.version)).toEqual([1]);
      expect(model.versions[0].card).toEqual(written.card);
    }));

  it('regenerates the config tensors when the signature changes, keeping the operator’s serving settings', () =>
    withRepository(async (repo) => {
      const first = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      const configPath = join(repo, NAME, 'config.pbtxt');
      const tuned = configForModel(first.card, {
        instanceKind: 'KIND_GPU',
        instanceCount: 2,
        maxBatchSize: 64,
        preferredBatchSizes: [16],
        parameters: { intra_op_thread_count: '1' },
      });
      await writeFile(configPath, renderConfigPbtxt(tuned));
      const wider = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(2), card: cardDraft(4) });
      expect(wider.configWritten).toBe(true);
      const config = parseConfigPbtxt(await readFile(configPath, 'utf8'));
      expect(config).toEqual({ ...tuned, input: [{ name: 'features', dataType: 'TYPE_FP32', dims: [4] }] });
      const [model] = await readRepository(repo);
      expect(model.versions.map((v) => v.problem?.code)).toEqual(['SIGNATURE_MISMATCH', undefined]);
    }));

  it('refuses to regenerate a config holding settings it cannot carry over, writing nothing', () =>
    withRepository(async (repo) => {
      await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      const configPath = join(repo, NAME, 'config.pbtxt');
      const generated = await readFile(configPath, 'utf8');
      const handTuned = `${generated}optimization { graph { level: 1 } }\n`;
      const appendedLine = generated.split('\n').length; // generated ends with a newline
      await writeFile(configPath, handTuned);
      const same = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(2), card: cardDraft(3) });
      expect(same.configWritten).toBe(false);
      const error = await rejection(
        writeModelVersion(repo, { name: NAME, onnx: modelBytes(3), card: cardDraft(5) }),
      );
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.problems).toEqual([`optimization (line ${appendedLine}): unsupported field`]);
      expect(await readFile(configPath, 'utf8')).toBe(handTuned);
      expect(await entries(join(repo, NAME))).toEqual(['1', '2', 'config.pbtxt']);
    }));

  it('writes an explicit config only when it matches the card', () =>
    withRepository(async (repo) => {
      const card = completeCard(cardDraft(3), 1, modelBytes(1));
      const wrong = configForModel(completeCard(cardDraft(6), 1, modelBytes(1)));
      const error = await rejection(
        writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3), config: wrong }),
      );
      expect(error.code).toBe('SIGNATURE_MISMATCH');
      expect(await entries(repo)).toEqual([]);
      const explicit = { ...configForModel(card, { maxQueueDelayMicroseconds: 100 }), name: undefined };
      const written = await writeModelVersion(repo, {
        name: NAME,
        onnx: modelBytes(1),
        card: cardDraft(3),
        config: explicit,
      });
      expect(written.configWritten).toBe(true);
      const onDisk = parseConfigPbtxt(await readFile(join(repo, NAME, 'config.pbtxt'), 'utf8'));
      expect(onDisk).toEqual({ ...explicit, name: NAME });
    }));

  it('refuses unsafe names and empty models before touching the disk', () =>
    withRepository(async (repo) => {
      for (const name of ['../escape', '.hidden', 'a/b', '']) {
        const error = await rejection(
          writeModelVersion(repo, { name, onnx: modelBytes(1), card: cardDraft(3) }),
        );
        expect(error.code).toBe('INVALID_ARGUMENT');
      }
      const empty = await rejection(
        writeModelVersion(repo, { name: NAME, onnx: new Uint8Array(0), card: cardDraft(3) }),
      );
      expect(empty.code).toBe('INVALID_ARGUMENT');
      expect(await entries(repo)).toEqual([]);
    }));
});
