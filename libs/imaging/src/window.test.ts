import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from './errors';
import type { GrayImage } from './image';
import { applyWindow, toUint8, toUint16 } from './window';

function image(values: number[]): GrayImage {
  return {
    width: values.length,
    height: 1,
    data: Float32Array.from(values),
    pixelSpacingMm: { row: 0.07, col: 0.08 },
    spacingAssumed: false,
    bitsStored: 12,
  };
}

describe('applyWindow', () => {
  it('maps [c − w/2, c + w/2] onto [0, 1] and clamps outside', () => {
    const source = image([0, 0.3, 0.4, 0.5, 0.6, 0.7, 1]);
    const windowed = applyWindow(source, 0.5, 0.2);
    const expected = Array.from(source.data, (v) => Math.min(1, Math.max(0, (v - 0.4) / 0.2)));
    for (let i = 0; i < expected.length; i++) expect(windowed.data[i]).toBeCloseTo(expected[i], 6);
    expect(windowed.data[3]).toBeCloseTo(0.5, 6);
    expect(windowed.pixelSpacingMm).toEqual({ row: 0.07, col: 0.08 });
    expect(windowed.bitsStored).toBe(12);
    // The input is untouched.
    expect(source.data[1]).toBeCloseTo(0.3, 6);
  });

  it('refuses a non-positive or non-finite width', () => {
    expect(() => applyWindow(image([0.5]), 0.5, 0)).toThrow(ImageDecodeError);
    expect(() => applyWindow(image([0.5]), Number.NaN, 0.1)).toThrow(ImageDecodeError);
  });
});

describe('quantisers', () => {
  it('toUint8 rounds, clamps and maps NaN to 0', () => {
    expect(Array.from(toUint8(image([0, 1, 0.5, 1 / 255, -0.2, 1.7, Number.NaN, 0.998])))).toEqual([
      0,
      255,
      128,
      1,
      0,
      255,
      0,
      Math.round(0.998 * 255),
    ]);
  });

  it('toUint16 scales to 2^bits − 1 and inverts decoding of stored values', () => {
    const stored = [0, 1, 2047, 2048, 4095];
    const normalised = image(stored.map((v) => v / 4095));
    expect(Array.from(toUint16(normalised, 12))).toEqual(stored);
    expect(Array.from(toUint16(image([0, 1, 0.5])))).toEqual([0, 65535, 32768]);
    expect(Array.from(toUint16(image([-1, 2, Number.NaN]), 10))).toEqual([0, 1023, 0]);
  });

  it('toUint16 refuses bit depths outside 1..16', () => {
    expect(() => toUint16(image([0]), 0)).toThrow(ImageDecodeError);
    expect(() => toUint16(image([0]), 17)).toThrow(ImageDecodeError);
  });
});
