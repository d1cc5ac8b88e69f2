import { createRandom, gaussianClasses, shuffleInPlace } from '@calcscope/ml';
import { describe, expect, it } from 'vitest';
import { TrainingError } from './errors';
import { fitModel } from './fit-model';
import { predictMalignancy } from './predict';
import { type LabelledRows, MODEL_FAMILIES, type ModelFamily } from './types';

const P = 4;

/** Two classes 6 standard deviations apart on feature 0 (Bayes accuracy Φ(3) ≈ 0.9987), 3 noise features. */
function separable(n: number, seed: number): LabelledRows {
  const d = gaussianClasses({ n, p: P, separation: 6, seed });
  return { x: d.x.data as Float64Array, y: d.y, p: P };
}

/** Exactly half positive labels, assigned at random: independent of x, so no model can beat 0.5 on average. */
function shuffledLabels(rows: LabelledRows, seed: number): LabelledRows {
  const y = new Uint8Array(rows.y.length);
  y.fill(1, 0, y.length / 2);
  return { ...rows, y: shuffleInPlace(y, createRandom(seed)) };
}

const options = { seed: 3, cvFolds: 5, quick: true } as const;

describe('fitModel', () => {
  it.each(MODEL_FAMILIES)(
    '%s: high CV accuracy on separable classes, chance on shuffled labels',
    async (family) => {
      const easy = separable(160, 1);
      const fit = await fitModel(family, easy, options);
      expect(fit.family).toBe(family);
      expect(fit.cv.folds).toBe(5);
      expect(fit.cv.perFold).toHaveLength(5);
      expect(fit.cv.accuracyMean).toBeGreaterThan(0.93);
      // The reported mean and std are those of the per-fold accuracies.
      const mean = fit.cv.perFold.reduce((s, v) => s + v, 0) / 5;
      const variance = fit.cv.perFold.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
      expect(fit.cv.accuracyMean).toBeCloseTo(mean, 12);
      expect(fit.cv.accuracyStd).toBeCloseTo(Math.sqrt(variance), 12);
      expect(fit.search.bestIndex).toBeGreaterThanOrEqual(0);
      expect(fit.search.bestIndex).toBeLessThan(fit.search.entries.length);
      // The final model, trained on all rows, separates fresh rows from the same distribution.
      const fresh = separable(200, 99);
      const p = predictMalignancy(fit.model, fresh.x, P);
      let correct = 0;
      p.forEach((v, i) => {
        if ((v > 0.5 ? 1 : 0) === fresh.y[i]) correct++;
      });
      expect(correct / 200).toBeGreaterThan(0.95);

      const noise = await fitModel(family, shuffledLabels(separable(200, 2), 5), options);
      expect(Math.abs(noise.cv.accuracyMean - 0.5)).toBeLessThan(0.12);
    },
  );

  it('records the chosen hyperparameters of each family', async () => {
    const rows = separable(120, 4);
    const keys: Record<ModelFamily, string[]> = {
      sae: ['hidden', 'noise', 'finetuneEpochs', 'pretrainEpochs'],
      svm: ['c', 'gamma'],
      knn: ['k', 'weighted'],
      lda: ['shrinkage', 'shrinkageRule'],
      logistic: ['lambda', 'rule', 'selectedFeatures'],
    };
    for (const family of MODEL_FAMILIES) {
      const fit = await fitModel(family, rows, options);
      for (const key of keys[family]) expect(fit.hyperparameters).toHaveProperty(key);
      const chosen = fit.search.entries[fit.search.bestIndex].params;
      if (family === 'svm')
        expect([chosen.c, chosen.gamma]).toEqual([fit.hyperparameters.c, fit.hyperparameters.gamma]);
      if (family === 'knn') expect(chosen.k).toBe(fit.hyperparameters.k);
      if (family === 'sae') expect(chosen.hidden).toEqual(fit.hyperparameters.hidden);
    }
  });

  it('is deterministic for a seed and changes with it (SAE)', async () => {
    const rows = separable(100, 6);
    const a = await fitModel('sae', rows, options);
    const b = await fitModel('sae', rows, options);
    const c = await fitModel('sae', rows, { ...options, seed: 4 });
    const probe = separable(50, 7);
    expect(a.cv).toEqual(b.cv);
    expect(a.hyperparameters).toEqual(b.hyperparameters);
    expect(Array.from(predictMalignancy(a.model, probe.x, P))).toEqual(
      Array.from(predictMalignancy(b.model, probe.x, P)),
    );
    expect(Array.from(predictMalignancy(a.model, probe.x, P))).not.toEqual(
      Array.from(predictMalignancy(c.model, probe.x, P)),
    );
  });

  it('reports progress per fold and candidate for the SAE', async () => {
    const events: { stage: string; fraction: number }[] = [];
    await fitModel('sae', separable(80, 8), { ...options, cvFolds: 3, onProgress: (e) => events.push(e) });
    // 2 quick candidates × 3 folds, then the final fit, then done.
    expect(events.filter((e) => e.stage === 'search')).toHaveLength(6);
    expect(events.map((e) => e.stage).slice(-2)).toEqual(['final', 'done']);
    for (let i = 1; i < events.length; i++)
      expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction);
    expect(events[events.length - 1].fraction).toBe(1);
  });

  it('refuses bad input with typed errors', async () => {
    const rows = separable(60, 9);
    const code = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        expect(error).toBeInstanceOf(TrainingError);
        return (error as TrainingError).code;
      }
      return 'resolved';
    };
    expect(await code(fitModel('forest' as ModelFamily, rows, options))).toBe('INVALID_OPTION');
    expect(await code(fitModel('lda', rows, { ...options, seed: -1 }))).toBe('INVALID_OPTION');
    expect(await code(fitModel('lda', rows, { ...options, cvFolds: 1 }))).toBe('INVALID_OPTION');
    const nan = rows.x.slice();
    nan[5] = Number.NaN;
    expect(await code(fitModel('lda', { ...rows, x: nan }, options))).toBe('INVALID_DATA');
    expect(await code(fitModel('lda', { ...rows, x: rows.x.subarray(1) }, options))).toBe('INVALID_DATA');
    const fewPositives = Uint8Array.from(rows.y, (_, i) => (i < 4 ? 1 : 0));
    expect(await code(fitModel('lda', { ...rows, y: fewPositives }, options))).toBe('INVALID_DATA');
  });
});
