import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/random';
import { ASAH_NDKA, ASAH_POOR_OUTCOME, ASAH_S100B, ASAH_WFNS, PROC_REFERENCE } from './asah.fixture';
import { binaryMetrics, metricsAtThreshold } from './confusion';
import { aucWithDelongCi, delongComponents, delongTest } from './delong';
import { midranks } from './ranks';
import { rocAuc, rocCurve } from './roc';

describe('binary metrics', () => {
  it('counts the confusion matrix and the paper’s rates', () => {
    const y = [1, 1, 1, 0, 0, 0, 0];
    const predicted = [1, 1, 0, 1, 0, 0, 0];
    const m = binaryMetrics(predicted, y);
    expect([m.truePositives, m.falseNegatives, m.falsePositives, m.trueNegatives]).toEqual([2, 1, 1, 3]);
    expect(m.accuracy).toBeCloseTo(5 / 7, 15);
    expect(m.sensitivity).toBeCloseTo(2 / 3, 15);
    expect(m.specificity).toBeCloseTo(3 / 4, 15);
  });

  it('thresholds scores with ≥', () => {
    const m = metricsAtThreshold([0.9, 0.5, 0.2, 0.5], [1, 1, 0, 0], 0.5);
    expect(m.truePositives).toBe(2);
    expect(m.falsePositives).toBe(1);
  });

  it('refuses labels other than 0/1', () => {
    expect(() => binaryMetrics([1, 0], [2, 0])).toThrow(/not 0 or 1/);
  });
});

describe('midranks', () => {
  it('averages tied ranks', () => {
    expect(Array.from(midranks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });
});

describe('ROC and AUC', () => {
  it('computes a hand-checked curve with a tie', () => {
    // positives 0.9, 0.6, 0.4; negatives 0.5, 0.3, 0.4
    const scores = [0.9, 0.6, 0.4, 0.5, 0.3, 0.4];
    const y = [1, 1, 1, 0, 0, 0];
    const roc = rocCurve(scores, y);
    expect(Array.from(roc.thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.6, 0.5, 0.4, 0.3]);
    expect(Array.from(roc.tpr)).toEqual([0, 1 / 3, 2 / 3, 2 / 3, 1, 1]);
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0, 1 / 3, 2 / 3, 1]);
    // pairs: 9 in all; 7 wins and one tie (0.4 vs 0.4) → (7 + 0.5) / 9
    expect(rocAuc(scores, y)).toBeCloseTo(7.5 / 9, 15);
  });

  it('equals the trapezoidal area under the curve and brute-force pair counting', () => {
    const random = createRandom(3);
    const n = 300;
    const scores = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = random() < 0.4 ? 1 : 0;
      scores[i] = Math.round((random() + 0.3 * y[i]) * 20) / 20; // coarse grid → many ties
    }
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      if (y[i] !== 1) continue;
      for (let j = 0; j < n; j++) {
        if (y[j] !== 0) continue;
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    const roc = rocCurve(scores, y);
    let trapezoid = 0;
    for (let k = 1; k < roc.fpr.length; k++) {
      trapezoid += ((roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1])) / 2;
    }
    expect(rocAuc(scores, y)).toBeCloseTo(wins / pairs, 13);
    expect(trapezoid).toBeCloseTo(wins / pairs, 13);
  });

  it('needs both classes', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/both classes/);
  });
});

