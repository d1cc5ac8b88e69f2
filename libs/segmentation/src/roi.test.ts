import type { GrayImage } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { extractRoi } from './roi';

/** An image whose value is a linear function of the physical position (mm) of each pixel centre. */
function rampImage(width: number, height: number, rowMm: number, colMm: number): GrayImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = 0.01 * (x * colMm) + 0.02 * (y * rowMm);
  }
  return {
    width,
    height,
    data,
    pixelSpacingMm: { row: rowMm, col: colMm },
    spacingAssumed: false,
    bitsStored: 16,
  };
}

describe('extractRoi', () => {
  it('samples the requested physical square (bilinear is exact on a ramp)', () => {
    const image = rampImage(200, 150, 0.1, 0.05);
    const centre = { x: 100.3, y: 70.6 };
    const roi = extractRoi(image, centre, 4, 8);
    expect(roi).toHaveLength(64);
    for (let j = 0; j < 8; j++) {
      for (let i = 0; i < 8; i++) {
        // Sample (i, j) sits (i + 0.5)/8 − 0.5 of 4 mm from the centre.
        const xMm = centre.x * 0.05 + ((i + 0.5) / 8 - 0.5) * 4;
        const yMm = centre.y * 0.1 + ((j + 0.5) / 8 - 0.5) * 4;
        expect(roi[j * 8 + i]).toBeCloseTo(0.01 * xMm + 0.02 * yMm, 5);
      }
    }
  });

  it('gives the same ROI for the same physical content at two pixel spacings', () => {
    const a = extractRoi(rampImage(300, 300, 0.1, 0.1), { x: 150, y: 150 }, 10, 16);
    const b = extractRoi(
      rampImage(430, 430, 0.07, 0.07),
      { x: 150 * (0.1 / 0.07), y: 150 * (0.1 / 0.07) },
      10,
      16,
    );
    for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k], 5);
  });

  it('pads with zeros outside the image', () => {
    const image = rampImage(50, 50, 0.1, 0.1);
    image.data.fill(1);
    const roi = extractRoi(image, { x: 0, y: 0 }, 10, 10);
    // Samples at −4.5 … +4.5 mm from the corner pixel: the first five rows/columns lie outside.
    expect(roi[0]).toBe(0);
    expect(roi[4 * 10 + 9]).toBe(0);
    expect(roi[9 * 10 + 9]).toBe(1);
    expect(roi[6 * 10 + 6]).toBe(1);
    expect(extractRoi(image, { x: -500, y: 20 }, 5, 4).every((v) => v === 0)).toBe(true);
  });

  it('returns the interpolated centre value for a one-sample ROI and refuses bad sizes', () => {
    const image = rampImage(20, 20, 0.1, 0.1);
    expect(extractRoi(image, { x: 5.5, y: 7.25 }, 1, 1)[0]).toBeCloseTo(0.01 * 0.55 + 0.02 * 0.725, 6);
    expect(() => extractRoi(image, { x: 5, y: 5 }, 0, 4)).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => extractRoi(image, { x: 5, y: 5 }, 2, 2.5)).toThrowError(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
