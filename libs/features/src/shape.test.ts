import { regionFromIndices } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { FeatureError } from './errors';
import { regionRuns } from './raster';
import { croftonPerimeter, croftonWeights, type RegionShape, regionShape } from './shape';
import { blankImage, diskRegion, regionWhere, seededRandom, transformRegion } from './testing.fixtures';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('regionShape on analytic shapes', () => {
  it('measures a digital disk of radius r px at spacing s: area π r² s², perimeter 2π r s, round and convex', () => {
    const s = 0.1;
    const r = 20;
    const shape = regionShape(diskRegion(100, 100, 50.3, 49.8, r), blankImage(100, 100, s));
    expect(relative(shape.areaMm2, Math.PI * r * r * s * s)).toBeLessThan(0.01);
    expect(relative(shape.perimeterMm, 2 * Math.PI * r * s)).toBeLessThan(0.015);
    expect(relative(shape.equivalentDiameterMm, 2 * r * s)).toBeLessThan(0.005);
    expect(shape.circularity).toBeGreaterThan(0.97);
    expect(shape.solidity).toBe(1);
    expect(shape.convexity).toBe(1);
    expect(shape.axisRatio).toBeLessThan(1.02);
    expect(Math.abs(shape.centroid.x - 50.3)).toBeLessThan(0.1);
    expect(Math.abs(shape.centroid.y - 49.8)).toBeLessThan(0.1);
  });

  it('gives a large square a circularity near π/4 (the estimator reads straight edges ≈1.4 % short)', () => {
    const n = 100;
    const shape = regionShape(
      regionWhere(120, 120, (x, y) => x >= 10 && x < 10 + n && y >= 10 && y < 10 + n),
      blankImage(120, 120, 0.1),
    );
    expect(relative(shape.circularity, Math.PI / 4)).toBeLessThan(0.05);
    expect(relative(shape.perimeterMm, 4 * n * 0.1)).toBeLessThan(0.025);
    expect(shape.solidity).toBe(1);
    expect(shape.axisRatio).toBeCloseTo(1, 12);
  });

  it('gives an L of three n × n squares the solidity 3 / 3.5 of its convex hull', () => {
    const n = 40;
    const shape = regionShape(
      regionWhere(100, 100, (x, y) => (x < 2 * n && y < n) || (x < n && y < 2 * n)),
      blankImage(100, 100, 0.1),
    );
    expect(shape.pixelCount).toBe(3 * n * n);
    expect(relative(shape.solidity, 6 / 7)).toBeLessThan(0.02);
    expect(shape.convexity).toBeLessThan(1);
    // Hull perimeter: two sides 2n, two sides n, one diagonal n√2 (pixel-centre hull ≈ shape for large n).
    expect(relative(shape.convexHullPerimeterMm, (6 * n + n * Math.SQRT2) * 0.1)).toBeLessThan(0.03);
  });

  it('reads an ellipse with semi-axes a, b as axis ratio a/b, elongation 1 − b/a, major axis 2a', () => {
    const [a, b] = [36, 12];
    const shape = regionShape(
      regionWhere(100, 60, (x, y) => ((x - 50) / a) ** 2 + ((y - 30) / b) ** 2 <= 1),
      blankImage(100, 60, 0.05),
    );
    expect(relative(shape.axisRatio, a / b)).toBeLessThan(0.02);
    expect(shape.elongation).toBeCloseTo(1 - b / a, 2);
    expect(relative(shape.majorAxisMm, 2 * a * 0.05)).toBeLessThan(0.02);
    expect(relative(shape.minorAxisMm, 2 * b * 0.05)).toBeLessThan(0.03);
    expect(relative(shape.areaMm2, Math.PI * a * b * 0.05 * 0.05)).toBeLessThan(0.02);
  });

  it('treats a single pixel as a round, convex square of one pixel area', () => {
    const shape = regionShape(regionFromIndices([5 * 10 + 3], 10), blankImage(10, 10, [0.05, 0.08]));
    expect(shape.areaMm2).toBeCloseTo(0.05 * 0.08, 15);
    expect(shape.solidity).toBe(1);
    expect(shape.circularity).toBe(1);
    expect(shape.axisRatio).toBeCloseTo(0.08 / 0.05, 12);
    expect(shape.centroid).toEqual({ x: 3, y: 5 });
  });
});

