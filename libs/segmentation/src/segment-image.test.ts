import type { GrayImage } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED_CNR } from './microcalcifications';
import { segmentImage } from './segment-image';
import { normalTail, renderScene } from './test-scenes';

/**
 * A breast on air at a given spacing, built in millimetres: a half-disk of radius 45 mm on the left
 * edge (tissue 0.35, air 0.03), a 14 mm disk mass of +0.12 centred at (20, 30) mm and a cluster of
 * five 0.5 mm disks of +0.15 around (25, 65) mm, with Gaussian noise σ 0.01.
 */
const MCS = [
  [25, 65],
  [27, 66.5],
  [24, 67.5],
  [26.5, 63],
  [23, 64.5],
];

function scene(spacingMm: number): GrayImage {
  return renderScene({
    widthMm: 60,
    heightMm: 100,
    spacingMm,
    background: 0.03,
    noiseSigma: 0.01,
    seed: 23,
    disks: [
      { xMm: 0, yMm: 50, diameterMm: 90, contrast: 0.32 },
      { xMm: 20, yMm: 30, diameterMm: 14, contrast: 0.12 },
      ...MCS.map(([xMm, yMm]) => ({ xMm, yMm, diameterMm: 0.5, contrast: 0.15 })),
    ],
  });
}

describe('segmentImage', () => {
  for (const spacing of [0.1, 0.07]) {
    it(`finds the breast, the cluster and the mass at ${spacing} mm with stage timings`, () => {
      const image = scene(spacing);
      const result = segmentImage(image);
      expect(result.breast.airFound).toBe(true);
      expect(result.breast.chestWallSide).toBe('left');
      // The five MCs, each once, with their diameter; noise may add weak spots, no more than the Gaussian
      // tail of the breast's pixels above the default seed CNR, and they make no cluster.
      for (const [xMm, yMm] of MCS) {
        const hits = result.microcalcifications.filter(
          (mc) =>
            Math.hypot((mc.centroid.x + 0.5) * spacing - xMm, (mc.centroid.y + 0.5) * spacing - yMm) < 0.15,
        );
        expect(hits).toHaveLength(1);
        expect(Math.abs(hits[0].diameterMm - 0.5)).toBeLessThan(spacing);
      }
      const others = result.microcalcifications.length - MCS.length;
      const breastPixels = result.breast.mask.reduce((sum, v) => sum + v, 0);
      expect(others).toBeLessThanOrEqual(breastPixels * normalTail(DEFAULT_SEED_CNR));
      expect(result.clusters).toHaveLength(1);
      expect(result.clusters[0].mcs).toHaveLength(5);
      const c = result.clusters[0].centroid;
      expect(Math.hypot((c.x + 0.5) * spacing - 25.1, (c.y + 0.5) * spacing - 65.3)).toBeLessThan(0.2);
      expect(result.masses).toHaveLength(1);
      const mass = result.masses[0];
      expect(Math.abs(mass.diameterMm - 14)).toBeLessThan(1);
      expect(
        Math.hypot((mass.centroid.x + 0.5) * spacing - 20, (mass.centroid.y + 0.5) * spacing - 30),
      ).toBeLessThan(0.5);
      for (const stage of [
        'segmentBreast',
        'detectMicrocalcifications',
        'clusterMicrocalcifications',
        'segmentMasses',
      ]) {
        expect(result.timingsMs[stage]).toBeGreaterThanOrEqual(0);
      }
      expect(result.timingsMs.total).toBeGreaterThanOrEqual(result.timingsMs.segmentMasses);
    });
  }
});
