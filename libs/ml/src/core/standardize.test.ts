import { describe, expect, it } from 'vitest';
import { MlError } from './errors';
import { matrixFromRows } from './matrix';
import { fitStandardizer, standardize } from './standardize';

describe('standardizer', () => {
  it('centres to mean 0 and scales to population sd 1', () => {
    const x = matrixFromRows([
      [1, 10, 5],
      [2, 20, 5],
      [3, 30, 5],
      [6, 40, 5],
    ]);
    const s = fitStandardizer(x);
    expect(Array.from(s.mean)).toEqual([3, 25, 5]);
    // population variance of (1,2,3,6) = (4+1+0+9)/4 = 3.5
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(3.5), 14);
    expect(s.scale[1]).toBeCloseTo(Math.sqrt(125), 12);
    const z = standardize(s, x);
    for (let c = 0; c < 2; c++) {
      let sum = 0;
      let sq = 0;
      for (let r = 0; r < 4; r++) {
        sum += z.data[r * 3 + c];
        sq += z.data[r * 3 + c] ** 2;
      }
      expect(sum).toBeCloseTo(0, 12);
      expect(sq / 4).toBeCloseTo(1, 12);
    }
  });

  it('maps a zero-variance feature to 0 instead of dividing by zero', () => {
    const x = matrixFromRows([
      [0.1, 7],
      [0.2, 7],
    ]);
    const s = fitStandardizer(x);
    expect(s.scale[1]).toBe(1);
    const z = standardize(s, matrixFromRows([[0.3, 7]]));
    expect(z.data[1]).toBe(0);
    expect(Number.isFinite(z.data[0])).toBe(true);
  });

  it('fits on the chosen rows only, in their order', () => {
    const x = matrixFromRows([
      [1, 5],
      [3, 5],
      [100, 5],
      [0, 4],
    ]);
    const s = fitStandardizer(x, [1, 0]);
    expect(Array.from(s.mean)).toEqual([2, 5]);
    expect(Array.from(s.scale)).toEqual([1, 1]);
    const t = fitStandardizer(matrixFromRows([[0], [2], [4]]), [0, 1, 2]);
    expect(t.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(() => fitStandardizer(x, [])).toThrow(MlError);
  });

  it('refuses a matrix of the wrong width', () => {
    const s = fitStandardizer(matrixFromRows([[1, 2]]));
    expect(() => standardize(s, matrixFromRows([[1, 2, 3]]))).toThrow(MlError);
  });
});