describe('DeLong', () => {
  it('matches a hand-computed example', () => {
    // positives X = 0.9, 0.6, 0.4; negatives Y = 0.5, 0.3, 0.4.
    // V10 = (1, 1, ½) [0.4 beats 0.3, ties 0.4, loses to 0.5 → 1.5/3]; V01 = (2/3, 1, 5/6).
    // S10 = var(1, 1, ½) = 1/12, S01 = var(2/3, 1, 5/6) = 1/36 → Var = S10/3 + S01/3 = 1/27.
    const scores = [0.9, 0.6, 0.4, 0.5, 0.3, 0.4];
    const y = [1, 1, 1, 0, 0, 0];
    const c = delongComponents(scores, y);
    expect(Array.from(c.positivePlacements)).toEqual([1, 1, 0.5]);
    expect(c.negativePlacements[0]).toBeCloseTo(2 / 3, 15);
    expect(c.negativePlacements[1]).toBeCloseTo(1, 15);
    expect(c.negativePlacements[2]).toBeCloseTo(5 / 6, 15);
    const est = aucWithDelongCi(scores, y);
    expect(est.auc).toBeCloseTo(5 / 6, 15);
    expect(est.variance).toBeCloseTo(1 / 27, 15);
    const z975 = 1.959963984540054;
    expect(est.ci[0]).toBeCloseTo(5 / 6 - z975 * Math.sqrt(1 / 27), 12);
    expect(est.ci[1]).toBe(1); // 0.833 + 0.377 clipped
  });

  it('reproduces pROC on the aSAH data (AUC, variance, CI, covariance, paired test)', () => {
    const y = ASAH_POOR_OUTCOME;
    expect(y.length).toBe(113);
    expect(y.reduce((a, b) => a + b, 0)).toBe(41);
    const s100b = aucWithDelongCi(ASAH_S100B, y);
    expect(s100b.auc / PROC_REFERENCE.auc.s100b).toBeCloseTo(1, 12);
    expect(s100b.variance / PROC_REFERENCE.variance.s100b).toBeCloseTo(1, 10);
    expect(s100b.ci[0]).toBeCloseTo(0.6301, 4);
    expect(s100b.ci[1]).toBeCloseTo(0.8326, 4);
    const wfns = aucWithDelongCi(ASAH_WFNS, y);
    expect(wfns.auc / PROC_REFERENCE.auc.wfns).toBeCloseTo(1, 12);
    expect(wfns.variance / PROC_REFERENCE.variance.wfns).toBeCloseTo(1, 10);
    const ndka = aucWithDelongCi(ASAH_NDKA, y);
    expect(ndka.variance / PROC_REFERENCE.variance.ndka).toBeCloseTo(1, 10);

    const t1 = delongTest(ASAH_S100B, ASAH_WFNS, y);
    expect(t1.covariance / PROC_REFERENCE.covariance.s100bWfns).toBeCloseTo(1, 10);
    expect(t1.z / PROC_REFERENCE.test.s100bVsWfns.z).toBeCloseTo(1, 10);
    expect(t1.pValue / PROC_REFERENCE.test.s100bVsWfns.p).toBeCloseTo(1, 9);
    const t2 = delongTest(ASAH_S100B, ASAH_NDKA, y);
    expect(t2.covariance / PROC_REFERENCE.covariance.s100bNdka).toBeCloseTo(1, 10);
    expect(t2.z / PROC_REFERENCE.test.s100bVsNdka.z).toBeCloseTo(1, 10);
    expect(t2.pValue / PROC_REFERENCE.test.s100bVsNdka.p).toBeCloseTo(1, 9);
  });

  it('is antisymmetric and gives p = 1 for identical scorers', () => {
    const ab = delongTest(ASAH_S100B, ASAH_NDKA, ASAH_POOR_OUTCOME);
    const ba = delongTest(ASAH_NDKA, ASAH_S100B, ASAH_POOR_OUTCOME);
    expect(ba.z).toBeCloseTo(-ab.z, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 14);
    const same = delongTest(ASAH_S100B, ASAH_S100B, ASAH_POOR_OUTCOME);
    expect(same.z).toBe(0);
    expect(same.pValue).toBe(1);
  });

  it('logit interval is asymmetric, inside (0, 1) and contains the AUC', () => {
    const est = aucWithDelongCi(ASAH_WFNS, ASAH_POOR_OUTCOME, { method: 'logit' });
    expect(est.ci[0]).toBeLessThan(est.auc);
    expect(est.ci[1]).toBeGreaterThan(est.auc);
    expect(est.ci[1] - est.auc).toBeLessThan(est.auc - est.ci[0]); // compressed towards 1
  });
});
