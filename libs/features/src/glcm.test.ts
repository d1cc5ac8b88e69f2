import { describe, expect, it } from 'vitest';
import {
  GLCM_FEATURE_NAMES,
  type GlcmFeatures,
  glcmFeatures,
  glcmFeaturesFromMatrix,
  glcmMatrix,
} from './glcm';
import { seededRandom } from './testing.fixtures';

/** w × h checkerboard of 0 and 1. */
function checkerboard(w: number, h: number): Float32Array {
  const values = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values[y * w + x] = (x + y) % 2;
  return values;
}

describe('glcmFeatures on hand-computed cases', () => {
  it('checkerboard, horizontal and vertical neighbours: always the other colour', () => {
    // Levels 1 (value 0) and 2 (value 1); every 0°/90° pair is (1,2) or (2,1): p = [[0, ½], [½, 0]].
    for (const angle of [0, 90]) {
      const f = glcmFeatures(checkerboard(8, 8), null, 8, 8, { levels: 2, angles: [angle] });
      expect(f.contrast).toBeCloseTo(1, 14);
      expect(f.dissimilarity).toBeCloseTo(1, 14);
      expect(f.jointEnergy).toBeCloseTo(0.5, 14);
      expect(f.homogeneity).toBeCloseTo(0.5, 14);
      expect(f.correlation).toBeCloseTo(-1, 14);
      expect(f.jointEntropy).toBeCloseTo(Math.LN2, 14);
      expect(f.hx).toBeCloseTo(Math.LN2, 14);
      expect(f.mutualInformation).toBeCloseTo(Math.LN2, 14);
      expect(f.sumAverage).toBeCloseTo(3, 14);
      expect(f.sumVariance).toBeCloseTo(0, 14);
      expect(f.sumEntropy).toBeCloseTo(0, 14);
      expect(f.differenceAverage).toBeCloseTo(1, 14);
      expect(f.differenceVariance).toBeCloseTo(0, 14);
      expect(f.differenceEntropy).toBeCloseTo(0, 14);
      expect(f.inverseDifference).toBeCloseTo(0.5, 14);
      expect(f.maxProbability).toBeCloseTo(0.5, 14);
      // HXY1 = HX + HY = 2 ln 2: IMC1 = (ln2 − 2 ln2) / ln2 = −1. HXY2 = 2 ln 2: IMC2 = sqrt(1 − e^(−2 ln 2)) = sqrt(3/4).
      expect(f.imc1).toBeCloseTo(-1, 14);
      expect(f.imc2).toBeCloseTo(Math.sqrt(0.75), 14);
    }
  });

  it('checkerboard, diagonal neighbours: always the same colour; 4-angle average mixes both', () => {
    for (const angle of [45, 135]) {
      const f = glcmFeatures(checkerboard(8, 8), null, 8, 8, { levels: 2, angles: [angle] });
      expect(f.contrast).toBeCloseTo(0, 14);
      // 7 × 7 diagonal pairs on the 8 × 8 board: 25 start on a 0, 24 on a 1.
      expect(f.jointEnergy).toBeCloseTo((25 * 25 + 24 * 24) / (49 * 49), 14);
      expect(f.correlation).toBeCloseTo(1, 14);
      expect(f.homogeneity).toBeCloseTo(1, 14);
    }
    const mean = glcmFeatures(checkerboard(8, 8), null, 8, 8, { levels: 2 });
    expect(mean.contrast).toBeCloseTo(0.5, 14);
    expect(mean.correlation).toBeCloseTo(0, 14);
    // With 32 levels over [0, 1] the colours are levels 1 and 32: contrast 31² horizontally.
    const wide = glcmFeatures(checkerboard(8, 8), null, 8, 8, { levels: 32, angles: [0] });
    expect(wide.contrast).toBeCloseTo(31 * 31, 10);
    expect(wide.sumAverage).toBeCloseTo(33, 12);
  });

  it('constant image: energy 1, entropies 0, contrast 0, correlation 1 by convention', () => {
    const f = glcmFeatures(new Float32Array(36).fill(0.4), null, 6, 6);
    expect(f.jointEnergy).toBe(1);
    expect(f.jointEntropy).toBe(0);
    expect(f.contrast).toBe(0);
    expect(f.correlation).toBe(1);
    expect(f.homogeneity).toBe(1);
    expect(f.inverseDifferenceMoment).toBe(1);
    expect(f.mutualInformation).toBe(0);
    expect(f.imc1).toBe(0);
    expect(f.imc2).toBe(0);
    expect(f.maxProbability).toBe(1);
    expect(f.sumAverage).toBe(2);
  });

  it('uses the log base given: a checkerboard has 1 bit of joint entropy', () => {
    const f = glcmFeatures(checkerboard(6, 6), null, 6, 6, { levels: 2, angles: [0], logBase: 2 });
    expect(f.jointEntropy).toBeCloseTo(1, 14);
    expect(f.mutualInformation).toBeCloseTo(1, 14);
    // IMC2 does not depend on the base.
    expect(f.imc2).toBeCloseTo(Math.sqrt(0.75), 14);
  });
});

