import type { GrayImage, Region } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { MC_CLUSTER_MARGIN_MM, mcClusterFeatures } from './mcFeatures';
import { featureVectorToRecord, MC_FEATURES } from './schema';
import { blankImage, diskRegion, paint, regionWhere, transformRegion } from './testing.fixtures';

const rect = (w: number, h: number, x0: number, y0: number, rw: number, rh: number): Region =>
  regionWhere(w, h, (x, y) => x >= x0 && x < x0 + rw && y >= y0 && y < y0 + rh);

function features(image: GrayImage, regions: Region[]): Record<string, number> {
  return featureVectorToRecord(
    MC_FEATURES,
    mcClusterFeatures(image, { mcs: regions.map((region) => ({ region })) }),
  );
}

describe('mcClusterFeatures', () => {
  it('measures three collinear 3 × 3 px MCs: count, hull area dilated by the margin, density, layout', () => {
    const image = blankImage(80, 40, 0.1, 0.2);
    const mcs = [rect(80, 40, 10, 10, 3, 3), rect(80, 40, 30, 10, 3, 3), rect(80, 40, 50, 10, 3, 3)];
    for (const mc of mcs) paint(image, mc, 0.8);
    const f = features(image, mcs);
    // Hull of the pixel squares: 4.3 mm × 0.3 mm; dilated by m: A + P·m + π m².
    const m = MC_CLUSTER_MARGIN_MM;
    const clusterArea = 4.3 * 0.3 + 2 * (4.3 + 0.3) * m + Math.PI * m * m;
    expect(f.mcCount).toBe(3);
    expect(f.mcClusterArea).toBeCloseTo(clusterArea, 10);
    expect(f.mcDensity).toBeCloseTo(3 / (clusterArea / 100), 8);
    expect(f.mcVolumeRatio).toBeCloseTo((3 * 0.09) / clusterArea, 10);
    expect(f.mcMeanArea).toBeCloseTo(0.09, 12);
    expect(f.mcMeanDiameter).toBeCloseTo(2 * Math.sqrt(0.09 / Math.PI), 12);
    expect(f.mcDiameterStd).toBeCloseTo(0, 12);
    expect(f.mcMeanGray).toBeCloseTo(0.8 * 255, 4);
    expect(f.mcMeanSolidity).toBe(1);
    expect(f.mcMeanAxisRatio).toBeCloseTo(1, 12);
    // Centre distances 2 mm, 0, 2 mm: σ/μ = sqrt(8/3 − 16/9) / (4/3) = √2/2.
    expect(f.mcSpiculation).toBeCloseTo(Math.SQRT1_2, 12);
    expect(f.mcSandyShare).toBe(0);
    expect(f.mcLinearShare).toBe(0);
  });

  it('classifies MCs as sandy (equivalent diameter < 0.3 mm) and linear (axis ratio ≥ 2.5)', () => {
    const image = blankImage(60, 60, 0.1, 0.1);
    const mcs = [
      rect(60, 60, 10, 10, 3, 3), // 0.09 mm², diameter 0.339 mm, round
      rect(60, 60, 20, 10, 1, 1), // 0.01 mm², diameter 0.113 mm: sandy
      rect(60, 60, 10, 20, 6, 1), // 0.06 mm², diameter 0.276 mm: sandy; axis ratio sqrt(36/12 / (1/12)) = 6: linear
      rect(60, 60, 30, 30, 5, 5), // 0.25 mm²
    ];
    const f = features(image, mcs);
    expect(f.mcSandyShare).toBe(0.5);
    expect(f.mcLinearShare).toBe(0.25);
    expect(f.mcMeanAxisRatio).toBeCloseTo((1 + 1 + 6 + 1) / 4, 10);
    expect(f.mcMeanArea).toBeCloseTo((0.09 + 0.01 + 0.06 + 0.25) / 4, 12);
    const diameters = [0.09, 0.01, 0.06, 0.25].map((a) => 2 * Math.sqrt(a / Math.PI));
    const mean = diameters.reduce((s, d) => s + d, 0) / 4;
    expect(f.mcMeanDiameter).toBeCloseTo(mean, 12);
    expect(f.mcDiameterStd).toBeCloseTo(
      Math.sqrt(diameters.reduce((s, d) => s + (d - mean) ** 2, 0) / 4),
      12,
    );
    expect(f.mcVolumeRatio).toBeLessThan(1);
    expect(f.mcCircularityProportion).toBeLessThanOrEqual(1);
  });

  it('gives the same features for the same physical MCs at 0.1 mm and 0.05 mm', () => {
    const place = (s: number) => {
      const size = Math.round(8 / s);
      const image = blankImage(size, size, s, 0.2);
      // Disks of radius 0.4 mm at (2, 2), (5, 2.5), (3.5, 5.5) mm.
      const mcs = [
        [2, 2],
        [5, 2.5],
        [3.5, 5.5],
      ].map(([x, y]) => diskRegion(size, size, x / s, y / s, 0.4 / s));
      for (const mc of mcs) paint(image, mc, 0.7);
      return features(image, mcs);
    };
    const coarse = place(0.1);
    const fine = place(0.05);
    for (const name of ['mcMeanDiameter', 'mcMeanArea', 'mcClusterArea', 'mcDensity', 'mcVolumeRatio']) {
      expect(Math.abs(fine[name] - coarse[name]) / coarse[name], name).toBeLessThan(0.06);
    }
    expect(fine.mcSpiculation).toBeCloseTo(coarse.mcSpiculation, 2);
    expect(fine.mcMeanGray).toBeCloseTo(coarse.mcMeanGray, 4);
    expect(Math.abs(fine.mcMeanDiameter - 0.8)).toBeLessThan(0.05);
    expect(coarse.mcCircularityProportion).toBe(1);
    expect(fine.mcCircularityProportion).toBe(1);
  });

  it('is invariant under 90° rotation and flips of the cluster', () => {
    const [w, h] = [40, 30];
    const image = blankImage(w, h, 0.07, 0.3);
    const mcs = [
      diskRegion(w, h, 8, 7, 2.5),
      rect(w, h, 20, 5, 7, 2),
      regionWhere(
        w,
        h,
        (x, y) => (x >= 12 && x < 15 && y >= 18 && y < 24) || (x >= 12 && x < 18 && y === 23),
      ),
    ];
    mcs.forEach((mc, k) => {
      paint(image, mc, (x, y) => 0.5 + 0.01 * k + 0.001 * (x + 2 * y));
    });
    const reference = features(image, mcs);
    const transforms: [number, number, (x: number, y: number) => [number, number]][] = [
      [h, w, (x, y) => [h - 1 - y, x]],
      [w, h, (x, y) => [w - 1 - x, y]],
      [w, h, (x, y) => [x, h - 1 - y]],
    ];
    for (const [tw, th, map] of transforms) {
      const moved = blankImage(tw, th, 0.07, 0.3);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [nx, ny] = map(x, y);
          moved.data[ny * tw + nx] = image.data[y * w + x];
        }
      }
      const other = features(
        moved,
        mcs.map((mc) => transformRegion(mc, w, tw, map)),
      );
      for (const name of Object.keys(reference)) expect(other[name], name).toBeCloseTo(reference[name], 9);
    }
    expect(reference.mcLinearShare).toBeGreaterThan(0);
  });

  it('returns 15 zeros for a cluster without MCs (the "no MC part" encoding)', () => {
    const vector = mcClusterFeatures(blankImage(10, 10, 0.1), { mcs: [] });
    expect(Array.from(vector)).toEqual(new Array(15).fill(0));
  });
});
