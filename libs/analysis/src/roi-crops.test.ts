import type { GrayImage } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { cutRois, normalizeRoi } from './roi-crops';

describe('normalizeRoi', () => {
  it('z-scores over the ROI: mean 0 and population standard deviation 1', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    normalizeRoi(values, 'zscore');
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 5);
    // (1 − 4.5) / sqrt(5.25)
    expect(values[0]).toBeCloseTo(-3.5 / Math.sqrt(5.25), 6);
  });

  it('maps a flat ROI to zeros and leaves values alone for none', () => {
    expect(Array.from(normalizeRoi(new Float32Array(4).fill(0.3), 'zscore'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(normalizeRoi(Float32Array.from([0.25, 0.5]), 'none'))).toEqual([0.25, 0.5]);
  });
});

/** 64 × 64 at 0.5 mm whose intensity is x / 64: a horizontal ramp. */
function ramp(): GrayImage {
  const size = 64;
  const data = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = x / size;
  return {
    width: size,
    height: size,
    data,
    pixelSpacingMm: { row: 0.5, col: 0.5 },
    spacingAssumed: false,
    bitsStored: 16,
  };
}

describe('cutRois', () => {
  it('cuts one physical-size ROI per cluster, in cluster order, with its centre', () => {
    const clusters = [{ centroid: { x: 20, y: 30 } }, { centroid: { x: 40, y: 10 } }];
    // 4 mm at 0.5 mm per pixel over 4 samples: one sample every 2 pixels.
    const crops = cutRois(ramp(), clusters, { key: 'k', sizeMm: 4, pixels: 4, normalization: 'none' });
    expect(crops.key).toBe('k');
    expect(crops.data).toHaveLength(2 * 16);
    expect(crops.centres).toEqual([
      { x: 20, y: 30 },
      { x: 40, y: 10 },
    ]);
    for (let c = 0; c < 2; c++) {
      const roi = crops.data.subarray(c * 16, (c + 1) * 16);
      for (let row = 0; row < 4; row++)
        for (let col = 0; col < 4; col++) {
          // Every row equal (the ramp does not change with y); 2 pixels = 2/64 between columns.
          expect(roi[row * 4 + col]).toBeCloseTo(roi[col], 6);
          if (col > 0) expect(roi[row * 4 + col] - roi[row * 4 + col - 1]).toBeCloseTo(2 / 64, 5);
        }
    }
    // The second cluster sits 20 pixels further right.
    expect(crops.data[16] - crops.data[0]).toBeCloseTo(20 / 64, 5);
  });

  it('z-scores each ROI on its own when asked', () => {
    const clusters = [{ centroid: { x: 20, y: 30 } }, { centroid: { x: 40, y: 10 } }];
    const crops = cutRois(ramp(), clusters, { key: 'z', sizeMm: 4, pixels: 4, normalization: 'zscore' });
    for (let c = 0; c < 2; c++) {
      const roi = Array.from(crops.data.subarray(c * 16, (c + 1) * 16));
      const mean = roi.reduce((a, b) => a + b, 0) / roi.length;
      const variance = roi.reduce((a, b) => a + (b - mean) ** 2, 0) / roi.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
  });

  it('gives an empty crop for an image without clusters', () => {
    const crops = cutRois(ramp(), [], { key: 'k', sizeMm: 4, pixels: 4, normalization: 'none' });
    expect(crops.data).toHaveLength(0);
    expect(crops.centres).toEqual([]);
  });
});