describe('glcmMatrix counting', () => {
  it('counts a pair only when both pixels are in the mask', () => {
    // One row: values 0 1 0 1, the third pixel masked out: the only horizontal pair is (1, 2).
    const m = glcmMatrix([0, 1, 0, 1], [1, 1, 0, 1], 4, 1, { levels: 2, angles: [0], symmetric: false });
    expect(Array.from(m.matrices[0])).toEqual([0, 1, 0, 0]);
    expect(m.maskPixels).toBe(3);
    const symmetric = glcmMatrix([0, 1, 0, 1], [1, 1, 0, 1], 4, 1, { levels: 2, angles: [0] });
    expect(Array.from(symmetric.matrices[0])).toEqual([0, 1, 1, 0]);
    expect(symmetric.totals[0]).toBe(2);
  });

  it('quantises over the mask range by default and clamps to an explicit range', () => {
    // Masked values 10..20 → 2 levels: 10..14.99 → 1, 15..20 → 2. The unmasked 1000 does not stretch the range.
    const m = glcmMatrix([10, 14, 15, 20, 1000], [1, 1, 1, 1, 0], 5, 1, {
      levels: 2,
      angles: [0],
      symmetric: false,
    });
    expect(m.range).toEqual([10, 20]);
    expect(Array.from(m.matrices[0])).toEqual([1, 1, 0, 1]);
    const clamped = glcmMatrix([-5, 0, 50, 200], null, 4, 1, {
      levels: 4,
      angles: [0],
      symmetric: false,
      range: [0, 100],
    });
    // Levels: −5 → 1 (clamped), 0 → 1, 50 → 3, 200 → 4 (clamped).
    expect(clamped.matrices[0][0 * 4 + 0]).toBe(1);
    expect(clamped.matrices[0][0 * 4 + 2]).toBe(1);
    expect(clamped.matrices[0][2 * 4 + 3]).toBe(1);
  });

  it('uses the offsets (d·round(cos θ), d·round(sin θ)) with rows pointing down', () => {
    // 3 × 3 ramp: value = x + 3y (9 levels, one per pixel): a single unsymmetrised pair per offset test.
    const values = Array.from({ length: 9 }, (_, i) => i);
    const m = glcmMatrix(values, null, 3, 3, {
      levels: 9,
      angles: [0, 45, 90, 135],
      distance: 2,
      symmetric: false,
    });
    const pairs = m.matrices.map((matrix) => {
      const found: [number, number][] = [];
      matrix.forEach((c, k) => {
        for (let r = 0; r < c; r++) found.push([Math.floor(k / 9), k % 9]);
      });
      return found;
    });
    expect(pairs[0]).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
    ]); // 0°: (x, y) → (x + 2, y)
    expect(pairs[1]).toEqual([[0, 8]]); // 45°: → (x + 2, y + 2)
    expect(pairs[2]).toEqual([
      [0, 6],
      [1, 7],
      [2, 8],
    ]); // 90°: → (x, y + 2)
    expect(pairs[3]).toEqual([[2, 6]]); // 135°: → (x − 2, y + 2)
  });

  it('refuses bad input with typed errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'none';
    };
    expect(code(() => glcmMatrix([1, 2, 3], null, 2, 2))).toBe('SIZE_MISMATCH');
    expect(code(() => glcmMatrix([1, 2, 3, 4], [1], 2, 2))).toBe('SIZE_MISMATCH');
    expect(code(() => glcmMatrix([1, 2, 3, 4], null, 2, 2, { levels: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => glcmMatrix([1, 2, 3, 4], null, 2, 2, { distance: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => glcmMatrix([1, 2, 3, 4], null, 2, 2, { angles: [30] }))).toBe('INVALID_OPTION');
    expect(code(() => glcmMatrix([1, 2, 3, 4], null, 2, 2, { range: [2, 1] }))).toBe('INVALID_OPTION');
    expect(code(() => glcmMatrix([1, 2, 3, 4], [0, 0, 0, 0], 2, 2))).toBe('EMPTY_MASK');
    expect(code(() => glcmFeatures([1, 2, 3, 4], [1, 0, 0, 1], 2, 2, { angles: [0, 90] }))).toBe('NO_PAIRS');
    expect(code(() => glcmFeaturesFromMatrix([1, 0, 0, 1], 2, 1))).toBe('INVALID_OPTION');
  });
});

