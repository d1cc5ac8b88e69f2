import { beforeAll, describe, expect, it } from 'vitest';
import { PhantomSpecError } from './errors';
import { truthToJson } from './files';
import { generatePhantom, toGrayImage } from './phantom';
import { polygonArea, rasterizePolygon } from './polygon';
import { powerLawSlope, radialPowerSpectrum } from './spectrum';
import type { Phantom, PhantomSpec } from './types';
import { phantomSpec } from './validate';

/** Median of the pixels whose centres lie at distance [inner, outer] px from (x, y). */
function ringMedian(
  data: Float32Array,
  width: number,
  x: number,
  y: number,
  inner: number,
  outer: number,
): number {
  const values: number[] = [];
  const r = Math.ceil(outer);
  const cx = Math.round(x);
  const cy = Math.round(y);
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const d = Math.hypot(cx + dx - x, cy + dy - y);
      if (d >= inner && d <= outer) values.push(data[(cy + dy) * width + cx + dx]);
    }
  }
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** Max (noise-free) or mean (noisy) of the 3 × 3 pixels around (x, y). */
function centre(data: Float32Array, width: number, x: number, y: number, reduce: 'max' | 'mean'): number {
  let acc = reduce === 'max' ? Number.NEGATIVE_INFINITY : 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const v = data[(Math.round(y) + dy) * width + Math.round(x) + dx];
      acc = reduce === 'max' ? Math.max(acc, v) : acc + v / 9;
    }
  }
  return acc;
}

const base: PhantomSpec = phantomSpec({
  seed: 101,
  lesionType: 'mc+mass',
  label: 'malignant',
  subtype: 'IDC',
  mc: { morphology: 'fine-pleomorphic', distribution: 'grouped', count: 15 },
  mass: { shape: 'round', margin: 'circumscribed', diameterMm: 14 },
});

