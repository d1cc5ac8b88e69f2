import { describe, expect, it } from 'vitest';
import { Rng } from './random';
import { powerLawSlope, radialPowerSpectrum } from './spectrum';
import { bandWeight, multiScaleTexture, powerLawField, powerLawNormaliser } from './texture';

describe('powerLawField', () => {
  it.each([2, 2.5, 3, 3.5])('has a radially averaged spectrum of slope −β (β = %s)', (beta) => {
    const field = powerLawField({ width: 512, height: 512, spacingMm: 0.1, beta }, new Rng(11));
    const spectrum = radialPowerSpectrum(field, 512, 0, 0, 512, 0.1, 'none');
    // Above the roll-off (1/60 mm) and below Nyquist (5 cycles/mm).
    expect(powerLawSlope(spectrum, 0.1, 4.5)).toBeCloseTo(-beta, 1);
  });

  it('has unit expected variance over the reference disc (K normalisation)', () => {
    // With a short roll-off (5 mm) few low-frequency bins carry the variance, so one realisation's
    // sample variance is close to its expectation Σ S·Δf² ≈ ∫ S d²f = 1 (plus the grid's corners).
    let total = 0;
    for (let s = 0; s < 4; s++) {
      const f = powerLawField({ width: 256, height: 256, spacingMm: 0.1, beta: 3, cornerMm: 5 }, new Rng(s));
      let v = 0;
      for (const x of f) v += x * x;
      total += v / f.length;
    }
    expect(total / 4).toBeGreaterThan(0.9);
    expect(total / 4).toBeLessThan(1.15);
    // The closed form agrees with numerical radial integration.
    const fc = 1 / 5;
    let integral = 0;
    const steps = 200_000;
    for (let i = 0; i < steps; i++) {
      const f = ((i + 0.5) * 5) / steps;
      integral += 2 * Math.PI * f * (f * f + fc * fc) ** -1.5 * (5 / steps);
    }
    expect(powerLawNormaliser(3, fc) * integral).toBeCloseTo(1, 4);
  });

  it('smoothing multiplies the power by the Gaussian transfer exp(−4π²σ²f²) and keeps the large scales', () => {
    const sigma = 0.15;
    const plain = powerLawField({ width: 512, height: 512, spacingMm: 0.1, beta: 3 }, new Rng(5));
    const smooth = powerLawField(
      { width: 512, height: 512, spacingMm: 0.1, beta: 3, smoothingMm: sigma },
      new Rng(5),
    );
    const a = radialPowerSpectrum(plain, 512, 0, 0, 512, 0.1, 'none');
    const b = radialPowerSpectrum(smooth, 512, 0, 0, 512, 0.1, 'none');
    // Same white noise, so the ratio per bin is the transfer function itself (up to rounding).
    for (let i = 0; i < a.frequency.length; i++) {
      const f = a.frequency[i];
      if (f < 0.05 || f > 3) continue;
      const expected = Math.exp(-4 * Math.PI * Math.PI * sigma * sigma * f * f);
      expect(b.power[i] / a.power[i]).toBeCloseTo(expected, 2);
    }
    expect(() =>
      powerLawField({ width: 8, height: 8, spacingMm: 0.1, beta: 3, smoothingMm: -1 }, new Rng(1)),
    ).toThrow(RangeError);
  });

  it('is deterministic for a seed', () => {
    const a = powerLawField({ width: 64, height: 32, spacingMm: 0.1, beta: 3 }, new Rng(9));
    const b = powerLawField({ width: 64, height: 32, spacingMm: 0.1, beta: 3 }, new Rng(9));
    expect(a).toEqual(b);
  });
});

describe('multiScaleTexture', () => {
  it('keeps the −β slope across the coarse/fine band split', () => {
    const beta = 3;
    const field = multiScaleTexture(1024, 1024, 0.07, beta, 4, new Rng(21));
    const spectrum = radialPowerSpectrum(field, 1024, 0, 0, 1024, 0.07, 'hann');
    // The split lies at 0.9–1.8 cycles/mm; fit across it.
    expect(powerLawSlope(spectrum, 0.2, 6)).toBeCloseTo(-beta, 0);
    expect(Math.abs(powerLawSlope(spectrum, 0.2, 6) + beta)).toBeLessThan(0.15);
  });

  it('smooths both bands: the fine tile and the coarse grid', () => {
    const plain = multiScaleTexture(1024, 1024, 0.07, 3, 4, new Rng(21));
    const smooth = multiScaleTexture(1024, 1024, 0.07, 3, 4, new Rng(21), 0.15);
    const a = radialPowerSpectrum(plain, 1024, 0, 0, 1024, 0.07, 'none');
    const b = radialPowerSpectrum(smooth, 1024, 0, 0, 1024, 0.07, 'none');
    const ratioNear = (target: number): number => {
      let best = 0;
      for (let i = 1; i < a.frequency.length; i++) {
        if (Math.abs(a.frequency[i] - target) < Math.abs(a.frequency[best] - target)) best = i;
      }
      return b.power[best] / a.power[best];
    };
    const transfer = (f: number): number => Math.exp(-4 * Math.PI * Math.PI * 0.0225 * f * f);
    // Coarse band (below ~0.9 cycles/mm) and fine band (above ~1.8 cycles/mm).
    expect(ratioNear(0.5)).toBeCloseTo(transfer(0.5), 1);
    expect(ratioNear(2) / transfer(2)).toBeGreaterThan(0.7);
    expect(ratioNear(2) / transfer(2)).toBeLessThan(1.4);
  });
});

describe('bandWeight', () => {
  it('splits the spectrum into complementary low and high parts', () => {
    expect(bandWeight(0.5, 1, 2, 'low')).toBe(1);
    expect(bandWeight(2.5, 1, 2, 'low')).toBe(0);
    for (const f of [1.1, 1.5, 1.9]) {
      expect(bandWeight(f, 1, 2, 'low') + bandWeight(f, 1, 2, 'high')).toBeCloseTo(1, 12);
    }
    expect(bandWeight(1.5, 1, 2, 'low')).toBeCloseTo(0.5, 12);
  });
});