describe('glcmFeatures against a naive reference', () => {
  it('matches every feature on a random masked 13 × 11 image, 8 levels, 4 angles, distance 2', () => {
    const random = seededRandom(7);
    const [w, h, levels, distance] = [13, 11, 8, 2];
    const values = Array.from({ length: w * h }, () => random());
    const mask = Array.from({ length: w * h }, () => (random() < 0.8 ? 1 : 0));
    const angles = [0, 45, 90, 135];
    const expected = naiveAverage(values, mask, w, h, levels, distance, angles);
    const actual = glcmFeatures(values, mask, w, h, { levels, distance, angles });
    for (const name of GLCM_FEATURE_NAMES) expect(actual[name], name).toBeCloseTo(expected[name], 12);
    // And not trivially: the texture is random, so no feature sits at its flat-region value.
    expect(actual.jointEntropy).toBeGreaterThan(2);
    expect(Math.abs(actual.correlation)).toBeLessThan(0.5);
  });
});

/** Straight from the definitions: loops over all pixel pairs and all (i, j), nothing shared with glcm.ts. */
function naiveAverage(
  values: number[],
  mask: number[],
  w: number,
  h: number,
  levels: number,
  distance: number,
  angles: number[],
): GlcmFeatures {
  const inMask = values.filter((_, k) => mask[k] === 1);
  const lo = Math.min(...inMask);
  const hi = Math.max(...inMask);
  const level = (v: number) => Math.min(levels, Math.floor(((v - lo) / (hi - lo)) * levels) + 1);
  const sums: Record<string, number> = {};
  for (const angle of angles) {
    const offsets: Record<number, [number, number]> = { 0: [1, 0], 45: [1, 1], 90: [0, 1], 135: [-1, 1] };
    const [ox, oy] = offsets[angle].map((o) => o * distance);
    const P: number[][] = Array.from({ length: levels + 1 }, () => new Array(levels + 1).fill(0));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [nx, ny] = [x + ox, y + oy];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        if (!mask[y * w + x] || !mask[ny * w + nx]) continue;
        const [i, j] = [level(values[y * w + x]), level(values[ny * w + nx])];
        P[i][j] += 1;
        P[j][i] += 1;
      }
    }
    let total = 0;
    for (let i = 1; i <= levels; i++) for (let j = 1; j <= levels; j++) total += P[i][j];
    const p = (i: number, j: number) => P[i][j] / total;
    const L = (x: number) => (x > 0 ? Math.log(x) : 0);
    const idx = Array.from({ length: levels }, (_, k) => k + 1);
    const px = (i: number) => idx.reduce((s, j) => s + p(i, j), 0);
    const py = (j: number) => idx.reduce((s, i) => s + p(i, j), 0);
    const pSum = (k: number) =>
      idx.reduce((s, i) => s + idx.reduce((t, j) => t + (i + j === k ? p(i, j) : 0), 0), 0);
    const pDiff = (k: number) =>
      idx.reduce((s, i) => s + idx.reduce((t, j) => t + (Math.abs(i - j) === k ? p(i, j) : 0), 0), 0);
    const pairs = idx.flatMap((i) => idx.map((j) => [i, j] as const));
    const sumOver = (f: (i: number, j: number) => number) => pairs.reduce((s, [i, j]) => s + f(i, j), 0);
    const muX = idx.reduce((s, i) => s + i * px(i), 0);
    const muY = idx.reduce((s, j) => s + j * py(j), 0);
    const sdX = Math.sqrt(idx.reduce((s, i) => s + (i - muX) ** 2 * px(i), 0));
    const sdY = Math.sqrt(idx.reduce((s, j) => s + (j - muY) ** 2 * py(j), 0));
    const HX = -idx.reduce((s, i) => s + px(i) * L(px(i)), 0);
    const HY = -idx.reduce((s, j) => s + py(j) * L(py(j)), 0);
    const HXY = -sumOver((i, j) => p(i, j) * L(p(i, j)));
    const HXY1 = -sumOver((i, j) => p(i, j) * L(px(i) * py(j)));
    const HXY2 = -sumOver((i, j) => px(i) * py(j) * L(px(i) * py(j)));
    const ks = Array.from({ length: 2 * levels - 1 }, (_, k) => k + 2);
    const ds = Array.from({ length: levels }, (_, k) => k);
    const SA = ks.reduce((s, k) => s + k * pSum(k), 0);
    const DA = ds.reduce((s, k) => s + k * pDiff(k), 0);
    const f: GlcmFeatures = {
      jointEnergy: sumOver((i, j) => p(i, j) ** 2),
      jointEntropy: HXY,
      contrast: sumOver((i, j) => (i - j) ** 2 * p(i, j)),
      dissimilarity: sumOver((i, j) => Math.abs(i - j) * p(i, j)),
      homogeneity: sumOver((i, j) => p(i, j) / (1 + (i - j) ** 2)),
      correlation: sumOver((i, j) => (i - muX) * (j - muY) * p(i, j)) / (sdX * sdY),
      sumAverage: SA,
      sumVariance: ks.reduce((s, k) => s + (k - SA) ** 2 * pSum(k), 0),
      sumEntropy: -ks.reduce((s, k) => s + pSum(k) * L(pSum(k)), 0),
      differenceAverage: DA,
      differenceVariance: ds.reduce((s, k) => s + (k - DA) ** 2 * pDiff(k), 0),
      differenceEntropy: -ds.reduce((s, k) => s + pDiff(k) * L(pDiff(k)), 0),
      inverseDifference: sumOver((i, j) => p(i, j) / (1 + Math.abs(i - j))),
      inverseDifferenceMoment: sumOver((i, j) => p(i, j) / (1 + (i - j) ** 2)),
      imc1: (HXY - HXY1) / Math.max(HX, HY),
      imc2: Math.sqrt(1 - Math.exp(-2 * (HXY2 - HXY))),
      mutualInformation: HX + HY - HXY,
      hx: HX,
      hy: HY,
      maxProbability: Math.max(...pairs.map(([i, j]) => p(i, j))),
    };
    for (const [name, value] of Object.entries(f)) sums[name] = (sums[name] ?? 0) + value / angles.length;
  }
  return sums as unknown as GlcmFeatures;
}