describe('regionShape consistency', () => {
  it('measures the same 2 mm-radius disk alike at 0.1 mm and 0.05 mm pixels', () => {
    const coarse = regionShape(diskRegion(60, 60, 30, 30, 20), blankImage(60, 60, 0.1));
    const fine = regionShape(diskRegion(120, 120, 60, 60, 40), blankImage(120, 120, 0.05));
    expect(relative(fine.areaMm2, coarse.areaMm2)).toBeLessThan(0.01);
    expect(relative(fine.equivalentDiameterMm, coarse.equivalentDiameterMm)).toBeLessThan(0.005);
    expect(relative(fine.perimeterMm, coarse.perimeterMm)).toBeLessThan(0.01);
    expect(relative(fine.areaMm2, Math.PI * 4)).toBeLessThan(0.01);
  });

  it('measures a physical disk drawn with anisotropic pixels (0.05 mm rows, 0.1 mm columns) as a disk', () => {
    // Radius 2 mm: 20 columns, 40 rows.
    const shape = regionShape(
      regionWhere(60, 100, (x, y) => ((x - 30) / 20) ** 2 + ((y - 50) / 40) ** 2 <= 1),
      blankImage(60, 100, [0.05, 0.1]),
    );
    expect(relative(shape.areaMm2, Math.PI * 4)).toBeLessThan(0.01);
    expect(relative(shape.perimeterMm, Math.PI * 4)).toBeLessThan(0.015);
    expect(shape.circularity).toBeGreaterThan(0.97);
    expect(shape.axisRatio).toBeLessThan(1.02);
  });

  it('is invariant under 90° rotation (spacing swapped) and flips', () => {
    const [w, h] = [50, 40];
    // An irregular blob: two disks, a bar and a notch.
    const blob = regionWhere(
      w,
      h,
      (x, y) =>
        ((x - 15) ** 2 + (y - 18) ** 2 <= 64 ||
          (x - 30) ** 2 + (y - 22) ** 2 <= 30 ||
          (y >= 20 && y < 23 && x < 44)) &&
        !(x > 12 && x < 16 && y < 14),
    );
    const spacing: [number, number] = [0.07, 0.11];
    const reference = regionShape(blob, blankImage(w, h, spacing));
    const rotated = regionShape(
      transformRegion(blob, w, h, (x, y) => [h - 1 - y, x]),
      blankImage(h, w, [spacing[1], spacing[0]]),
    );
    const flippedX = regionShape(
      transformRegion(blob, w, w, (x, y) => [w - 1 - x, y]),
      blankImage(w, h, spacing),
    );
    const flippedY = regionShape(
      transformRegion(blob, w, w, (x, y) => [x, h - 1 - y]),
      blankImage(w, h, spacing),
    );
    for (const other of [rotated, flippedX, flippedY]) expectSameShape(other, reference);
    expect(reference.solidity).toBeLessThan(0.95);
  });
});

function expectSameShape(actual: RegionShape, expected: RegionShape): void {
  const keys = Object.keys(expected).filter((k) => k !== 'centroid') as (keyof RegionShape)[];
  for (const key of keys) expect(actual[key] as number, key).toBeCloseTo(expected[key] as number, 10);
}

describe('regionShape input checks', () => {
  it('refuses an empty region and pixels outside the image', () => {
    const image = blankImage(10, 10, 0.1);
    expect(() => regionShape(regionFromIndices([], 10), image)).toThrow(
      expect.objectContaining({ code: 'EMPTY_REGION' }),
    );
    expect(() => regionShape(regionFromIndices([3, 100], 10), image)).toThrow(FeatureError);
    expect(() => regionShape(regionFromIndices([3, 100], 10), image)).toThrow(
      expect.objectContaining({ code: 'REGION_OUT_OF_BOUNDS' }),
    );
  });
});

describe('croftonPerimeter on runs', () => {
  it('equals the transition count of a plain bitmap walk on a blob with holes and gaps', () => {
    const random = seededRandom(21);
    const [w, h] = [37, 29];
    const blob = regionWhere(
      w,
      h,
      (x, y) => (x - 18) ** 2 / 200 + (y - 14) ** 2 / 80 <= 1 && random() < 0.85,
    );
    const spacing = { row: 0.07, col: 0.09 };
    const weights = croftonWeights(spacing);
    const inside = new Set(blob.indices);
    const at = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && inside.has(y * w + x);
    let expected = 0;
    for (let k = 0; k < weights.dx.length; k++) {
      let transitions = 0;
      for (let y = -3; y < h + 3; y++) {
        for (let x = -3; x < w + 3; x++)
          if (at(x, y) !== at(x + weights.dx[k], y + weights.dy[k])) transitions++;
      }
      expected += weights.factor[k] * transitions;
    }
    const runs = regionRuns(blob, { width: w, height: h });
    expect(croftonPerimeter(runs, weights)).toBeCloseTo(expected, 10);
    // The weights cover the half-turn once.
    const total = Array.from(weights.factor).reduce(
      (s, f, k) =>
        s +
        f /
          (0.5 *
            ((spacing.row * spacing.col) /
              Math.hypot(weights.dx[k] * spacing.col, weights.dy[k] * spacing.row))),
      0,
    );
    expect(total).toBeCloseTo(Math.PI, 12);
  });

  it('builds the same runs from unsorted indices with duplicates', () => {
    const region = diskRegion(30, 30, 15, 15, 6);
    const shuffled = {
      indices: Int32Array.from([...region.indices].reverse().concat([region.indices[3]])),
      bbox: region.bbox,
    };
    expect(regionRuns(shuffled, { width: 30, height: 30 })).toEqual(
      regionRuns(region, { width: 30, height: 30 }),
    );
    expect(regionShape(shuffled, blankImage(30, 30, 0.1))).toEqual(
      regionShape(region, blankImage(30, 30, 0.1)),
    );
  });
});
