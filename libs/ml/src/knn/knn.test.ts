import { describe, expect, it } from 'vitest';
import { createMatrix, matrixFromRows } from '../core/matrix';
import { gaussianClasses } from '../core/synthetic';
import { stratifiedKFold } from '../cv/folds';
import { gridSearchCv } from '../cv/grid-search';
import { fitKnn, nearestNeighbours, predictProbaKnn } from './knn';
import { selectKnn } from './select';

describe('KNN', () => {
  it('with k = 1 reproduces the training labels', () => {
    const train = gaussianClasses({ n: 200, p: 6, separation: 0.5, seed: 4 });
    const model = fitKnn(train, { k: 1 });
    const p = predictProbaKnn(model, train.x);
    for (let i = 0; i < 200; i++) expect(p[i]).toBe(train.y[i]);
    const weighted = predictProbaKnn(fitKnn(train, { k: 7, weighted: true }), train.x);
    // a training point is its own neighbour at distance 0, weight 1e6: it dominates the vote
    for (let i = 0; i < 200; i++) expect(weighted[i] > 0.5 ? 1 : 0).toBe(train.y[i]);
  });

  it('computes vote shares by hand on a 1-D example', () => {
    const train = { x: matrixFromRows([[0], [1], [2], [3], [10]]), y: Uint8Array.from([1, 1, 0, 0, 0]) };
    // standardization is a monotone affine map in 1-D, so neighbours are those of the raw values
    const uniform = fitKnn(train, { k: 3 });
    expect(predictProbaKnn(uniform, matrixFromRows([[0.9]]))[0]).toBeCloseTo(2 / 3, 15); // 1, 0, 2
    // exact tie (distances 1.5, 0.5, 0.5, 1.5 from 1.5): the lower reference index wins, as ONNX TopK
    const tie = nearestNeighbours(matrixFromRows([[1.5]]), Float64Array.from([0, 1, 2, 3, 10]), 5, 3);
    expect(Array.from(tie.indices)).toEqual([1, 2, 0]);
    expect(Array.from(tie.distances)).toEqual([0.5, 0.5, 1.5]);
    const weighted = fitKnn(train, { k: 2, weighted: true });
    // query 1.25: neighbours 1 (d .25) and 2 (d .75) in raw units; weights ∝ 1/d → 0.75/(0.75+0.25)
    expect(predictProbaKnn(weighted, matrixFromRows([[1.25]]))[0]).toBeCloseTo(0.75, 12);
  });

  it('k chosen by the fast search equals generic grid search over fitKnn', () => {
    const data = gaussianClasses({ n: 150, p: 3, separation: 1.5, seed: 12 });
    const folds = stratifiedKFold(data.y, 5, 2);
    const ks = [1, 2, 5, 9, 15];
    const fast = selectKnn(data, { ks, weightings: [false, true], folds });
    const slow = gridSearchCv(
      (params: { k: number; weighted: boolean }) => (train, testX) => {
        const p = predictProbaKnn(fitKnn(train, params), testX);
        return { scores: p, labels: Uint8Array.from(p, (v) => (v > 0.5 ? 1 : 0)) };
      },
      data,
      fast.entries.map((e) => e.params),
      { folds },
    );
    fast.entries.forEach((e, i) => {
      expect(e.score).toBeCloseTo(slow.entries[i].score, 14);
      expect(e.std).toBeCloseTo(slow.entries[i].std, 14);
    });
    expect(fast.best).toEqual(slow.best);
    expect(fast.best.k).toBeGreaterThan(1); // overlapping classes: smoothing beats 1-NN
  });

  it('refuses k larger than the training set', () => {
    const train = { x: createMatrix(2, 1, Float64Array.from([0, 1])), y: Uint8Array.from([0, 1]) };
    expect(() => fitKnn(train, { k: 3 })).toThrow(/k = 3/);
  });
});
