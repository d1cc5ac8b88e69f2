import { describe, expect, it } from 'vitest';
import { distanceToRunsMm, sumWithinDistance } from './distance';
import { regionRuns } from './raster';
import { blankImage, regionWhere, seededRandom } from './testing.fixtures';

describe('distanceToRunsMm', () => {
  it('equals the brute-force Euclidean distance in mm up to maxMm, anisotropic pixels included', () => {
    const random = seededRandom(3);
    const [w, h] = [40, 30];
    const region = regionWhere(w, h, (x, y) => random() < 0.02 || (x - 30) ** 2 + (y - 8) ** 2 <= 9);
    const image = blankImage(w, h, [0.07, 0.12]);
    const runs = regionRuns(region, image);
    const points = Array.from(region.indices, (i) => [i % w, Math.floor(i / w)]);
    for (const maxMm of [0.5, 1.5, 100]) {
      for (let y = -5; y < h + 5; y++) {
        for (let x = -5; x < w + 5; x++) {
          const brute = Math.min(...points.map(([px, py]) => Math.hypot((px - x) * 0.12, (py - y) * 0.07)));
          const expected = brute <= maxMm ? brute : Number.POSITIVE_INFINITY;
          const got = distanceToRunsMm(runs, x, y, image.pixelSpacingMm, maxMm);
          if (expected === Number.POSITIVE_INFINITY) expect(got).toBe(expected);
          else expect(got).toBeCloseTo(expected, 12);
        }
      }
    }
  });
});

describe('sumWithinDistance', () => {
  it('sums exactly the pixels within the radius of the region (brute force), clipped to the image', () => {
    const random = seededRandom(9);
    const [w, h] = [45, 33];
    const image = blankImage(w, h, [0.07, 0.1]);
    for (let i = 0; i < w * h; i++) image.data[i] = random();
    // Two blobs, one touching the image border.
    const region = regionWhere(
      w,
      h,
      (x, y) => (x - 10) ** 2 + (y - 8) ** 2 <= 20 || (x > 28 && x < 36 && y > 24),
    );
    const points = Array.from(region.indices, (i) => [i % w, Math.floor(i / w)]);
    for (const radius of [0, 0.25, 0.7, 1.3]) {
      let sum = 0;
      let count = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const d = Math.min(...points.map(([px, py]) => Math.hypot((px - x) * 0.1, (py - y) * 0.07)));
          if (d <= radius + 1e-12) {
            sum += image.data[y * w + x];
            count++;
          }
        }
      }
      const got = sumWithinDistance(image, regionRuns(region, image), radius);
      expect(got.count, `radius ${radius}`).toBe(count);
      expect(got.sum).toBeCloseTo(sum, 9);
    }
  });
});
