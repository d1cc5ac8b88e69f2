import type { GrayImage } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { segmentBreast } from './breast-mask';
import { detectMicrocalcifications } from './microcalcifications';
import { normal } from './test-scenes';

const SPACING = 0.2;
const WIDTH = 400; // 80 mm
const HEIGHT = 500; // 100 mm

/**
 * A breast-like scene, chest wall on the left: a half-ellipse (semi-axes 60 × 45 mm, centred on the
 * left edge at mid-height) of tissue 0.35 on air 0.03, and (optionally) a pectoral triangle of 0.6
 * from (0, 0) to (30 mm, 0) to (0, 40 mm). Noise σ 0.01. `mirror` puts the chest wall on the right.
 */
function breastScene(pectoral: boolean, mirror: boolean): GrayImage {
  const data = new Float32Array(WIDTH * HEIGHT);
  const noise = normal(17);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const xm = x * SPACING;
      const ym = y * SPACING;
      const inBreast = (xm / 60) ** 2 + ((ym - 50) / 45) ** 2 <= 1 || (pectoral && ym < 50 && xm < 30);
      const inPectoral = pectoral && xm / 30 + ym / 40 <= 1;
      const value = inPectoral ? 0.6 : inBreast ? 0.35 : 0.03;
      data[y * WIDTH + (mirror ? WIDTH - 1 - x : x)] = value + 0.01 * noise();
    }
  }
  return {
    width: WIDTH,
    height: HEIGHT,
    data,
    pixelSpacingMm: { row: SPACING, col: SPACING },
    spacingAssumed: false,
    bitsStored: 12,
  };
}

/** Mask value at a point given in mm (chest wall on the left; mirrored for right-sided scenes). */
function maskAt(mask: Uint8Array, xMm: number, yMm: number, mirror = false): number {
  const x = Math.round(xMm / SPACING);
  return mask[Math.round(yMm / SPACING) * WIDTH + (mirror ? WIDTH - 1 - x : x)];
}

describe('segmentBreast', () => {
  it('keeps the breast, drops air and a skin band, and finds the chest wall', () => {
    const breast = segmentBreast(breastScene(false, false));
    expect(breast.airFound).toBe(true);
    expect(breast.chestWallSide).toBe('left');
    expect(breast.pectoralEdge).toBeNull();
    expect(maskAt(breast.mask, 20, 50)).toBe(1);
    expect(maskAt(breast.mask, 56, 50)).toBe(1); // 4 mm inside the skin line
    expect(maskAt(breast.mask, 59.4, 50)).toBe(0); // within the 3 mm skin band
    expect(maskAt(breast.mask, 70, 50)).toBe(0); // air
    expect(maskAt(breast.mask, 5, 2)).toBe(0); // air above the half-ellipse
    // Area: half-ellipse π·60·45/2 = 4241 mm² minus about 3 mm × half the perimeter (≈ 166 mm).
    expect(breast.areaMm2).toBeGreaterThan(4241 - 3 * 166 - 150);
    expect(breast.areaMm2).toBeLessThan(4241 - 3 * 166 + 150);
    expect(breast.bbox.x0).toBe(0);
  });

  for (const mirror of [false, true]) {
    it(`finds and removes a pectoral muscle (chest wall ${mirror ? 'right' : 'left'})`, () => {
      const breast = segmentBreast(breastScene(true, mirror));
      expect(breast.chestWallSide).toBe(mirror ? 'right' : 'left');
      expect(breast.pectoralEdge).not.toBeNull();
      expect(maskAt(breast.mask, 5, 10, mirror)).toBe(0); // inside the muscle
      expect(maskAt(breast.mask, 14, 20, mirror)).toBe(0); // on its edge (x = 15 mm at y = 20 mm)
      expect(maskAt(breast.mask, 25, 30, mirror)).toBe(1); // tissue beside it
      expect(maskAt(breast.mask, 10, 70, mirror)).toBe(1); // below it
      const edge = breast.pectoralEdge!;
      const topXMm = (mirror ? WIDTH - 1 - edge.top.x : edge.top.x) * SPACING;
      expect(Math.abs(topXMm - 30)).toBeLessThan(2);
      expect(Math.abs(edge.chestWall.y * SPACING - 40)).toBeLessThan(3);
    });
  }

  it('treats an image without air as all breast', () => {
    const data = new Float32Array(100 * 100);
    const noise = normal(3);
    for (let i = 0; i < data.length; i++) data[i] = 0.4 + 0.02 * noise();
    const breast = segmentBreast({
      width: 100,
      height: 100,
      data,
      pixelSpacingMm: { row: 0.1, col: 0.1 },
      spacingAssumed: false,
      bitsStored: 12,
    });
    expect(breast.airFound).toBe(false);
    expect(breast.mask.every((v) => v === 1)).toBe(true);
    expect(breast.areaMm2).toBeCloseTo(100, 6);
  });

  it('suppresses MC-like spots in the air and in the pectoral muscle', () => {
    const image = breastScene(true, false);
    const data = image.data;
    // 0.6 mm squares (3 × 3 pixels) of +0.2: in air, in the muscle, and in the breast.
    const spots = [
      [70, 80],
      [6, 8],
      [30, 60],
    ];
    for (const [xMm, yMm] of spots) {
      const x = Math.round(xMm / SPACING);
      const y = Math.round(yMm / SPACING);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) data[(y + dy) * WIDTH + x + dx] += 0.2;
    }
    // Seed CNR 5: no spot of the noise itself passes, so only the three squares are in question.
    const mcs = detectMicrocalcifications(image, { seedCnr: 5 });
    expect(mcs).toHaveLength(1);
    expect(mcs[0].centroid.x * SPACING).toBeCloseTo(30, 0);
    expect(mcs[0].centroid.y * SPACING).toBeCloseTo(60, 0);
  });
});
