import { describe, expect, it } from 'vitest';
import { SegmentationError } from './errors';
import { DEFAULT_SEED_CNR, detectMicrocalcifications } from './microcalcifications';
import { type DiskSpec, normal, normalTail, renderScene } from './test-scenes';

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

/**
 * A seed level at which white noise alone gives no spots on these small scenes (the default, 4, lets
 * through about N · P(Z ≥ 4) noise peaks on N pixels, which the clustering rules are built to absorb).
 */
const QUIET = { seedCnr: 5 };

describe('detectMicrocalcifications', () => {
  for (const spacingMm of [0.1, 0.07]) {
    it(`finds disks with their diameters (±0.5 px) and nothing else at ${spacingMm} mm (seed CNR 5)`, () => {
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
      const mcs = detectMicrocalcifications(image, QUIET);
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
    const mcs = detectMicrocalcifications(image, QUIET);
    expect(mcs).toHaveLength(1);
    expect(mcs[0].centroid.x * 0.1).toBeCloseTo(20 - 0.05, 0);
  });

  it('finds no more spots on pure noise than its Gaussian tail allows (calibrated noise estimate)', () => {
    const image = renderScene({
      widthMm: 60,
      heightMm: 60,
      spacingMm: 0.1,
      background: 0.4,
      noiseSigma: 0.02,
      seed: 11,
      disks: [],
    });
    // 360 000 pixels: at most N · P(Z ≥ 3.6) ≈ 57 pixels of the detection image pass the default seed
    // level if its sigma is right (fewer spots, as neighbours merge); at 5 far below one.
    const pixels = image.width * image.height;
    const found = detectMicrocalcifications(image).length;
    expect(found).toBeLessThanOrEqual(pixels * normalTail(DEFAULT_SEED_CNR));
    expect(detectMicrocalcifications(image, QUIET).length).toBeLessThanOrEqual(1);
  });

  it('follows noise that changes with the tissue level faster than its tiles (level noise model)', () => {
    // 40 mm field at 0.1 mm: the level swings ±0.1 with a 4 mm period in x and y, and the noise grows
    // with the level (σ 0.002 in the dark spots, 0.018 in the bright ones); 3 mm tiles see the mean σ.
    // Eight 0.4 mm disks of +0.12 sit in dark spots, where the noise is low.
    const size = 400;
    const data = new Float32Array(size * size);
    const noise = normal(5);
    const period = 40;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const wave = Math.sin((2 * Math.PI * x) / period) * Math.sin((2 * Math.PI * y) / period);
        const level = 0.4 + 0.1 * wave;
        data[y * size + x] = level + (0.01 + 0.008 * wave) * noise();
      }
    }
    // Dark spots: sin·sin = −1 at (x, y) = (10 + 40i, 30 + 40j) pixels (and the mirrored ones).
    const disks: [number, number][] = [];
    for (let k = 0; k < 8; k++) disks.push([10 + 40 * (1 + k), 30 + 40 * (1 + (k % 3) * 2)]);
    for (const [cx, cy] of disks) {
      for (let y = Math.floor(cy - 3); y <= Math.ceil(cy + 3); y++) {
        for (let x = Math.floor(cx - 3); x <= Math.ceil(cx + 3); x++) {
          if ((x - cx) ** 2 + (y - cy) ** 2 <= 4) data[y * size + x] += 0.12;
        }
      }
    }
    const image = {
      width: size,
      height: size,
      data,
      pixelSpacingMm: { row: 0.1, col: 0.1 },
      spacingAssumed: false,
      bitsStored: 16,
    };
    // All of it is tissue (segmentBreast would call the dark spots air on a field without any).
    const breast = {
      width: size,
      height: size,
      mask: new Uint8Array(size * size).fill(1),
      bbox: { x0: 0, y0: 0, x1: size, y1: size },
      areaMm2: size * size * 0.01,
      airFound: false,
      chestWallSide: null,
      pectoralEdge: null,
    };
    const found = (options: { levelBins?: number }) => {
      const mcs = detectMicrocalcifications(image, { ...options, breast });
      const hits = disks.filter(([cx, cy]) =>
        mcs.some((mc) => Math.hypot(mc.centroid.x - cx, mc.centroid.y - cy) < 2),
      ).length;
      const others = mcs.filter((mc) =>
        disks.every(([cx, cy]) => Math.hypot(mc.centroid.x - cx, mc.centroid.y - cy) >= 2),
      ).length;
      return { hits, others };
    };
    const withModel = found({});
    const tilesOnly = found({ levelBins: 0 });
    expect(withModel.hits).toBe(disks.length);
    // Tiles alone take the bright spots' noise for the mean noise and report it as MCs.
    expect(tilesOnly.others).toBeGreaterThanOrEqual(5 * Math.max(1, withModel.others));
    expect(withModel.others).toBeLessThanOrEqual(size * size * normalTail(DEFAULT_SEED_CNR));
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
    const coarse = detectMicrocalcifications(render(0.1), QUIET);
    const fine = detectMicrocalcifications(render(0.07), QUIET);
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
