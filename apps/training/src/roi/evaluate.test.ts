import { describe, expect, it } from 'vitest';
import { compareAucs, evaluateScores } from './evaluate';

describe('ROI evaluation', () => {
  it('AUC by pair counting, rates at P > 0.5, PPV and NPV', () => {
    const scores = [0.9, 0.7, 0.4, 0.6, 0.2, 0.1];
    const labels = [1, 1, 1, 0, 0, 0];
    const e = evaluateScores('deep', 'internal', scores, labels);
    // Pairs (positive, negative): 0.4 loses to 0.6 only → 8 of 9.
    expect(e.auc).toBeCloseTo(8 / 9, 12);
    expect(e.confusion).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(e.sensitivity).toBeCloseTo(2 / 3, 12);
    expect(e.specificity).toBeCloseTo(2 / 3, 12);
    expect(e.accuracy).toBeCloseTo(4 / 6, 12);
    expect(e.ppv).toBeCloseTo(2 / 3, 12);
    expect(e.npv).toBeCloseTo(2 / 3, 12);
    expect(e.aucCi95[0]).toBeLessThan(e.auc);
    expect(e.aucCi95[1]).toBeLessThanOrEqual(1);
    expect(e.roc.fpr[0]).toBe(0);
    expect(e.roc.tpr.at(-1)).toBe(1);
  });

  it('DeLong: identical scores give p = 1; a split with one case of a class is refused', () => {
    const labels = [1, 0, 1, 0, 1, 0];
    const s = [0.8, 0.3, 0.6, 0.5, 0.4, 0.2];
    const same = compareAucs('external', 'deep', s, 'clinical', s, labels);
    expect(same.difference).toBe(0);
    expect(same.pValue).toBe(1);
    const better = compareAucs(
      'external',
      'a',
      [0.9, 0.1, 0.8, 0.2, 0.7, 0.3],
      'b',
      [0.1, 0.9, 0.2, 0.8, 0.6, 0.5],
      labels,
    );
    expect(better.difference).toBeGreaterThan(0);
    expect(better.pValue).toBeLessThan(0.05);
    expect(() => evaluateScores('x', 'internal', [0.1, 0.2, 0.3], [1, 0, 0])).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
  });
});
