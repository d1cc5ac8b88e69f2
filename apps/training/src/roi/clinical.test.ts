import { createMatrix } from '@calcscope/ml';
import { describe, expect, it } from 'vitest';
import {
  binomialDeviance,
  CLINICAL_VARIABLES,
  chiSquare1PValue,
  encodeClinical,
  selectClinicalVariables,
} from './clinical';

/** Deterministic uniforms (LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('clinical variables', () => {
  it('encodes mass presence, BI-RADS and age in CLINICAL_VARIABLES order', () => {
    const x = encodeClinical([
      { lesionType: 'mc', birads: 4, age: 51 },
      { lesionType: 'mc+mass', birads: 5, age: 63 },
      { lesionType: 'mass', birads: 3, age: 40 },
    ]);
    expect(CLINICAL_VARIABLES).toEqual(['mass_present', 'birads', 'age']);
    expect(Array.from(x.data)).toEqual([0, 4, 51, 1, 5, 63, 1, 3, 40]);
    expect(() => encodeClinical([{ lesionType: 'mc', birads: Number.NaN, age: 50 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
  });

  it('χ²₁ upper tail matches the textbook critical values', () => {
    expect(chiSquare1PValue(3.841459)).toBeCloseTo(0.05, 6);
    expect(chiSquare1PValue(6.634897)).toBeCloseTo(0.01, 6);
    expect(chiSquare1PValue(0)).toBe(1);
    expect(chiSquare1PValue(-1e-12)).toBe(1);
  });

  it('the likelihood-ratio statistic of a binary variable equals the closed form', () => {
    // With one binary predictor the MLE reproduces the two groups' rates, so the deviances are known exactly.
    const groups = [
      { x: 0, n: 30, positives: 9 },
      { x: 1, n: 20, positives: 14 },
    ];
    const rows: number[][] = [];
    const y: number[] = [];
    for (const g of groups)
      for (let i = 0; i < g.n; i++) {
        rows.push([g.x, 4, 50 + (i % 7)]);
        y.push(i < g.positives ? 1 : 0);
      }
    const x = createMatrix(rows.length, 3, Float64Array.from(rows.flat()));
    const deviance = (n: number, k: number) => -2 * (k * Math.log(k / n) + (n - k) * Math.log(1 - k / n));
    const full = groups.reduce((s, g) => s + deviance(g.n, g.positives), 0);
    const base = deviance(50, 23);
    const selection = selectClinicalVariables({ x, y: Uint8Array.from(y) });
    const mass = selection.univariate[0];
    expect(mass.lrStatistic).toBeCloseTo(base - full, 5);
    expect(mass.oddsRatio).toBeCloseTo(14 / 6 / (9 / 21), 4);
    expect(mass.pValue).toBeCloseTo(chiSquare1PValue(base - full), 8);
  });

  it('keeps the informative variables and drops noise; never returns an empty model', () => {
    const random = lcg(5);
    const n = 300;
    const rows: number[] = [];
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const mass = random() < 0.5 ? 1 : 0;
      const birads = 2 + Math.floor(random() * 4);
      const age = 30 + 50 * random();
      const logit = -4 + 2 * mass + 0.9 * birads;
      y[i] = random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.push(mass, birads, age);
    }
    const selection = selectClinicalVariables({ x: createMatrix(n, 3, Float64Array.from(rows)), y });
    expect(selection.selected).toEqual([0, 1]);
    expect(selection.multivariate.map((t) => t.variable)).toEqual(['mass_present', 'birads']);
    for (const t of selection.multivariate) expect(t.pValue).toBeLessThan(0.05);

    // Labels independent of everything: nothing enters, the smallest univariate p is kept alone.
    const noise = Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
    const fallback = selectClinicalVariables(
      { x: createMatrix(n, 3, Float64Array.from(rows)), y: noise },
      { entry: 1e-9 },
    );
    const best = fallback.univariate.reduce(
      (b, t, j) => (t.pValue < fallback.univariate[b].pValue ? j : b),
      0,
    );
    expect(fallback.selected).toEqual([best]);
    expect(fallback.steps.at(-1)).toMatch(/kept .* alone/);
  });

  it('binomial deviance is −2 log-likelihood; one class only is refused', () => {
    expect(binomialDeviance([0.8, 0.3], [1, 0])).toBeCloseTo(-2 * (Math.log(0.8) + Math.log(0.7)), 12);
    const x = createMatrix(4, 3, new Float64Array(12));
    expect(() => selectClinicalVariables({ x, y: Uint8Array.of(1, 1, 1, 0) })).toThrow(
      expect.objectContaining({ code: 'INVALID_DATA' }),
    );
  });
});
