import { describe, expect, it } from 'vitest';
import { MASS_CLASSIFIER } from './mass-classifier';
import { massAcceptanceScore, massFeatures, segmentMasses } from './mass-detection';
import { segmentMassAt } from './mass-segmentation';
import { dice, renderScene } from './test-scenes';
import type { MassSegmentation } from './types';

/** Sorted pixel indices of the disk (pixel centres within the radius), pixel units. */
function diskIndices(cx: number, cy: number, r: number, width: number, height: number): Int32Array {
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out.push(y * width + x);
  }
  return Int32Array.from(out);
}

/** Checks that a mass contour is a closed 8-connected chain of region pixels. */
function expectClosedContour(mass: MassSegmentation, width: number): void {
  const inRegion = new Set(mass.region.indices);
  expect(mass.contour.length).toBeGreaterThan(8);
  for (let i = 0; i < mass.contour.length; i++) {
    const a = mass.contour[i];
    const b = mass.contour[(i + 1) % mass.contour.length];
    expect(Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y))).toBe(1);
    expect(inRegion.has(a.y * width + a.x)).toBe(true);
  }
}

describe('mass segmentation', () => {
  for (const spacingMm of [0.1, 0.07]) {
    it(`finds and delineates a 12 mm disk mass on noise at ${spacingMm} mm (Dice ≥ 0.9)`, () => {
      const image = renderScene({
        widthMm: 60,
        heightMm: 60,
        spacingMm,
        background: 0.35,
        noiseSigma: 0.03,
        seed: 21,
        disks: [{ xMm: 27, yMm: 33, diameterMm: 12, contrast: 0.08 }],
      });
      const masses = segmentMasses(image);
      expect(masses).toHaveLength(1);
      const truth = diskIndices(
        27 / spacingMm - 0.5,
        33 / spacingMm - 0.5,
        6 / spacingMm,
        image.width,
        image.height,
      );
      expect(dice(masses[0].region.indices, truth)).toBeGreaterThanOrEqual(0.9);
      expect(
        Math.hypot(masses[0].centroid.x * spacingMm - 27, masses[0].centroid.y * spacingMm - 33),
      ).toBeLessThan(0.5);
      expectClosedContour(masses[0], image.width);
    });
  }

  it('segments a blurred-edge mass from a click off its centre (Dice ≥ 0.9)', () => {
    const spacingMm = 0.1;
    const sharp = renderScene({
      widthMm: 50,
      heightMm: 50,
      spacingMm,
      background: 0.3,
      noiseSigma: 0,
      seed: 1,
      disks: [{ xMm: 25, yMm: 25, diameterMm: 16, contrast: 0.1 }],
    });
    // Blur the edge (σ = 1 mm) and add noise.
    const blurred = gaussianBlurForTest(sharp.data, sharp.width, sharp.height, 10);
    let state = 99;
    for (let i = 0; i < blurred.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      blurred[i] += (state / 2 ** 32 - 0.5) * 0.06;
    }
    const image = { ...sharp, data: blurred };
    const mass = segmentMassAt(image, { x: 25 / spacingMm + 30, y: 25 / spacingMm - 20 });
    expect(mass).not.toBeNull();
    const truth = diskIndices(249.5, 249.5, 80, image.width, image.height);
    expect(dice(mass!.region.indices, truth)).toBeGreaterThanOrEqual(0.9);
    expectClosedContour(mass!, image.width);
  });

  it('finds no mass on flat noise', () => {
    const image = renderScene({
      widthMm: 60,
      heightMm: 60,
      spacingMm: 0.1,
      background: 0.35,
      noiseSigma: 0.03,
      seed: 4,
      disks: [],
    });
    expect(segmentMasses(image)).toEqual([]);
  });

  it('rejects a seed outside the image', () => {
    const image = renderScene({
      widthMm: 10,
      heightMm: 10,
      spacingMm: 0.1,
      background: 0.35,
      noiseSigma: 0,
      seed: 4,
      disks: [],
    });
    expect(() => segmentMassAt(image, { x: -1, y: 5 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_POINT' }),
    );
  });
});

/** Plain separable Gaussian blur written independently of the library (reference for the test). */
function gaussianBlurForTest(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k: number[] = [];
  for (let i = -r; i <= r; i++) k.push(Math.exp((-i * i) / (2 * sigma * sigma)));
  const total = k.reduce((a, b) => a + b, 0);
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * src[y * width + Math.min(width - 1, Math.max(0, x + i))];
      tmp[y * width + x] = s / total;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(height - 1, Math.max(0, y + i)) * width + x];
      out[y * width + x] = s / total;
    }
  }
  return out;
}

describe('mass acceptance score', () => {
  const base = { contrast: 0.12, diameterMm: 14, edgeRatio: 2.5, edgeClosure: 1.5 };

  it('has one weight per feature and a finite operating point', () => {
    const { featureNames, weights, mean, scale, min, max, threshold } = MASS_CLASSIFIER;
    expect(massFeatures(base, 0)).toHaveLength(featureNames.length);
    for (const list of [weights, mean, scale, min, max]) expect(list).toHaveLength(featureNames.length);
    expect(Number.isFinite(threshold)).toBe(true);
  });

  it('grows with the edge ratio, the edge closure and the contrast, and falls with the rank', () => {
    // The size carries almost no weight once contrast and edge are known, so its sign is not tested.
    const score = (m: typeof base, rank = 0) => massAcceptanceScore(massFeatures(m, rank));
    const inRange = { ...base, edgeRatio: 1.5, edgeClosure: 1, contrast: 0.08 };
    expect(score({ ...inRange, edgeRatio: 2 })).toBeGreaterThan(score(inRange));
    expect(score({ ...inRange, edgeClosure: 1.5 })).toBeGreaterThan(score(inRange));
    expect(score({ ...inRange, contrast: 0.12 })).toBeGreaterThan(score(inRange));
    expect(score(inRange, 5)).toBeLessThan(score(inRange, 0));
  });

  it('clamps features to the training range instead of extrapolating', () => {
    const { min, max } = MASS_CLASSIFIER;
    const atMax = { ...base, edgeRatio: Math.exp(max[0]) };
    expect(massAcceptanceScore(massFeatures({ ...base, edgeRatio: Math.exp(max[0]) * 100 }, 0))).toBeCloseTo(
      massAcceptanceScore(massFeatures(atMax, 0)),
      10,
    );
    const atMin = { ...base, edgeRatio: Math.exp(min[0]) };
    expect(massAcceptanceScore(massFeatures({ ...base, edgeRatio: 1e-3 }, 0))).toBeCloseTo(
      massAcceptanceScore(massFeatures(atMin, 0)),
      10,
    );
  });
});
