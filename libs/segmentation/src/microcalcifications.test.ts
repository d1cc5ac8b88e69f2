import { describe, expect, it } from 'vitest';
import { SegmentationError } from './errors';
import { detectMicrocalcifications } from './microcalcifications';
import { type DiskSpec, renderScene } from './test-scenes';

/** Disks of the given diameters on a 6 mm grid, inside a 30 × 30 mm field. */
function diskGrid(diameters: readonly number[], contrast: number): DiskSpec[] {
  return diameters.map((diameterMm, i) => ({
    xMm: 6 + (i % 4) * 6 + 0.23,
    yMm: 6 + Math.floor(i / 4) * 6 + 0.41,
    diameterMm,
    contrast,
  }));
}

const DIAMETERS = [0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 0.35];

describe('detectMicrocalcifications', () => {
  for (const spacingMm of [0.1, 0.07]) {
    it(`finds disks with their diameters (±0.5 px) and nothing else at ${spacingMm} mm`, () => {
      const disks = diskGrid(DIAMETERS, 0.15);
      const image = renderScene({
        widthMm: 30,
        heightMm: 30,
        spacingMm,
        background: 0.4,
        noiseSigma: 0.01,
        seed: 7,
        disks,
      });
      const mcs = detectMicrocalcifications(image);
      expect(mcs).toHaveLength(disks.length);
      for (const disk of disks) {
        const cx = disk.xMm / spacingMm - 0.5;
        const cy = disk.yMm / spacingMm - 0.5;
        const hit = mcs.filter((mc) => Math.hypot(mc.centroid.x - cx, mc.centroid.y - cy) * spacingMm < 0.15);
        expect(hit, `disk ${disk.diameterMm} mm`).toHaveLength(1);
        expect(Math.abs(hit[0].diameterMm - disk.diameterMm) / spacingMm).toBeLessThanOrEqual(0.5);
        expect(hit[0].cnr).toBeGreaterThan(5);
        expect(hit[0].region.indices.length).toBeGreaterThan(0);
      }
    });
  }

  it('drops bright spots larger than the MC size limit', () => {
    const image = renderScene({
      widthMm: 30,
      heightMm: 30,
      spacingMm: 0.1,
      background: 0.4,
      noiseSigma: 0.01,
      seed: 3,
      disks: [
        { xMm: 10, yMm: 15, diameterMm: 2.5, contrast: 0.2 },
        { xMm: 20, yMm: 15, diameterMm: 0.5, contrast: 0.2 },
      ],
    });
    const mcs = detectMicrocalcifications(image);
    expect(mcs).toHaveLength(1);
    expect(mcs[0].centroid.x * 0.1).toBeCloseTo(20 - 0.05, 0);
  });

  it('detects next to nothing on pure noise', () => {
    const image = renderScene({
      widthMm: 60,
      heightMm: 60,
      spacingMm: 0.1,
      background: 0.4,
      noiseSigma: 0.02,
      seed: 11,
      disks: [],
    });
    // 360 000 pixels of noise: at CNR ≥ 5 a Gaussian tail would give far below one false spot.
    expect(detectMicrocalcifications(image).length).toBeLessThanOrEqual(1);
  });

  it('gives the same findings for one scene at 0.1 and 0.07 mm', () => {
    const disks = diskGrid(DIAMETERS, 0.12);
    const render = (spacingMm: number) =>
      renderScene({
        widthMm: 30,
        heightMm: 30,
        spacingMm,
        background: 0.4,
        noiseSigma: 0.008,
        seed: 5,
        disks,
      });
    const coarse = detectMicrocalcifications(render(0.1));
    const fine = detectMicrocalcifications(render(0.07));
    expect(fine).toHaveLength(coarse.length);
    for (const mc of coarse) {
      const xMm = (mc.centroid.x + 0.5) * 0.1;
      const yMm = (mc.centroid.y + 0.5) * 0.1;
      const twin = fine.find(
        (other) =>
          Math.hypot((other.centroid.x + 0.5) * 0.07 - xMm, (other.centroid.y + 0.5) * 0.07 - yMm) < 0.1,
      );
      expect(twin, `MC at ${xMm.toFixed(2)}, ${yMm.toFixed(2)} mm`).toBeDefined();
      expect(Math.abs(twin!.diameterMm - mc.diameterMm)).toBeLessThan(0.1);
    }
  });

  it('rejects malformed input with typed errors', () => {
    const image = renderScene({
      widthMm: 5,
      heightMm: 5,
      spacingMm: 0.1,
      background: 0.4,
      noiseSigma: 0,
      seed: 1,
      disks: [],
    });
    expect(() => detectMicrocalcifications({ ...image, pixelSpacingMm: { row: 0, col: 0.1 } })).toThrow(
      SegmentationError,
    );
    expect(() => detectMicrocalcifications({ ...image, data: new Float32Array(3) })).toThrowError(
      expect.objectContaining({ code: 'INVALID_IMAGE' }),
    );
    expect(() => detectMicrocalcifications(image, { seedCnr: 2, growCnr: 3 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
