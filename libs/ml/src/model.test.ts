import { describe, expect, it } from 'vitest';
import type { Matrix } from './core/matrix';
import { gaussianClasses } from './core/synthetic';
import { crossValidate } from './cv/cross-validate';
import { fitKnn } from './knn/knn';
import { fitLda } from './lda/lda';
import { fitLogistic } from './logistic/logistic';
import { rocAuc } from './metrics/roc';
import { fitPredictOf, labelsFromProbabilities, predict, predictProba, type TabularModel } from './model';
import { fitSvm } from './svm/svm';

const train = gaussianClasses({ n: 300, p: 5, mean1: [1, 1, 0.5, 0, 0], seed: 40 });
const test = gaussianClasses({ n: 200, p: 5, mean1: [1, 1, 0.5, 0, 0], seed: 41 });

function asFloat32(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

describe('tabular models behind one interface', () => {
  const models: TabularModel[] = [
    fitSvm(train, { c: 1, gamma: 0.2 }),
    fitKnn(train, { k: 15 }),
    fitLda(train),
    fitLogistic(train, 0.01),
  ];

  for (const model of models) {
    it(`${model.family}: probabilities in [0, 1], better than chance, labels = p > 0.5, Float32 input accepted`, () => {
      const p = predictProba(model, test.x);
      for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
      // Bayes AUC of this problem is Φ(‖Δμ‖/√2) = Φ(1.5/√2) ≈ 0.86
      expect(rocAuc(p, test.y)).toBeGreaterThan(0.7);
      const { scores, labels } = predict(model, test.x);
      expect(Array.from(labels)).toEqual(Array.from(scores, (v) => (v > 0.5 ? 1 : 0)));
      const p32 = predictProba(model, asFloat32(test.x));
      for (let i = 0; i < p.length; i++) expect(Math.abs(p32[i] - p[i])).toBeLessThan(1e-5);
    });
  }

  it('labels an exact ½ as benign (ArgMax ties go to class 0)', () => {
    expect(Array.from(labelsFromProbabilities([0.5, 0.5000001, 0.4999999]))).toEqual([0, 1, 0]);
  });

  it('fitPredictOf plugs a model into crossValidate', () => {
    const cv = crossValidate(
      fitPredictOf((d) => fitLda(d)),
      train.x,
      train.y,
      5,
      1,
    );
    expect(cv.meanAccuracy).toBeGreaterThan(0.6);
    expect(cv.foldAccuracy.length).toBe(5);
  });

  it('SVM through the LRU kernel cache equals the precomputed-kernel SVM', () => {
    const small = gaussianClasses({ n: 60, p: 3, seed: 2 });
    const precomputed = fitSvm(small, { c: 2, gamma: 0.4 });
    const cached = fitSvm(small, { c: 2, gamma: 0.4, precomputeLimit: 10, cacheColumns: 7 });
    expect(cached.platt.a).toBeCloseTo(precomputed.platt.a, 10);
    expect(cached.platt.b).toBeCloseTo(precomputed.platt.b, 10);
    const a = predictProba(precomputed, small.x);
    const b = predictProba(cached, small.x);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 10);
  });
});
