import { describe, expect, it } from 'vitest';
import { createMatrix, type Dataset } from '../core/matrix';
import { crossValidate, meanAndStd } from './cross-validate';
import { stratifiedKFold, stratifiedTrainTestSplit } from './folds';
import { expandGrid, gridSearch, gridSearchCv } from './grid-search';

function labels(positives: number, negatives: number): Uint8Array {
  const y = new Uint8Array(positives + negatives);
  // spread the positives so class membership is not a prefix of the rows
  for (let i = 0; i < positives; i++) y[Math.floor((i * y.length) / positives)] = 1;
  return y;
}

describe('stratified k-fold', () => {
  const y = labels(37, 63);

  it('partitions the rows, balances fold sizes and classes', () => {
    const folds = stratifiedKFold(y, 10, 42);
    const seen = new Uint8Array(y.length);
    for (const fold of folds) {
      expect(fold.train.length + fold.test.length).toBe(100);
      expect(fold.test.length).toBe(10);
      let pos = 0;
      for (const i of fold.test) {
        seen[i]++;
        pos += y[i];
      }
      expect(pos === 3 || pos === 4).toBe(true); // 37 positives over 10 folds
      const trainSet = new Set(fold.train);
      for (const i of fold.test) expect(trainSet.has(i)).toBe(false);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = stratifiedKFold(y, 5, 1).map((f) => Array.from(f.test));
    const b = stratifiedKFold(y, 5, 1).map((f) => Array.from(f.test));
    const c = stratifiedKFold(y, 5, 2).map((f) => Array.from(f.test));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses k < 2', () => {
    expect(() => stratifiedKFold(y, 1, 0)).toThrow(/folds/);
  });
});

describe('stratified train/test split', () => {
  it('holds out the requested share of each class', () => {
    const y = labels(40, 160);
    const split = stratifiedTrainTestSplit(y, 0.2, 9);
    let testPositives = 0;
    for (const i of split.test) testPositives += y[i];
    expect(split.test.length).toBe(40);
    expect(testPositives).toBe(8);
    expect(split.train.length).toBe(160);
  });
});

describe('crossValidate', () => {
  it('reports fold accuracies of a majority-class predictor exactly and never leaks test rows', () => {
    const n = 60;
    const y = labels(20, 40);
    // Column 0 holds the row id, so fitPredict can check that no test row is in its training set.
    const x = createMatrix(
      n,
      1,
      Float64Array.from({ length: n }, (_, i) => i),
    );
    const result = crossValidate(
      (train, testX) => {
        const trainIds = new Set(Array.from(train.x.data));
        for (let r = 0; r < testX.rows; r++) expect(trainIds.has(testX.data[r])).toBe(false);
        let positives = 0;
        for (const v of train.y) positives += v;
        const majority = positives * 2 > train.y.length ? 1 : 0;
        return {
          scores: new Float64Array(testX.rows).fill(majority),
          labels: new Uint8Array(testX.rows).fill(majority),
        };
      },
      x,
      y,
      5,
      3,
    );
    result.folds.forEach((fold, f) => {
      let negatives = 0;
      for (const i of fold.test) negatives += 1 - y[i];
      expect(result.foldAccuracy[f]).toBeCloseTo(negatives / fold.test.length, 15);
    });
    expect(result.meanAccuracy).toBeCloseTo(40 / 60, 12); // 4 positives + 8 negatives in every fold
    expect(result.outOfFoldScores.every((s) => s === 0)).toBe(true);
  });

  it('meanAndStd uses the sample standard deviation', () => {
    const { mean, std } = meanAndStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(5 / 3), 15);
  });
});

describe('grid search', () => {
  it('expands a grid with the first key slowest', () => {
    expect(expandGrid({ c: [1, 10], gamma: [0.1, 1] })).toEqual([
      { c: 1, gamma: 0.1 },
      { c: 1, gamma: 1 },
      { c: 10, gamma: 0.1 },
      { c: 10, gamma: 1 },
    ]);
  });

  it('finds the maximum of a known function and breaks ties by order', () => {
    const candidates = expandGrid({ a: [-2, -1, 0, 1, 2], b: [0, 1] });
    const result = gridSearch(candidates, ({ a, b }) => ({ score: -((a - 1) ** 2) - (b - 1) ** 2, std: 0 }));
    expect(result.best).toEqual({ a: 1, b: 1 });
    const tie = gridSearch([1, 2, 3], () => ({ score: 0.5, std: 0 }));
    expect(tie.best).toBe(1);
  });

  it('gridSearchCv picks the threshold that separates a 1-D set', () => {
    const n = 80;
    const xs = Float64Array.from({ length: n }, (_, i) => i / n);
    const y = Uint8Array.from(xs, (v) => (v >= 0.5 ? 1 : 0));
    const data: Dataset = { x: createMatrix(n, 1, xs), y };
    const result = gridSearchCv(
      (threshold: number) => (_train, testX) => {
        const scores = Float64Array.from(testX.data);
        return { scores, labels: Uint8Array.from(scores, (s) => (s >= threshold ? 1 : 0)) };
      },
      data,
      [0.2, 0.5, 0.8],
      { k: 4, seed: 1 },
    );
    expect(result.best).toBe(0.5);
    expect(result.bestScore).toBe(1);
    expect(result.entries[0].score).toBeCloseTo(1 - 24 / 80, 12);
  });
});
