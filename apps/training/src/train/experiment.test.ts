import { gaussianClasses } from '@calcscope/ml';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from './errors';
import { type ExperimentProgress, type ExperimentResult, runExperiment } from './experiment';
import type { FeatureTableLike } from './feature-table';

/** A feature table of two Gaussian classes: the first `nTest` rows (0-based, every 4th row) are test rows. */
function table(
  scenario: FeatureTableLike['scenario'],
  p: number,
  n: number,
  separation: number,
  seed: number,
): FeatureTableLike {
  const d = gaussianClasses({ n, p, separation, seed });
  return {
    scenario,
    featureNames: Array.from({ length: p }, (_, j) => `f${j}`),
    schemaHash: `hash-${scenario}`,
    rows: n,
    x: d.x.data as Float64Array,
    y: d.y,
    ids: Array.from({ length: n }, (_, i) => `${scenario}-${i}`),
    split: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'test' : i % 17 === 5 ? 'external' : 'train')),
  };
}

describe('runExperiment', () => {
  const tables = [table('mc', 3, 120, 2.5, 1), table('mass', 5, 120, 1.5, 2)];
  const events: ExperimentProgress[] = [];
  let result: ExperimentResult;

  beforeAll(async () => {
    result = await runExperiment(tables, {
      seed: 11,
      cvFolds: 4,
      quick: true,
      models: ['svm', 'sae', 'lda'],
      onProgress: (e) => events.push(e),
    });
  });

  it('evaluates every scenario × model on the table split', () => {
    expect(result.scenarios.map((s) => s.scenario)).toEqual(['mc', 'mass']);
    for (const [i, s] of result.scenarios.entries()) {
      const t = tables[i];
      const isTest = t.split.map((v) => v === 'test');
      const testY = t.y.filter((_, r) => isTest[r]);
      expect(s.test.n).toBe(testY.length);
      expect(s.test.positives).toBe(testY.reduce((a, v) => a + v, 0));
      expect(s.train.n).toBe(t.split.filter((v) => v === 'train').length);
      expect(s.otherRows).toBe(t.split.filter((v) => v === 'external').length);
      expect(s.testIds).toEqual(t.ids.filter((_, r) => isTest[r]));
      expect(s.results.map((r) => r.family)).toEqual(['svm', 'sae', 'lda']);
      for (const r of s.results) {
        expect(r.scenario).toBe(s.scenario);
        expect(r.test.scores).toHaveLength(s.test.n);
        expect(r.test.auc).toBeGreaterThan(0.7);
        expect(r.cv.folds).toBe(4);
      }
    }
  });

  it('compares the SAE with each baseline by a paired DeLong test', () => {
    for (const s of result.scenarios) {
      const sae = s.results.find((r) => r.family === 'sae');
      expect(sae?.delongVsSae).toBeNull();
      for (const r of s.results.filter((m) => m.family !== 'sae')) {
        const d = r.delongVsSae;
        expect(d).not.toBeNull();
        expect(d?.aucDifference).toBeCloseTo((sae?.test.auc ?? 0) - r.test.auc, 12);
        expect(d?.pValue).toBeGreaterThanOrEqual(0);
        expect(d?.pValue).toBeLessThanOrEqual(1);
        // Two-sided normal p-value of z: p = erfc(|z|/√2) lies in (0, 1] and shrinks as |z| grows.
        if (d && Math.abs(d.z) > 3) expect(d.pValue).toBeLessThan(0.01);
        if (d && Math.abs(d.z) < 1) expect(d.pValue).toBeGreaterThan(0.3);
      }
    }
  });

  it('reports progress across the whole experiment', () => {
    expect(events.every((e) => e.tasks === 6)).toBe(true);
    expect(new Set(events.map((e) => e.task))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    for (let i = 1; i < events.length; i++)
      expect(events[i].overall).toBeGreaterThanOrEqual(events[i - 1].overall);
    expect(events[events.length - 1].overall).toBeCloseTo(1, 12);
  });

  it('refuses bad tables and options', async () => {
    const code = async (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (e: unknown) => (e instanceof TrainingError ? e.code : String(e)),
      );
    const noTest: FeatureTableLike = { ...tables[0], split: tables[0].split.map(() => 'train' as const) };
    expect(await code(runExperiment([noTest], { seed: 1, quick: true, models: ['lda'] }))).toBe(
      'INVALID_SPLIT',
    );
    expect(await code(runExperiment([tables[0], tables[0]], { seed: 1, models: ['lda'] }))).toBe(
      'INVALID_OPTION',
    );
    expect(await code(runExperiment(tables, { seed: 1, models: ['lda', 'lda'] }))).toBe('INVALID_OPTION');
    expect(await code(runExperiment([], { seed: 1 }))).toBe('INVALID_OPTION');
    const short = { ...tables[0], ids: tables[0].ids.slice(1) };
    expect(await code(runExperiment([short], { seed: 1, models: ['lda'] }))).toBe('INVALID_DATA');
  });
});
