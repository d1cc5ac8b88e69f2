import type { GrayImage, Point, Region } from '@calcscope/imaging';
import { regionFromIndices } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { glcmFeatures } from './glcm';
import { massFeatures, massTexture } from './massFeatures';
import { featureVectorToRecord, MASS_FEATURES } from './schema';
import {
  blankImage,
  diskRegion,
  paint,
  regionWhere,
  seededRandom,
  starContour,
  transformRegion,
} from './testing.fixtures';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function centroidOf(region: Region, width: number): Point {
  let x = 0;
  let y = 0;
  for (const i of region.indices) {
    x += (i % width) / region.indices.length;
    y += Math.floor(i / width) / region.indices.length;
  }
  return { x, y };
}

function features(image: GrayImage, region: Region): Record<string, number> {
  const contour = starContour(region, image.width, centroidOf(region, image.width));
  return featureVectorToRecord(MASS_FEATURES, massFeatures(image, { region, contour }));
}

describe('massFeatures on a flat disk', () => {
  const image = blankImage(200, 200, 0.1, 0.3);
  const region = diskRegion(200, 200, 100, 100, 50); // radius 5 mm
  paint(image, region, 0.6);
  const f = features(image, region);

  it('measures shape: area π r², round, convex, not elongated, not spiculated', () => {
    expect(relative(f.massArea, Math.PI * 25)).toBeLessThan(0.01);
    expect(relative(f.massPerimeter, 2 * Math.PI * 5)).toBeLessThan(0.015);
    expect(f.massCircularity).toBeGreaterThan(0.97);
    expect(f.massSolidity).toBe(1);
    expect(f.massConvexity).toBe(1);
    expect(f.massElongation).toBeLessThan(0.02);
    expect(f.massAxisRatio).toBeLessThan(1.02);
    expect(f.massSpiculation).toBeLessThan(0.02);
  });

  it('measures intensity: mean = max = 0.6 × 255, σ/μ = 0, twice its surround, a flat-topped volume', () => {
    expect(f.massMeanGray).toBeCloseTo(0.6 * 255, 4);
    expect(f.massMaxGray).toBeCloseTo(0.6 * 255, 4);
    expect(f.massHeterogeneity).toBeCloseTo(0, 6);
    expect(f.massGrayRelativity).toBeCloseTo(2, 5);
    expect(f.massVolumeRatio).toBeCloseTo(1, 6);
  });

  it('reads a flat interior as texture-free: energy 1, entropy 0, correlation 1, contrast 0', () => {
    expect(f.massGlcmEnergy).toBe(1);
    expect(f.massGlcmEntropy).toBe(0);
    expect(f.massGlcmCorrelation).toBe(1);
    expect(f.massGlcmContrast).toBe(0);
    expect(f.massGlcmInverseDifferenceMoment).toBe(1);
    expect(f.massGlcmMutualInformation).toBe(0);
  });
});

describe('massFeatures analytic intensity cases', () => {
  it('gives a cone of intensity a volume ratio of 1/3', () => {
    const image = blankImage(160, 160, 0.1, 0.2);
    const region = diskRegion(160, 160, 80, 80, 60);
    paint(image, region, (x, y) => 0.2 + 0.6 * (1 - Math.hypot(x - 80, y - 80) / 60));
    const f = features(image, region);
    expect(Math.abs(f.massVolumeRatio - 1 / 3)).toBeLessThan(0.01);
    expect(f.massMaxGray).toBeCloseTo(0.8 * 255, 3);
  });

  it('gives a half-0.4, half-0.8 interior σ/μ = 1/3 and relates it to the 2 mm ring only', () => {
    const image = blankImage(120, 120, 0.1, 0.9);
    const region = regionWhere(120, 120, (x, y) => x >= 40 && x < 80 && y >= 40 && y < 80);
    paint(image, region, (x) => (x < 60 ? 0.4 : 0.8));
    // Background within 2 mm (20 px, Euclidean) of the square is 0.25; farther away it stays 0.9.
    const ring = regionWhere(120, 120, (x, y) => {
      const dx = Math.max(40 - x, 0, x - 79);
      const dy = Math.max(40 - y, 0, y - 79);
      return (dx > 0 || dy > 0) && Math.hypot(dx, dy) <= 20;
    });
    paint(image, ring, 0.25);
    const f = features(image, region);
    expect(f.massHeterogeneity).toBeCloseTo(1 / 3, 6);
    expect(f.massMeanGray).toBeCloseTo(0.6 * 255, 4);
    expect(f.massGrayRelativity).toBeCloseTo(0.6 / 0.25, 5);
    // Volume above the ring mean: (0.15 + 0.55)/2 per pixel over a peak of 0.55.
    expect(f.massVolumeRatio).toBeCloseTo(0.35 / 0.55, 5);
  });

  it('computes texture as glcmFeatures on the mask (32 levels, distance 1 at 0.1 mm)', () => {
    const random = seededRandom(11);
    const image = blankImage(60, 60, 0.1, 0.2);
    const region = diskRegion(60, 60, 30, 30, 15);
    paint(image, region, () => 0.4 + 0.4 * random());
    // The mass's bounding box by hand: values and mask.
    const { x0, y0, x1, y1 } = region.bbox;
    const local = { width: x1 - x0, height: y1 - y0, mask: new Uint8Array((x1 - x0) * (y1 - y0)) };
    const values = new Float32Array(local.width * local.height);
    for (let y = 0; y < local.height; y++) {
      for (let x = 0; x < local.width; x++) values[y * local.width + x] = image.data[(y + y0) * 60 + x + x0];
    }
    for (const i of region.indices) local.mask[(Math.floor(i / 60) - y0) * local.width + (i % 60) - x0] = 1;
    const expected = glcmFeatures(values, local.mask, local.width, local.height, { levels: 32, distance: 1 });
    const f = features(image, region);
    expect(f.massGlcmEntropy).toBeCloseTo(expected.jointEntropy, 12);
    expect(f.massGlcmSumVariance).toBeCloseTo(expected.sumVariance, 12);
    expect(f.massGlcmImc2).toBeCloseTo(expected.imc2, 12);
    expect(f.massGlcmEntropy).toBeGreaterThan(5);
  });

  it('scales the GLCM distance with the pixel: 2 px at 0.05 mm, so 2-px stripes look flat', () => {
    const image = blankImage(60, 60, 0.05, 0.2);
    const region = diskRegion(60, 60, 30, 30, 20);
    paint(image, region, (x) => (x % 2 === 0 ? 0.3 : 0.7));
    expect(massTexture(image, region).contrast).toBe(0);
    const coarse = { ...image, pixelSpacingMm: { row: 0.1, col: 0.1 } };
    expect(massTexture(coarse, region).contrast).toBeGreaterThan(100);
  });

  it('gives a single-pixel mass the flat texture instead of failing', () => {
    const image = blankImage(10, 10, 0.1, 0.2);
    const region = regionFromIndices([55], 10);
    paint(image, region, 0.9);
    const f = featureVectorToRecord(
      MASS_FEATURES,
      massFeatures(image, { region, contour: [{ x: 5, y: 5 }] }),
    );
    expect(f.massGlcmEnergy).toBe(1);
    expect(f.massSpiculation).toBe(0);
    expect(f.massArea).toBeCloseTo(0.01, 12);
  });
});

