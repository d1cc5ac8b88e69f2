import { describe, expect, it } from 'vitest';
import { buildMcShape, mcThicknessMm } from './mc-shape';
import { PHANTOM_PARAMETERS } from './parameters';
import { Rng } from './random';
import { MC_MORPHOLOGIES } from './types';

/** Footprint area and centroid by brute-force grid sampling, independent of the shape's own measures. */
function measure(shape: ReturnType<typeof buildMcShape>): { area: number; cx: number; cy: number } {
  const reach = shape.extentMm * 1.2;
  const n = 400;
  const step = (2 * reach) / n;
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = -reach + (i + 0.5) * step;
      const y = -reach + (j + 0.5) * step;
      if (mcThicknessMm(shape, x, y) > 0) {
        count++;
        sx += x;
        sy += y;
      }
    }
  }
  return { area: count * step * step, cx: sx / count, cy: sy / count };
}

describe('buildMcShape', () => {
  const p = PHANTOM_PARAMETERS.mc;
  it.each(MC_MORPHOLOGIES)(
    '%s: reported area, diameter and centroid match the rendered footprint',
    (morphology) => {
      const rng = new Rng(17);
      const [lo, hi] = p.diameterMm[morphology];
      for (let k = 0; k < 12; k++) {
        const target = lo + ((hi - lo) * k) / 11;
        const shape = buildMcShape(morphology, target, rng.uniform(0, Math.PI), p.linearWidthMm, 0.5, rng);
        const m = measure(shape);
        expect(Math.abs(m.area - shape.areaMm2) / shape.areaMm2).toBeLessThan(0.03);
        expect(shape.diameterMm).toBeCloseTo(2 * Math.sqrt(shape.areaMm2 / Math.PI), 10);
        expect(Math.hypot(m.cx, m.cy)).toBeLessThan(0.02 * shape.diameterMm + 0.002);
        // Within the BI-RADS microcalcification size range, and near the requested size.
        expect(shape.diameterMm).toBeGreaterThanOrEqual(0.1);
        expect(shape.diameterMm).toBeLessThanOrEqual(1);
        expect(Math.abs(shape.diameterMm - target) / target).toBeLessThan(0.06);
        expect(shape.lengthMm).toBeGreaterThanOrEqual(shape.diameterMm * 0.95);
        expect(shape.extentMm).toBeGreaterThanOrEqual(shape.lengthMm / 2);
      }
    },
  );

  it('makes punctate MCs spheres: round outline, thickness = chord of the sphere', () => {
    const shape = buildMcShape('punctate', 0.4, 0, p.linearWidthMm, 0, new Rng(1));
    expect(shape.lengthMm).toBeCloseTo(0.4, 2);
    expect(mcThicknessMm(shape, 0, 0)).toBeCloseTo(0.4, 6);
    // Sphere of radius 0.2 at 0.12 mm off-centre: 2·sqrt(0.2² − 0.12²) = 0.32.
    expect(mcThicknessMm(shape, 0.12, 0)).toBeCloseTo(0.32, 2);
    expect(mcThicknessMm(shape, 0.21, 0)).toBe(0);
  });

  it('makes fine linear MCs elongated along the requested direction', () => {
    const rng = new Rng(2);
    const angle = 0.6;
    for (let k = 0; k < 10; k++) {
      const shape = buildMcShape('fine-linear-branching', 0.5, angle, p.linearWidthMm, 0, rng);
      expect(shape.lengthMm / shape.diameterMm).toBeGreaterThan(1.3);
      // Points along the axis are calcified, points across it (beyond the half-width) are not.
      expect(mcThicknessMm(shape, 0.3 * Math.cos(angle), 0.3 * Math.sin(angle))).toBeGreaterThan(0);
      expect(mcThicknessMm(shape, -0.3 * Math.sin(angle), 0.3 * Math.cos(angle))).toBe(0);
    }
  });
});
