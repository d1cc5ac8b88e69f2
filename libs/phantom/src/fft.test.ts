import { describe, expect, it } from 'vitest';
import { fft, fft2d, isPowerOfTwo, nextPowerOfTwo } from './fft';
import { Rng } from './random';

/** Direct O(n²) DFT, the definition the FFT must reproduce. */
function dft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return { re: outRe, im: outIm };
}

describe('fft', () => {
  it('matches the direct DFT on random data', () => {
    const rng = new Rng(3);
    const re = Array.from({ length: 64 }, () => rng.normal());
    const im = Array.from({ length: 64 }, () => rng.normal());
    const expected = dft(re, im);
    const r = Float64Array.from(re);
    const i = Float64Array.from(im);
    fft(r, i);
    for (let k = 0; k < 64; k++) {
      expect(r[k]).toBeCloseTo(expected.re[k], 9);
      expect(i[k]).toBeCloseTo(expected.im[k], 9);
    }
  });

  it('inverts: inverse(forward(x)) = n·x', () => {
    const rng = new Rng(4);
    const re = Float64Array.from({ length: 128 }, () => rng.normal());
    const im = new Float64Array(128);
    const copy = re.slice();
    fft(re, im);
    fft(re, im, true);
    for (let k = 0; k < 128; k++) {
      expect(re[k] / 128).toBeCloseTo(copy[k], 10);
      expect(im[k] / 128).toBeCloseTo(0, 10);
    }
  });

  it('rejects lengths that are not powers of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(RangeError);
    expect(isPowerOfTwo(64)).toBe(true);
    expect(isPowerOfTwo(96)).toBe(false);
    expect(nextPowerOfTwo(833)).toBe(1024);
  });
});

describe('fft2d', () => {
  it('puts a 2-D cosine into the two bins of its frequency', () => {
    const w = 32;
    const h = 16;
    const re = new Float64Array(w * h);
    const im = new Float64Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) re[y * w + x] = Math.cos(2 * Math.PI * ((3 * x) / w + (2 * y) / h));
    }
    fft2d(re, im, w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const magnitude = Math.hypot(re[y * w + x], im[y * w + x]);
        const isPeak = (x === 3 && y === 2) || (x === w - 3 && y === h - 2);
        expect(magnitude).toBeCloseTo(isPeak ? (w * h) / 2 : 0, 6);
      }
    }
  });
});