describe('massFeatures shape cases', () => {
  it('reads a 2:1 ellipse as elongation ½ and axis ratio 2', () => {
    const image = blankImage(160, 100, 0.1, 0.2);
    const region = regionWhere(160, 100, (x, y) => ((x - 80) / 60) ** 2 + ((y - 50) / 30) ** 2 <= 1);
    paint(image, region, 0.6);
    const f = features(image, region);
    expect(f.massElongation).toBeCloseTo(0.5, 2);
    expect(relative(f.massAxisRatio, 2)).toBeLessThan(0.01);
    expect(f.massSpiculation).toBeLessThan(0.02);
  });

  it('scores a spiculated star far above a disk of similar size, with lower solidity and convexity', () => {
    const image = blankImage(200, 200, 0.1, 0.2);
    const star = regionWhere(200, 200, (x, y) => {
      const r = Math.hypot(x - 100, y - 100);
      const theta = Math.atan2(y - 100, x - 100);
      // 12 thin spikes reaching from radius 35 to 80 px.
      const spike = Math.max(0, Math.cos(12 * theta)) ** 40;
      return r <= 35 + 45 * spike;
    });
    paint(image, star, 0.6);
    const disk = diskRegion(200, 200, 100, 100, 40);
    const s = features(image, star);
    const d = features(image, disk);
    expect(s.massSpiculation).toBeGreaterThan(5 * d.massSpiculation);
    expect(s.massSpiculation).toBeGreaterThan(0.05);
    expect(s.massSolidity).toBeLessThan(0.8);
    expect(s.massConvexity).toBeLessThan(0.8);
    expect(s.massCircularity).toBeLessThan(0.5);
  });

  it('measures the same physical mass alike at 0.1 mm and 0.05 mm pixels', () => {
    const at = (s: number) => {
      const size = Math.round(16 / s);
      const image = blankImage(size, size, s, 0.25);
      const c = 8 / s;
      const region = regionWhere(
        size,
        size,
        (x, y) => ((x - c) / (6 / s)) ** 2 + ((y - c) / (4 / s)) ** 2 <= 1,
      );
      paint(image, region, 0.55);
      return features(image, region);
    };
    const coarse = at(0.1);
    const fine = at(0.05);
    for (const name of [
      'massArea',
      'massPerimeter',
      'massCircularity',
      'massAxisRatio',
      'massGrayRelativity',
    ]) {
      expect(relative(fine[name], coarse[name]), name).toBeLessThan(0.015);
    }
    expect(relative(coarse.massArea, Math.PI * 24)).toBeLessThan(0.01);
  });

  it('is invariant under a 90° rotation of image and mask', () => {
    const random = seededRandom(5);
    const [w, h] = [90, 70];
    const image = blankImage(w, h, 0.08, 0.2);
    const region = regionWhere(
      w,
      h,
      (x, y) =>
        ((x - 40) / 25) ** 2 + ((y - 35) / 15) ** 2 <= 1 || (x > 55 && x < 75 && Math.abs(y - 30) < 3),
    );
    for (let i = 0; i < w * h; i++) image.data[i] = 0.2 + 0.1 * random();
    paint(image, region, () => 0.5 + 0.3 * random());
    const rotated = blankImage(h, w, 0.08);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rotated.data[x * h + (h - 1 - y)] = image.data[y * w + x];
    const reference = features(image, region);
    const other = features(
      rotated,
      transformRegion(region, w, h, (x, y) => [h - 1 - y, x]),
    );
    for (const name of Object.keys(reference)) {
      // Spiculation samples a pixel contour whose start point may differ: equal up to the contour walk.
      const digits = name === 'massSpiculation' ? 3 : 9;
      expect(other[name], name).toBeCloseTo(reference[name], digits);
    }
  });
});