describe('generatePhantom', () => {
  let noisy: Phantom;
  let clean: Phantom;
  beforeAll(() => {
    noisy = generatePhantom(base);
    clean = generatePhantom({ ...base, noiseScale: 0 });
  });

  it('is deterministic: same spec → byte-identical pixels and truth; another seed → another image', () => {
    const again = generatePhantom(base);
    expect(Buffer.from(again.pixels.buffer).equals(Buffer.from(noisy.pixels.buffer))).toBe(true);
    expect(truthToJson(again.truth)).toBe(truthToJson(noisy.truth));
    const other = generatePhantom({ ...base, seed: 102 });
    let differing = 0;
    for (let i = 0; i < other.pixels.length; i++) if (other.pixels[i] !== noisy.pixels[i]) differing++;
    expect(differing / other.pixels.length).toBeGreaterThan(0.3);
  });

  it("writes size '1024' as 1024 × 1024, 8 bits, 0.1 mm, and a GrayImage in [0, 1]", () => {
    expect(noisy.pixels).toBeInstanceOf(Uint8Array);
    expect(noisy.pixels.length).toBe(1024 * 1024);
    expect([noisy.width, noisy.height, noisy.bitsStored]).toEqual([1024, 1024, 8]);
    expect(noisy.pixelSpacingMm).toEqual({ row: 0.1, col: 0.1 });
    const gray = toGrayImage(noisy);
    expect(gray.bitsStored).toBe(8);
    expect(gray.spacingAssumed).toBe(false);
    for (let i = 0; i < gray.data.length; i += 997)
      expect(gray.data[i]).toBeCloseTo(noisy.pixels[i] / 255, 6);
    let lo = 1;
    let hi = 0;
    for (const v of gray.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.5);
  });

  it('keeps every MC diameter within 0.1–1 mm and renders each MC where the truth says', () => {
    const mcs = clean.truth.microcalcifications;
    expect(mcs.length).toBeGreaterThanOrEqual(12);
    const image = toGrayImage(clean).data;
    for (const mc of mcs) {
      expect(mc.diameterMm).toBeGreaterThanOrEqual(0.1);
      expect(mc.diameterMm).toBeLessThanOrEqual(1);
      const reach = (mc.lengthMm / 2 / 0.1) * 1.1;
      const local =
        centre(image, 1024, mc.x, mc.y, 'max') - ringMedian(image, 1024, mc.x, mc.y, reach + 2, reach + 5);
      expect(local).toBeGreaterThan(0);
      // The truth's contrast (before detector blur) is what is seen, give or take background curvature.
      expect(local).toBeLessThan(1.5 * mc.contrast + 4 / 255);
      expect(local).toBeGreaterThan(0.4 * mc.contrast - 1 / 255);
    }
  });

  it('gives linear MCs a centre line that runs over their rendered pixels, compact MCs none', () => {
    const linear = generatePhantom({
      ...base,
      noiseScale: 0,
      mc: { morphology: 'fine-linear-branching', distribution: 'linear', count: 12 },
    });
    const plain = generatePhantom({ ...base, noiseScale: 0, mc: undefined, lesionType: 'mass' });
    const withMcs = toGrayImage(linear).data;
    const without = toGrayImage(plain).data;
    const lines = linear.truth.microcalcifications.filter((m) => m.centreline);
    expect(lines.length).toBeGreaterThan(0);
    for (const mc of lines) {
      const line = mc.centreline;
      if (!line) continue;
      expect(line.radiusMm).toBeGreaterThan(0);
      for (const s of line.segments) {
        // The MC's own signal (image with MCs minus the same image without) at the segment's midpoint.
        const k = Math.round((s.y0 + s.y1) / 2) * 1024 + Math.round((s.x0 + s.x1) / 2);
        expect(withMcs[k] - without[k]).toBeGreaterThan(0);
        // Every end lies within the MC's Feret radius of its centroid (plus a pixel).
        for (const [x, y] of [
          [s.x0, s.y0],
          [s.x1, s.y1],
        ]) {
          expect(Math.hypot(x - mc.x, y - mc.y) * 0.1).toBeLessThanOrEqual(mc.lengthMm + 0.1);
        }
      }
    }
    expect(
      clean.truth.microcalcifications.every((m) => m.morphology === 'fine-linear-branching' || !m.centreline),
    ).toBe(true);
  });

  it('keeps MCs of 0.2 mm and more visible above the detector noise', () => {
    const image = toGrayImage(noisy).data;
    const visible = noisy.truth.microcalcifications.filter((m) => m.diameterMm >= 0.2);
    expect(visible.length).toBeGreaterThan(5);
    let positive = 0;
    for (const mc of visible) {
      const reach = mc.lengthMm / 2 / 0.1;
      const local =
        centre(image, 1024, mc.x, mc.y, 'mean') - ringMedian(image, 1024, mc.x, mc.y, reach + 2, reach + 5);
      if (local > 0) positive++;
      expect(mc.noiseSigma).toBeGreaterThan(0);
    }
    expect(positive / visible.length).toBeGreaterThanOrEqual(0.9);
    const cnr = visible.map((m) => m.contrast / m.noiseSigma).sort((a, b) => a - b);
    expect(cnr[cnr.length >> 1]).toBeGreaterThan(3);
  });

  it('outlines a circumscribed mass of diameter d with a polygon of area π d²/4 that matches the image', () => {
    const [mass] = clean.truth.masses;
    expect(mass.shape).toBe('round');
    const areaMm2 = (Math.PI * 14 * 14) / 4;
    expect(polygonArea(mass.polygon) * 0.01).toBeCloseTo(areaMm2, 6);
    const mask = rasterizePolygon(mass.polygon, 1024, 1024);
    const pixels = mask.reduce((a, v) => a + v, 0);
    expect(Math.abs(pixels * 0.01 - areaMm2) / areaMm2).toBeLessThan(0.01);
    expect(mass.diameterMm).toBeCloseTo(14, 6);
    // The same breast without the mass (the lesion stream is separate from anatomy and texture):
    // the difference image is the rendered mass, and it covers the polygon's mask.
    const without = generatePhantom({
      ...base,
      noiseScale: 0,
      lesionType: 'mc',
      mass: undefined,
      mc: { morphology: 'punctate', distribution: 'diffuse', count: 1 },
    });
    let both = 0;
    let rendered = 0;
    for (let i = 0; i < mask.length; i++) {
      const isMass = clean.pixels[i] - without.pixels[i] >= 3;
      if (isMass) rendered++;
      if (isMass && mask[i]) both++;
    }
    const dice = (2 * both) / (rendered + pixels);
    expect(dice).toBeGreaterThan(0.97);
    expect(mass.contrast).toBeGreaterThan(0.05);
  });

  it('draws a brighter skin line of about 0.75 mm at the breast edge', () => {
    const image = toGrayImage(clean).data;
    const polygon = clean.truth.breastPolygon;
    // The nipple: the outline's farthest point from the chest wall (left edge for L).
    const tip = polygon.reduce((a, p) => (p.x > a.x ? p : a));
    for (const dy of [-20, 0, 20]) {
      const y = Math.round(tip.y) + dy;
      let edge = 0;
      const mask = rasterizePolygon(polygon, 1024, 1024);
      for (let x = 0; x < 1024; x++) if (mask[y * 1024 + x]) edge = x;
      const skin = (image[y * 1024 + edge - 2] + image[y * 1024 + edge - 3] + image[y * 1024 + edge - 4]) / 3;
      const inside =
        (image[y * 1024 + edge - 12] + image[y * 1024 + edge - 14] + image[y * 1024 + edge - 16]) / 3;
      const outside = (image[y * 1024 + edge + 3] + image[y * 1024 + edge + 5]) / 2;
      expect(skin).toBeGreaterThan(inside + 0.02);
      expect(skin).toBeGreaterThan(outside + 0.1);
    }
    expect(clean.truth.skinThicknessMm).toBe(0.75);
  });

  it('agrees with its breast polygon: tissue inside, air outside', () => {
    const image = toGrayImage(clean).data;
    const mask = rasterizePolygon(clean.truth.breastPolygon, 1024, 1024);
    let inside = 0;
    let insideN = 0;
    let brightOutside = 0;
    let outsideN = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) {
        inside += image[i];
        insideN++;
      } else {
        outsideN++;
        if (image[i] > 0.1) brightOutside++;
      }
    }
    expect(inside / insideN).toBeGreaterThan(0.25);
    expect(brightOutside / outsideN).toBeLessThan(0.002);
    expect(clean.truth.pectoralPolygon).toBeNull();
  });

  it('mirrors the anatomy for laterality R and adds a bright pectoral triangle on MLO', () => {
    const mlo = generatePhantom({ ...base, view: 'MLO', laterality: 'R', noiseScale: 0 });
    const pectoral = mlo.truth.pectoralPolygon;
    expect(pectoral).not.toBeNull();
    // Chest wall on the right edge: the triangle's right angle sits at the top-right corner.
    expect(pectoral?.[0]).toEqual({ x: 1023.5, y: -0.5 });
    expect(Math.max(...mlo.truth.breastPolygon.map((p) => p.x))).toBeCloseTo(1023.5, 6);
    const image = toGrayImage(mlo).data;
    const muscle = rasterizePolygon(pectoral ?? [], 1024, 1024);
    const breast = rasterizePolygon(mlo.truth.breastPolygon, 1024, 1024);
    let muscleSum = 0;
    let muscleN = 0;
    let fatSum = 0;
    let fatN = 0;
    for (let i = 0; i < muscle.length; i++) {
      if (muscle[i]) {
        muscleSum += image[i];
        muscleN++;
      } else if (breast[i]) {
        fatSum += image[i];
        fatN++;
      }
    }
    expect(muscleN).toBeGreaterThan(10_000);
    expect(muscleSum / muscleN).toBeGreaterThan(fatSum / fatN + 0.1);
  });

  it.each([2.5, 3])('renders background texture with a power spectrum of slope ≈ −β (β = %s)', (beta) => {
    const spec = phantomSpec({
      seed: 7,
      beta,
      density: 'c',
      noiseScale: 0,
      mc: { morphology: 'punctate', distribution: 'grouped', count: 1 },
    });
    const phantom = generatePhantom(spec);
    const image = toGrayImage(phantom).data;
    const mask = rasterizePolygon(phantom.truth.breastPolygon, 1024, 1024);
    // A 256 × 256 patch well inside the breast (15 mm from the skin).
    const size = 256;
    let patch: { x: number; y: number } | undefined;
    const margin = 150;
    for (let y = margin; y + size + margin < 1024 && !patch; y += 16) {
      for (let x = 0; x + size + margin < 1024 && !patch; x += 16) {
        let ok = true;
        for (let yy = y - margin; yy < y + size + margin && ok; yy += 8) {
          for (let xx = x; xx < x + size + margin && ok; xx += 8) {
            if (yy < 0 || yy >= 1024 || xx >= 1024 || !mask[yy * 1024 + xx]) ok = false;
          }
        }
        if (ok) patch = { x, y };
      }
    }
    expect(patch).toBeDefined();
    const spectrum = radialPowerSpectrum(image, 1024, patch!.x, patch!.y, size, 0.1, 'hann');
    expect(Math.abs(powerLawSlope(spectrum, 0.1, 1) + beta)).toBeLessThan(0.4);
  });

  it('rejects inconsistent specs with a typed error', () => {
    const bad = (spec: PhantomSpec, code: string): void => {
      try {
        generatePhantom(spec);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PhantomSpecError);
        expect((e as PhantomSpecError).code).toBe(code);
      }
    };
    bad({ ...base, seed: -1 }, 'bad-seed');
    bad({ ...base, vendor: 'acme' }, 'unknown-vendor');
    bad({ ...base, lesionType: 'mc' }, 'unexpected-mass');
    bad({ ...base, mc: undefined }, 'missing-mc');
    bad({ ...base, mass: { shape: 'oval', margin: 'circumscribed', diameterMm: 40 } }, 'bad-mass');
    bad({ ...base, id: '../etc' }, 'bad-id');
  });
});

