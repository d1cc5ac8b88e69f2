import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile, normalSurvival, twoSidedNormalPValue } from './normal';

/** Φ(b) − Φ(a) by composite Simpson's rule on the density: an independent route to the CDF. */
function simpsonNormalMass(a: number, b: number, intervals = 20000): number {
  const h = (b - a) / intervals;
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let sum = pdf(a) + pdf(b);
  for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * pdf(a + i * h);
  return (sum * h) / 3;
}

describe('erfc', () => {
  it('matches tabulated values to 1e-13 relative (A&S / mpmath values)', () => {
    const table: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, expected] of table) {
      expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
      expect(Math.abs(erfc(-x) - (2 - expected))).toBeLessThan(1e-15);
    }
  });

  it('is continuous across the series / continued-fraction switch at x = 3', () => {
    const below = erfc(3 - 1e-12);
    const above = erfc(3);
    expect(Math.abs(below - above) / above).toBeLessThan(1e-10);
  });
});

describe('normal distribution', () => {
  it('agrees with Simpson integration of the density', () => {
    for (const z of [-4, -1.96, -0.3, 0.7, 2.5]) {
      expect(normalCdf(z)).toBeCloseTo(0.5 - simpsonNormalMass(z, 0), 12);
    }
  });

  it('gives the known tail values and R’s DeLong p-value for pROC’s aSAH example', () => {
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 15);
    expect(normalSurvival(5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    // R: 2 * pnorm(-2.2089835914409077) = 0.02717578222918815
    expect(twoSidedNormalPValue(-2.2089835914409077) / 0.02717578222918815).toBeCloseTo(1, 12);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('inverts the CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    for (const p of [1e-12, 1e-5, 0.01, 0.2, 0.6, 0.99, 1 - 1e-9]) {
      const z = normalQuantile(p);
      const back = p < 0.5 ? normalCdf(z) : 1 - normalSurvival(z);
      expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
    }
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});
