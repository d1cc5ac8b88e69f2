import { describe, expect, it } from 'vitest';
import { renderMc } from './mc-render';
import { buildMcShape } from './mc-shape';
import { Rng } from './random';

describe('renderMc', () => {
  const options = { width: 32, height: 32, spacingRowMm: 0.1, spacingColMm: 0.1, amplitude: 0.5, tauMm: 1.4 };

  it('integrates the attenuation of a sphere over the pixels (partial volume)', () => {
    const d = 0.3;
    const shape = buildMcShape('punctate', d, 0, [0.1, 0.2], 0, new Rng(1));
    const signal = new Float32Array(32 * 32);
    renderMc(signal, shape, 1, 15.3, 16.7, options);
    const total = signal.reduce((a, v) => a + v, 0);
    // Σ pixels = amplitude / pixel area · ∫∫ (1 − exp(−t/τ)) dA with t = d·sqrt(1 − (r/R)²).
    let integral = 0;
    const steps = 20_000;
    const R = d / 2;
    for (let i = 0; i < steps; i++) {
      const r = ((i + 0.5) * R) / steps;
      const t = d * Math.sqrt(1 - (r / R) ** 2);
      integral += (1 - Math.exp(-t / 1.4)) * 2 * Math.PI * r * (R / steps);
    }
    // Sub-sampling at 0.02 mm (5 × 5 per pixel) resolves the sphere to about 1%.
    const expected = (0.5 * integral) / 0.01;
    expect(Math.abs(total - expected) / expected).toBeLessThan(0.015);
  });

  it('places the signal centroid at the requested sub-pixel position', () => {
    const shape = buildMcShape('coarse-heterogeneous', 0.8, 0, [0.1, 0.2], 0, new Rng(4));
    const signal = new Float32Array(32 * 32);
    const peak = renderMc(signal, shape, 1, 14.25, 17.6, options);
    // The footprint centroid, not the thickness-weighted one, is the reference: compare with a
    // uniform-thickness footprint by thresholding at a tiny fraction of the peak.
    let sx = 0;
    let sy = 0;
    let n = 0;
    let max = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const v = signal[y * 32 + x];
        max = Math.max(max, v);
        if (v > 0) {
          sx += x * v;
          sy += y * v;
          n += v;
        }
      }
    }
    expect(max).toBeCloseTo(peak, 6);
    expect(Math.abs(sx / n - 14.25)).toBeLessThan(0.6);
    expect(Math.abs(sy / n - 17.6)).toBeLessThan(0.6);
  });

  it('gives larger MCs higher peak contrast (contrast grows with thickness)', () => {
    const peaks = [0.1, 0.2, 0.4, 0.8].map((d) => {
      const shape = buildMcShape('punctate', d, 0, [0.1, 0.2], 0, new Rng(3));
      return renderMc(new Float32Array(32 * 32), shape, 1, 16, 16, options);
    });
    for (let i = 1; i < peaks.length; i++) expect(peaks[i]).toBeGreaterThan(peaks[i - 1]);
    // A 0.1 mm sphere centred in a 0.1 mm pixel fills its central pixel with mean thickness
    // (π/6 · 0.1³) / 0.01 ≈ 0.052 mm → contrast ≈ 0.5 · (0.052 / 1.4) — small, near the noise floor.
    expect(peaks[0]).toBeLessThan(0.025);
    expect(peaks[0]).toBeGreaterThan(0.01);
  });
});