describe("generatePhantom size 'full'", () => {
  it('writes 3328 × 4096, 12 bits stored in 16, 0.07 mm, with the lesions in the truth', () => {
    const full = generatePhantom({ ...base, size: 'full', view: 'MLO' });
    expect(full.pixels).toBeInstanceOf(Uint16Array);
    expect([full.width, full.height, full.bitsStored]).toEqual([3328, 4096, 12]);
    expect(full.pixels.length).toBe(3328 * 4096);
    expect(full.truth.pixelSpacingMm).toEqual({ row: 0.07, col: 0.07 });
    let max = 0;
    for (let i = 0; i < full.pixels.length; i += 7) max = Math.max(max, full.pixels[i]);
    expect(max).toBeLessThanOrEqual(4095);
    expect(max).toBeGreaterThan(1000);
    // Mass polygon in 0.07 mm pixels still encloses π d²/4.
    expect(polygonArea(full.truth.masses[0].polygon) * 0.07 * 0.07).toBeCloseTo((Math.PI * 14 * 14) / 4, 6);
    for (const mc of full.truth.microcalcifications) {
      expect(mc.x).toBeGreaterThan(0);
      expect(mc.x).toBeLessThan(3328);
      expect(mc.y).toBeGreaterThan(0);
      expect(mc.y).toBeLessThan(4096);
    }
  });
});
