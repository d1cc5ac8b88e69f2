import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRepositoryError } from './errors';
import { readRepository } from './read-repository';
import { cardDraft, modelBytes, withRepository } from './testing.fixtures';
import { writeModelVersion } from './write-version';

describe('readRepository', () => {
  it('lists models by name and versions in numeric order, skipping hidden, stray and non-numeric entries', () =>
    withRepository(async (repo) => {
      const sae = 'malignancy-sae-combined';
      const lda = cardDraft(3, { family: 'lda', scenario: 'mc' });
      for (let i = 1; i <= 10; i++)
        await writeModelVersion(repo, { name: sae, onnx: modelBytes(i), card: cardDraft(3) });
      await writeModelVersion(repo, { name: 'malignancy-lda-mc', onnx: modelBytes(99), card: lda });
      await mkdir(join(repo, '.git'));
      await writeFile(join(repo, 'README.md'), 'models');
      await mkdir(join(repo, sae, '.tmp-1-abandoned'));
      await mkdir(join(repo, sae, 'configs'));
      await writeFile(join(repo, sae, '11'), 'a file, not a folder');
      const models = await readRepository(repo);
      expect(models.map((m) => m.name)).toEqual(['malignancy-lda-mc', sae]);
      const [ldaModel, saeModel] = models;
      expect(saeModel.versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(saeModel.versions.every((v) => v.card?.version === v.version && v.problem === undefined)).toBe(
        true,
      );
      expect(saeModel.config?.name).toBe(sae);
      expect(ldaModel.versions[0].card?.family).toBe('lda');
      expect(ldaModel.versions[0].dir).toBe(join(repo, 'malignancy-lda-mc', '1'));
    }));

  it('reports a broken version or config in place, without hiding the others', () =>
    withRepository(async (repo) => {
      const name = 'malignancy-sae-combined';
      for (let i = 1; i <= 3; i++)
        await writeModelVersion(repo, { name, onnx: modelBytes(i), card: cardDraft(3) });
      await rm(join(repo, name, '2', 'model.onnx'));
      await writeFile(join(repo, name, '3', 'card.json'), '[]');
      await mkdir(join(repo, name, '4'));
      const [model] = await readRepository(repo);
      expect(model.versions.map((v) => [v.version, v.problem?.code ?? 'ok'])).toEqual([
        [1, 'ok'],
        [2, 'NOT_FOUND'],
        [3, 'INVALID_CARD'],
        [4, 'NOT_FOUND'],
      ]);
      await writeFile(join(repo, name, 'config.pbtxt'), 'max_batch_size: {');
      const [broken] = await readRepository(repo);
      expect(broken.config).toBeUndefined();
      expect(broken.configProblem?.code).toBe('INVALID_CONFIG');
      expect(broken.versions[0].card?.version).toBe(1);
    }));

  it('raises NOT_FOUND for a repository that does not exist', () =>
    withRepository(async (repo) => {
      let error: unknown;
      try {
        await readRepository(join(repo, 'missing'));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ModelRepositoryError);
      expect((error as ModelRepositoryError).code).toBe('NOT_FOUND');
    }));
});
