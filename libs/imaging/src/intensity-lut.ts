import type { VoiLutFunction, VoiWindow } from './decoded-image';
import { voiFunction } from './voi';

/** How stored values sit in the pixel cells of a DICOM frame (or of a PNG/TIFF raster). */
export interface StoredValueLayout {
  /** Bits per pixel cell: 8 or 16. */
  readonly bitsAllocated: 8 | 16;
  /** Significant bits of each cell, 1..bitsAllocated. */
  readonly bitsStored: number;
  /** Position of the most significant stored bit, bitsStored − 1 .. bitsAllocated − 1. */
  readonly highBit: number;
  /** Two's complement stored values (PixelRepresentation 1). */
  readonly signed: boolean;
}

/** The smallest and largest stored value a layout can hold. */
export function storedValueRange(bitsStored: number, signed: boolean): { min: number; max: number } {
  return signed
    ? { min: -(2 ** (bitsStored - 1)), max: 2 ** (bitsStored - 1) - 1 }
    : { min: 0, max: 2 ** bitsStored - 1 };
}

/**
 * The range of rescaled values v = slope × s + intercept over every stored value s of the layout.
 *
 * Returns `{ low, high }` with low < high when slope ≠ 0 (a negative slope swaps the ends).
 */
export function rescaledRange(
  bitsStored: number,
  signed: boolean,
  slope: number,
  intercept: number,
): { low: number; high: number } {
  const { min, max } = storedValueRange(bitsStored, signed);
  const a = slope * min + intercept;
  const b = slope * max + intercept;
  return { low: Math.min(a, b), high: Math.max(a, b) };
}

/** What a stored value becomes: full-range normalisation or a VOI window, then optional inversion. */
export type IntensityTransform =
  | { readonly kind: 'range'; readonly low: number; readonly high: number }
  | { readonly kind: 'voi'; readonly window: VoiWindow; readonly lutFunction: VoiLutFunction };

/**
 * Builds the lookup table from raw pixel cell to output intensity, so decoding is one table lookup per
 * pixel: cell → stored value (shift right by highBit − bitsStored + 1, mask to bitsStored bits, sign-extend
 * if signed) → v = slope × stored + intercept → transform (range: (v − low) / (high − low); voi: the VOI
 * function) → 1 − y when `invert` (MONOCHROME1).
 *
 * Parameters
 * ----------
 * layout : bit layout of the cells; the table has 2^bitsAllocated entries.
 * cellShift : right shift applied to a cell before masking. Native DICOM pixel data: highBit − bitsStored
 *   + 1; codec output and rasters: 0 (values are already right-aligned).
 * slope, intercept : DICOM rescale (1 and 0 when absent); slope must be finite and non-zero.
 * transform : range normalisation or VOI window, in rescaled units.
 * invert : true for MONOCHROME1 sources.
 *
 * Returns a Float32Array of length 2^bitsAllocated with values in [0, 1].
 */
export function buildIntensityLut(
  layout: StoredValueLayout,
  cellShift: number,
  slope: number,
  intercept: number,
  transform: IntensityTransform,
  invert: boolean,
): Float32Array {
  const size = 2 ** layout.bitsAllocated;
  const mask = 2 ** layout.bitsStored - 1;
  const signBit = 2 ** (layout.bitsStored - 1);
  const wrap = 2 ** layout.bitsStored;
  const lut = new Float32Array(size);
  const voi = transform.kind === 'voi' ? voiFunction(transform.lutFunction) : undefined;
  for (let cell = 0; cell < size; cell++) {
    let stored = (cell >>> cellShift) & mask;
    if (layout.signed && stored >= signBit) stored -= wrap;
    const v = slope * stored + intercept;
    let y: number;
    if (transform.kind === 'range') {
      y = (v - transform.low) / (transform.high - transform.low);
    } else {
      y = voi!(v, transform.window.center, transform.window.width);
    }
    // Float rounding at the range ends can leave y a hair outside [0, 1].
    y = y < 0 ? 0 : Math.min(y, 1);
    lut[cell] = invert ? 1 - y : y;
  }
  return lut;
}

/**
 * Maps pixel cells through a lookup table: out[i] = lut[cells[i]] for i < count. The single pass over the
 * image; no per-pixel calls.
 *
 * Parameters
 * ----------
 * cells : raw cells, length >= count; every value must be < lut.length (true by construction when the
 *   table has 2^bitsAllocated entries and cells are 8/16-bit typed arrays).
 * count : pixels to map (rows × columns).
 * lut : from `buildIntensityLut`.
 *
 * Returns a new Float32Array of length `count`.
 */
export function mapCells(cells: Uint8Array | Uint16Array, count: number, lut: Float32Array): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lut[cells[i]];
  return out;
}
