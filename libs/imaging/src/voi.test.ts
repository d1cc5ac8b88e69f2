import { describe, expect, it } from 'vitest';
import { isValidWindowWidth, voiLinear, voiLinearExact, voiSigmoid } from './voi';

describe('VOI functions (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR maps a 4096-wide window centred at 2048 onto 0..4095 exactly', () => {
    // Bounds: x <= c − 0.5 − (w − 1)/2 = 0 → 0; x > c − 0.5 + (w − 1)/2 = 4095 → 1.
    expect(voiLinear(-10, 2048, 4096)).toBe(0);
    expect(voiLinear(0, 2048, 4096)).toBe(0);
    expect(voiLinear(4095, 2048, 4096)).toBe(1);
    expect(voiLinear(5000, 2048, 4096)).toBe(1);
    expect(voiLinear(2047.5, 2048, 4096)).toBeCloseTo(0.5, 12);
    expect(voiLinear(1, 2048, 4096)).toBeCloseTo((1 - 2047.5) / 4095 + 0.5, 12);
  });

  it('LINEAR with width 1 is a threshold at center − 0.5', () => {
    expect(voiLinear(99.5, 100, 1)).toBe(0);
    expect(voiLinear(99.6, 100, 1)).toBe(1);
  });

  it('LINEAR_EXACT is (x − c)/w + 0.5 clamped', () => {
    expect(voiLinearExact(40, 40, 400)).toBe(0.5);
    expect(voiLinearExact(-160, 40, 400)).toBe(0);
    expect(voiLinearExact(240, 40, 400)).toBe(1);
    expect(voiLinearExact(140, 40, 400)).toBe(0.75);
  });

  it('SIGMOID is 1/(1 + exp(−4(x − c)/w))', () => {
    expect(voiSigmoid(40, 40, 400)).toBe(0.5);
    expect(voiSigmoid(240, 40, 400)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(voiSigmoid(-160, 40, 400)).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
  });

  it('window width validity follows the function', () => {
    expect(isValidWindowWidth('LINEAR', 1)).toBe(true);
    expect(isValidWindowWidth('LINEAR', 0.5)).toBe(false);
    expect(isValidWindowWidth('LINEAR_EXACT', 0.5)).toBe(true);
    expect(isValidWindowWidth('SIGMOID', 0)).toBe(false);
    expect(isValidWindowWidth('LINEAR', Number.NaN)).toBe(false);
  });
});
