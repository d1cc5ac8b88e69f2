import { describe, expect, it } from 'vitest';
import { apportion } from './apportion';

describe('apportion', () => {
  it('returns the weights themselves when they are integers summing to the total', () => {
    expect(apportion(1000, [623, 221, 156])).toEqual([623, 221, 156]);
  });

  it('always sums to the total and stays within one unit of the exact quota', () => {
    for (const total of [0, 1, 7, 100, 602, 1203]) {
      const weights = [677, 323, 97, 107];
      const shares = apportion(total, weights);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      const sum = weights.reduce((a, b) => a + b, 0);
      shares.forEach((s, i) => {
        expect(Math.abs(s - (total * weights[i]) / sum)).toBeLessThan(1);
      });
    }
  });

  it('gives leftover units to the largest remainders', () => {
    // Quotas 3.33, 3.33, 3.33 → ties go to lower indices; 2.5/2.5 → first.
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(5, [0.6, 0.4])).toEqual([3, 2]);
  });

  it('rejects bad input', () => {
    expect(() => apportion(-1, [1])).toThrow(RangeError);
    expect(() => apportion(3, [0, 0])).toThrow(RangeError);
  });
});
