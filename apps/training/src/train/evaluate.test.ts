import { type LogisticModel, SaeModel } from '@calcscope/ml';
import { describe, expect, it } from 'vitest';
import { TrainingError } from './errors';
import { evaluateModel } from './evaluate';
import { predictMalignancy } from './predict';

/** P(malignant) = σ(x): a one-feature logistic model with identity standardization, weight 1, bias 0. */
const identityLogistic: LogisticModel = {
  family: 'logistic',
  featureCount: 1,
  standardizer: { mean: Float64Array.of(0), scale: Float64Array.of(1) },
  weights: Float64Array.of(1),
  bias: 0,
  lambda: 0,
  selectedFeatures: Uint32Array.of(0),
};

describe('evaluateModel', () => {
  it('matches a hand computation on a toy set', () => {
    // Scores σ(x) keep the order of x, and σ(x) > 0.5 ⇔ x > 0 (x = 0 gives exactly 0.5 → label 0).
    const x = Float64Array.of(2, 1, 0, -0.5, 0.7, -1, -2, 0.3, -0.2, 1.5);
    const y = Uint8Array.of(1, 1, 1, 1, 0, 0, 0, 0, 0, 1);
    const e = evaluateModel(identityLogistic, { x, y, p: 1 });
    // Positives x: 2, 1, 0, −0.5, 1.5 → labels 1, 1, 0, 0, 1: TP 3, FN 2.
    // Negatives x: 0.7, −1, −2, 0.3, −0.2 → labels 1, 0, 0, 1, 0: FP 2, TN 3.
    expect([e.truePositives, e.falseNegatives, e.falsePositives, e.trueNegatives]).toEqual([3, 2, 2, 3]);
    expect(e.accuracy).toBe(6 / 10);
    expect(e.sensitivity).toBe(3 / 5);
    expect(e.specificity).toBe(3 / 5);
    expect([e.n, e.positives, e.negatives]).toEqual([10, 5, 5]);

    // AUC by counting pairs; DeLong's variance from the placements (sample variances, as pROC).
    const pos = [2, 1, 0, -0.5, 1.5];
    const neg = [0.7, -1, -2, 0.3, -0.2];
    const psi = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);
    const v10 = pos.map((a) => neg.reduce((s, b) => s + psi(a, b), 0) / neg.length);
    const v01 = neg.map((b) => pos.reduce((s, a) => s + psi(a, b), 0) / pos.length);
    // Pairs won by each positive: 2 → 5, 1 → 5, 0 → 3, −0.5 → 2, 1.5 → 5: 20 of 25.
    expect(e.auc).toBeCloseTo(20 / 25, 14);
    const sampleVariance = (v: number[]) => {
      const m = v.reduce((s, t) => s + t, 0) / v.length;
      return v.reduce((s, t) => s + (t - m) ** 2, 0) / (v.length - 1);
    };
    const se = Math.sqrt(sampleVariance(v10) / pos.length + sampleVariance(v01) / neg.length);
    expect(e.aucStandardError).toBeCloseTo(se, 12);
    expect(e.aucCi95[0]).toBeCloseTo(20 / 25 - 1.959963984540054 * se, 9);
    expect(e.aucCi95[1]).toBeCloseTo(Math.min(1, 20 / 25 + 1.959963984540054 * se), 9);

    // ROC: from (0, 0) to (1, 1), one step per distinct score; trapezoids integrate to the AUC.
    expect(e.roc.fpr).toHaveLength(11);
    expect([e.roc.fpr[0], e.roc.tpr[0], e.roc.fpr[10], e.roc.tpr[10]]).toEqual([0, 0, 1, 1]);
    let area = 0;
    for (let i = 1; i < e.roc.fpr.length; i++) {
      area += ((e.roc.fpr[i] - e.roc.fpr[i - 1]) * (e.roc.tpr[i] + e.roc.tpr[i - 1])) / 2;
    }
    expect(area).toBeCloseTo(e.auc, 12);
    for (const [i, v] of x.entries()) expect(e.scores[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 14);
    expect(Array.from(e.labels)).toEqual([1, 1, 0, 0, 1, 0, 0, 1, 0, 1]);
  });

  it('refuses test sets DeLong cannot handle and rows of the wrong width', () => {
    const x = Float64Array.of(1, 2, 3, 4);
    expect(() => evaluateModel(identityLogistic, { x, y: Uint8Array.of(1, 0, 0, 0), p: 1 })).toThrow(
      TrainingError,
    );
    const wide = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    expect(() => evaluateModel(identityLogistic, { x: wide, y: Uint8Array.of(1, 1, 0, 0), p: 2 })).toThrow(
      /takes 1 features/,
    );
  });
});

describe('predictMalignancy', () => {
  it('returns column 1 of the SAE probabilities', () => {
    // One input, one sigmoid unit h = σ(x), logits [0, 2h − 1]: P(malignant) = σ(2σ(x) − 1).
    const sae = new SaeModel({
      nFeatures: 1,
      hidden: [1],
      mean: Float32Array.of(0),
      std: Float32Array.of(1),
      encoders: [{ weight: Float32Array.of(1), bias: Float32Array.of(0) }],
      classifier: { weight: Float32Array.of(0, 2), bias: Float32Array.of(0, -1) },
    });
    const x = Float64Array.of(-3, 0, 0.5, 4);
    const p = predictMalignancy({ family: 'sae', sae }, x, 1);
    const sigma = (t: number) => 1 / (1 + Math.exp(-t));
    for (const [i, v] of x.entries()) expect(p[i]).toBeCloseTo(sigma(2 * sigma(v) - 1), 12);
  });
});
