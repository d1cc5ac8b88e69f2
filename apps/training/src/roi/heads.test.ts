import { createMatrix, fitLogistic, predictProbaLogistic } from '@calcscope/ml';
import { describe, expect, it } from 'vitest';
import { headCamWeights } from './export-graphs';
import { fitDeepHead, foldCount, headFromLogistic, headInputs, headLogits, headProbabilities } from './heads';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** n × d ReLU-like embeddings where channels 3 and 7 carry the label, the rest is noise. */
function embeddings(n: number, d: number, seed: number) {
  const random = lcg(seed);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 2);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const signal = j === 3 ? 1.2 * y[i] : j === 7 ? -0.9 * y[i] : 0;
      data[i * d + j] = Math.max(0, 0.5 + signal + 0.5 * (random() + random() - 1));
    }
  return { x: createMatrix(n, d, data), y };
}

describe('linear heads', () => {
  it('a head keeps the non-zero coefficients and predicts exactly as the logistic model', () => {
    const { x, y } = embeddings(120, 6, 1);
    const model = fitLogistic({ x, y }, 0.05);
    const columns = [10, 11, 12, 13, 14, 15]; // the model's columns are these embedding channels
    const head = headFromLogistic(model, columns, []);
    expect(head.embeddingColumns.length).toBe(model.selectedFeatures.length);
    expect(head.embeddingColumns).toEqual(Array.from(model.selectedFeatures, (j) => columns[j]));
    const wide = createMatrix(120, 16, new Float64Array(120 * 16));
    for (let i = 0; i < 120; i++) for (let j = 0; j < 6; j++) wide.data[i * 16 + 10 + j] = x.data[i * 6 + j];
    const p = headProbabilities(head, headInputs(head, wide, null, 120));
    const expected = predictProbaLogistic(model, x);
    for (let i = 0; i < 120; i++) expect(p[i]).toBeCloseTo(expected[i], 12);
  });

  it('the deep head (mRMR → LASSO) finds the informative channels', () => {
    const { x, y } = embeddings(160, 24, 2);
    const deep = fitDeepHead({ x, y }, { seed: 1, mrmrCount: 8 });
    expect(deep.mrmrSelected.slice(0, 2).sort()).toEqual([3, 7]);
    expect(deep.head.embeddingColumns).toContain(3);
    expect(deep.head.embeddingColumns).toContain(7);
    expect(deep.lambda).toBeGreaterThan(0);
  });

  it('the CAM weights fold the standardisation: Σ_c w_c·e_c + offset = the logit', () => {
    const head = {
      embeddingColumns: [2, 0, 2],
      clinicalColumns: [1],
      mean: Float64Array.of(0.5, 1, 0.2, 4),
      scale: Float64Array.of(2, 0.5, 1, 1),
      weights: Float64Array.of(1, -2, 0.5, 3),
      bias: 0.25,
    };
    const { weight, offset } = headCamWeights(head, 4);
    expect(Array.from(weight)).toEqual([-4, 0, 0.5 + 0.5, 0]);
    const e = Float64Array.of(0.3, 9, 1.7, 5);
    const logit = headLogits(
      head,
      headInputs(head, createMatrix(1, 4, e), createMatrix(1, 2, Float64Array.of(0, 4)), 1),
    )[0];
    // The clinical column sits at its mean, so it adds nothing: the CAM part is the whole logit.
    expect(weight.reduce((s, w, c) => s + w * e[c], offset)).toBeCloseTo(logit, 12);
  });

  it('CV folds never exceed the smaller class', () => {
    expect(foldCount(Uint8Array.of(1, 1, 1, 0, 0, 0, 0), 10)).toBe(3);
    expect(foldCount(Uint8Array.of(1, 0, 0), 10)).toBe(2);
  });
});
