import { describe, expect, it } from 'vitest';
import { chamferDistance, fillHoles, openByDisk } from './binary-mask';
import { boxMean } from './box-filter';
import { downsampleMean } from './downsample';
import { gaussianBlur } from './gaussian';
import { otsuSplit } from './otsu';
import { medianAndMad, selectKth } from './robust-stats';
import { uniform } from './test-scenes';

function randomPlane(width: number, height: number, seed: number): Float32Array {
  const u = uniform(seed);
  return Float32Array.from({ length: width * height }, () => u());
}

/** Brute-force window reduction over the in-image part of a (2rx+1) × (2ry+1) window. */
function naiveWindow(
  src: Float32Array,
  width: number,
  height: number,
  rx: number,
  ry: number,
  reduce: (values: number[]) => number,
): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const values: number[] = [];
      for (let yy = Math.max(0, y - ry); yy <= Math.min(height - 1, y + ry); yy++) {
        for (let xx = Math.max(0, x - rx); xx <= Math.min(width - 1, x + rx); xx++)
          values.push(src[yy * width + xx]);
      }
      out[y * width + x] = reduce(values);
    }
  }
  return out;
}

describe('linear filters', () => {
  it('box mean matches the brute-force mean of the cut window', () => {
    const src = randomPlane(19, 13, 5);
    const got = boxMean(src, 19, 13, 3, 2);
    const want = naiveWindow(src, 19, 13, 3, 2, (v) => v.reduce((a, b) => a + b, 0) / v.length);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  it('Gaussian blur keeps constants and the mean, and spreads an impulse with the right variance', () => {
    const width = 41;
    const src = new Float32Array(width * width);
    src[20 * width + 20] = 1;
    const out = gaussianBlur(src, width, width, 2, 3);
    let total = 0;
    let vx = 0;
    let vy = 0;
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < width; x++) {
        const v = out[y * width + x];
        total += v;
        vx += v * (x - 20) ** 2;
        vy += v * (y - 20) ** 2;
      }
    }
    expect(total).toBeCloseTo(1, 5);
    // The kernel is cut at ±ceil(3σ), which trims about 2.7% of the variance.
    expect(vx / 4).toBeGreaterThan(0.96);
    expect(vx / 4).toBeLessThanOrEqual(1);
    expect(vy / 9).toBeGreaterThan(0.96);
    expect(vy / 9).toBeLessThanOrEqual(1);
    const flat = gaussianBlur(new Float32Array(100).fill(0.3), 10, 10, 1.5, 1.5);
    for (const v of flat) expect(v).toBeCloseTo(0.3, 6);
  });

  it('block-mean downsampling averages full and partial blocks', () => {
    const src = Float32Array.from({ length: 5 * 3 }, (_, i) => i);
    const small = downsampleMean(src, 5, 3, 2, 2);
    expect(small.width).toBe(3);
    expect(small.height).toBe(2);
    expect(Array.from(small.data)).toEqual([3, 5, 6.5, 10.5, 12.5, 14]);
  });
});

describe('robust statistics and thresholds', () => {
  it('quickselect finds order statistics', () => {
    const values = randomPlane(101, 1, 9);
    const sorted = Array.from(values).sort((a, b) => a - b);
    for (const k of [0, 13, 50, 100]) expect(selectKth(values.slice(), 101, k)).toBe(sorted[k]);
  });

  it('median and MAD-sigma estimate a Gaussian sample despite 10% outliers', () => {
    const u = uniform(4);
    const n = 20000;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const g = Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
      values[i] = i % 10 === 0 ? 50 : 3 + 2 * g;
    }
    const { median, sigma } = medianAndMad(values, n);
    expect(median).toBeCloseTo(3.25, 0);
    expect(sigma).toBeGreaterThan(1.9);
    expect(sigma).toBeLessThan(2.4);
  });

  it("Otsu's threshold separates two well-separated classes", () => {
    const values = new Float32Array(1000);
    for (let i = 0; i < 1000; i++) values[i] = i < 300 ? 0.05 + (i % 7) * 0.001 : 0.5 + (i % 11) * 0.002;
    const split = otsuSplit(values);
    // Any threshold in the gap between the classes is optimal; it must lie in that gap.
    expect(split.threshold).toBeGreaterThan(0.056);
    expect(split.threshold).toBeLessThanOrEqual(0.5);
    expect(split.lowerFraction).toBeCloseTo(0.3, 6);
    expect(split.upperMean).toBeGreaterThan(0.5);
  });
});

describe('binary masks', () => {
  it('fills holes but not bays open to the border', () => {
    const rows = ['#####', '#...#', '#####', '#....', '#####'];
    const mask = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
    const filled = fillHoles(mask, 5, 5);
    expect(filled[1 * 5 + 2]).toBe(1);
    expect(filled[3 * 5 + 2]).toBe(0);
  });

  it('chamfer distance is exact along rows and treats the border as chosen', () => {
    const mask = new Uint8Array(9).fill(1);
    mask[0] = 0;
    const inner = chamferDistance(mask, 9, 1, 0.5, 0.5, true);
    expect(Array.from(inner)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]);
    const bounded = chamferDistance(mask, 9, 1, 0.5, 0.5, false);
    expect(bounded[8]).toBe(0.5);
  });

  it('opening by a disk removes a thin bridge and keeps the blobs', () => {
    const width = 40;
    const height = 15;
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const blob = Math.hypot(x - 7, y - 7) <= 6 || Math.hypot(x - 32, y - 7) <= 6;
        if (blob || (y === 7 && x > 7 && x < 32)) mask[y * width + x] = 1;
      }
    }
    const opened = openByDisk(mask, width, height, 2);
    expect(opened[7 * width + 20]).toBe(0);
    expect(opened[7 * width + 7]).toBe(1);
    expect(opened[7 * width + 32]).toBe(1);
  });
});
