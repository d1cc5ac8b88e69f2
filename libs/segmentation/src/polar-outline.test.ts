import { describe, expect, it } from 'vitest';
import { type MassPlane, measureOutline, searchOutline } from './mass-outline';
import { bilinearAt, outlineRadiusAt, type PolarPlane, polarOutline } from './polar-outline';

/** A plane of `value` inside the ellipse (semi-axes a, b mm, centre cx, cy px) and 0 outside, 0.25 mm pixels. */
function ellipsePlane(size: number, cx: number, cy: number, a: number, b: number, value = 1): PolarPlane {
  const data = new Float32Array(size * size);
  const d = 0.25;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ex = ((x - cx) * d) / a;
      const ey = ((y - cy) * d) / b;
      if (ex * ex + ey * ey <= 1) data[y * size + x] = value;
    }
  }
  return { data, width: size, height: size, dxMm: d, dyMm: d };
}

/** The same plane as a MassPlane (all tissue, gradient by central differences). */
function asMassPlane(plane: PolarPlane): MassPlane {
  const { data, width, height, dxMm, dyMm } = plane;
  const gradient = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      gradient[i] = Math.hypot(
        (data[i + 1] - data[i - 1]) / (2 * dxMm),
        (data[i + width] - data[i - width]) / (2 * dyMm),
      );
    }
  }
  return { ...plane, fx: 1, fy: 1, coarse: data, tissue: new Uint8Array(width * height).fill(1), gradient };
}

describe('polarOutline', () => {
  it('follows a disk edge on every ray, to within one sample', () => {
    const plane = ellipsePlane(101, 50, 50, 6, 6);
    const outline = polarOutline(plane, 50, 50, 2, 12);
    const sampleMm = 10 / 39;
    for (const r of outline.radiiMm) expect(Math.abs(r - 6)).toBeLessThanOrEqual(sampleMm + 0.125);
    // Held by the edge, not by the ends of the radius range.
    for (const r of outline.radiiMm) expect(Math.min(r - 2, 12 - r)).toBeGreaterThan(2 * sampleMm);
    for (const drop of outline.drops) expect(drop).toBeGreaterThan(0);
  });

  it('follows an ellipse: the radius along each axis is its semi-axis', () => {
    const plane = ellipsePlane(121, 60, 60, 9, 5);
    const outline = polarOutline(plane, 60, 60, 2, 14);
    expect(outlineRadiusAt(outline, 0)).toBeCloseTo(9, 0);
    expect(outlineRadiusAt(outline, Math.PI / 2)).toBeCloseTo(5, 0);
    expect(outlineRadiusAt(outline, Math.PI)).toBeCloseTo(9, 0);
  });

  it('keeps neighbouring rays within the step limit and closes', () => {
    const plane = ellipsePlane(121, 60, 60, 10, 4);
    const outline = polarOutline(plane, 60, 60, 1, 16, { maxStep: 1 });
    const step = 15 / 39;
    const n = outline.radiiMm.length;
    for (let k = 0; k < n; k++) {
      const jump = Math.abs(outline.radiiMm[(k + 1) % n] - outline.radiiMm[k]);
      expect(jump).toBeLessThanOrEqual(step + 1e-9);
    }
  });
});

describe('measureOutline and searchOutline', () => {
  it('measures a disk: contrast, diameter and centroid', () => {
    const plane = asMassPlane(ellipsePlane(121, 60, 60, 8, 8, 0.2));
    const m = measureOutline(plane, polarOutline(plane, 60, 60, 3, 14));
    expect(m).not.toBeNull();
    expect(m!.contrast).toBeCloseTo(0.2, 2);
    expect(Math.abs(m!.diameterMm - 16)).toBeLessThan(0.6);
    expect(Math.hypot(m!.centroid.x - 60, m!.centroid.y - 60)).toBeLessThan(0.5);
    expect(m!.edgeRatio).toBeGreaterThan(1);
  });

  it('drifts from an off-centre start to the mass and prefers the whole mass to a part of it', () => {
    const plane = asMassPlane(ellipsePlane(161, 80, 80, 10, 10, 0.2));
    const starts = [
      { x: 80 + 14, y: 80 - 10, radiusMm: 3 },
      { x: 80 + 14, y: 80 - 10, radiusMm: 8 },
    ];
    const choice = searchOutline(plane, starts);
    expect(choice).not.toBeNull();
    expect(Math.abs(choice!.measures.diameterMm - 20)).toBeLessThan(1);
    expect(Math.hypot(choice!.measures.centroid.x - 80, choice!.measures.centroid.y - 80)).toBeLessThan(1);
  });

  it('returns null when every outline is outside the diameter range', () => {
    const plane = asMassPlane(ellipsePlane(121, 60, 60, 8, 8, 0.2));
    expect(searchOutline(plane, [{ x: 60, y: 60, radiusMm: 8 }], 30, 40)).toBeNull();
  });
});

describe('bilinearAt', () => {
  it('interpolates inside, clamps outside, and reads planes one pixel wide', () => {
    const plane = Float32Array.from([0, 1, 2, 3]); // 2 × 2
    expect(bilinearAt(plane, 2, 2, 0.5, 0.5)).toBeCloseTo(1.5, 12);
    expect(bilinearAt(plane, 2, 2, 1, 1)).toBe(3);
    expect(bilinearAt(plane, 2, 2, -4, 9)).toBe(2);
    const column = Float32Array.from([1, 3, 5]); // 1 × 3
    expect(bilinearAt(column, 1, 3, 0.7, 1.5)).toBeCloseTo(4, 12);
  });
});
