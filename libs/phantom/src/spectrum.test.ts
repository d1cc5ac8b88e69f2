import { describe, expect, it } from 'vitest';
import { powerLawSlope, radialPowerSpectrum } from './spectrum';

describe('radialPowerSpectrum', () => {
  it('puts a cosine of k cycles per patch into bin k (cycles/mm = k / (size · spacing))', () => {
    const size = 64;
    const field = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) field[y * size + x] = Math.cos((2 * Math.PI * 5 * x) / size);
    }
    const s = radialPowerSpectrum(field, size, 0, 0, size, 0.1, 'none');
    let best = 0;
    for (let i = 1; i < s.power.length; i++) if (s.power[i] > s.power[best]) best = i;
    expect(s.frequency[best]).toBeCloseTo(5 / (size * 0.1), 10);
  });

  it('rejects patches outside the field and non-power-of-two sizes', () => {
    const field = new Float32Array(32 * 32);
    expect(() => radialPowerSpectrum(field, 32, 8, 0, 32, 0.1)).toThrow(RangeError);
    expect(() => radialPowerSpectrum(field, 32, 0, 0, 24, 0.1)).toThrow(RangeError);
  });
});

describe('powerLawSlope', () => {
  it('recovers the exponent of an exact power law', () => {
    const frequency = Float64Array.from({ length: 50 }, (_, i) => 0.1 * (i + 1));
    const power = frequency.map((f) => 7 * f ** -2.7);
    expect(powerLawSlope({ frequency, power }, 0.1, 5)).toBeCloseTo(-2.7, 10);
    expect(() => powerLawSlope({ frequency, power }, 10, 20)).toThrow(RangeError);
  });
});
