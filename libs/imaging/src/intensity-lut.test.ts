import { describe, expect, it } from 'vitest';
import { buildIntensityLut, mapCells, rescaledRange, storedValueRange } from './intensity-lut';
import { voiLinear } from './voi';

const RANGE_12_UNSIGNED = { kind: 'range', low: 0, high: 4095 } as const;

describe('stored value ranges', () => {
  it('are 0..2^n − 1 unsigned and −2^(n−1)..2^(n−1) − 1 signed', () => {
    expect(storedValueRange(12, false)).toEqual({ min: 0, max: 4095 });
    expect(storedValueRange(12, true)).toEqual({ min: -2048, max: 2047 });
    expect(storedValueRange(8, true)).toEqual({ min: -128, max: 127 });
  });

  it('rescale maps the ends and a negative slope swaps them', () => {
    expect(rescaledRange(12, false, 2, -1024)).toEqual({ low: -1024, high: 7166 });
    expect(rescaledRange(12, false, -1, 0)).toEqual({ low: -4095, high: 0 });
    expect(rescaledRange(16, true, 1, 0)).toEqual({ low: -32768, high: 32767 });
  });
});

describe('buildIntensityLut', () => {
  const unsigned12 = { bitsAllocated: 16, bitsStored: 12, highBit: 11, signed: false } as const;

  it('normalises unsigned values by 2^bitsStored − 1 and ignores bits above HighBit', () => {
    const lut = buildIntensityLut(unsigned12, 0, 1, 0, RANGE_12_UNSIGNED, false);
    expect(lut.length).toBe(65536);
    expect(lut[0]).toBe(0);
    expect(lut[4095]).toBe(1);
    expect(lut[2048]).toBeCloseTo(2048 / 4095, 7);
    // Overlay or garbage bits 12..15 are masked away.
    expect(lut[0xf000 | 2048]).toBe(lut[2048]);
  });

  it('shifts values stored below a higher HighBit', () => {
    const layout = { bitsAllocated: 16, bitsStored: 12, highBit: 15, signed: false } as const;
    const lut = buildIntensityLut(layout, 4, 1, 0, RANGE_12_UNSIGNED, false);
    expect(lut[4095 << 4]).toBe(1);
    expect(lut[(100 << 4) | 0xf]).toBeCloseTo(100 / 4095, 7);
  });

  it('sign-extends from BitsStored, whatever the bits above hold', () => {
    const layout = { bitsAllocated: 16, bitsStored: 12, highBit: 11, signed: true } as const;
    const range = { kind: 'range', low: -2048, high: 2047 } as const;
    const lut = buildIntensityLut(layout, 0, 1, 0, range, false);
    expect(lut[0x800]).toBe(0); // −2048
    expect(lut[0xf800]).toBe(0); // −2048, sign-extended through the cell
    expect(lut[0x7ff]).toBe(1); // 2047
    expect(lut[0xfff]).toBeCloseTo(2047 / 4095, 7); // −1
    expect(lut[0]).toBeCloseTo(2048 / 4095, 7);
  });

  it('inverts MONOCHROME1 after the transform', () => {
    const lut = buildIntensityLut(unsigned12, 0, 1, 0, RANGE_12_UNSIGNED, true);
    expect(lut[0]).toBe(1);
    expect(lut[4095]).toBe(0);
    expect(lut[1000]).toBeCloseTo(1 - 1000 / 4095, 7);
  });

  it('applies the VOI window to rescaled values', () => {
    const window = { center: 500, width: 1000 };
    const lut = buildIntensityLut(
      unsigned12,
      0,
      2,
      -100,
      { kind: 'voi', window, lutFunction: 'LINEAR' },
      false,
    );
    for (const stored of [0, 50, 300, 551, 4095]) {
      expect(lut[stored]).toBeCloseTo(voiLinear(2 * stored - 100, 500, 1000), 6);
    }
  });

  it('mapCells looks every pixel up', () => {
    const lut = new Float32Array([0.25, 0.5, 0.75, 1]);
    expect(Array.from(mapCells(new Uint8Array([3, 0, 2, 1, 3]), 4, lut))).toEqual([1, 0.25, 0.75, 0.5]);
  });
});
