import { ImageDecodeError } from './errors';
import type { GrayImage } from './image';

/**
 * Windows an image: maps [center − width/2, center + width/2] linearly onto [0, 1] and clamps outside
 * (the continuous LINEAR_EXACT VOI function of PS3.3 C.11.2.1.3.2 on normalised intensities).
 *
 * Parameters
 * ----------
 * image : intensities in [0, 1].
 * center : window centre, in the units of `image.data` (e.g. 0.5).
 * width : window width in the same units, > 0.
 *
 * Returns a new plain GrayImage (no format/meta: its normalisation no longer holds) with the same size,
 * spacing and bitsStored; the input is not modified.
 *
 * Raises ImageDecodeError INVALID_OPTION when center is not finite or width is not a positive finite number.
 */
export function applyWindow(image: GrayImage, center: number, width: number): GrayImage {
  if (!Number.isFinite(center) || !Number.isFinite(width) || width <= 0) {
    throw new ImageDecodeError(
      'INVALID_OPTION',
      `window center ${center} / width ${width}: width must be > 0`,
    );
  }
  const source = image.data;
  const data = new Float32Array(source.length);
  const low = center - width / 2;
  const scale = 1 / width;
  for (let i = 0; i < source.length; i++) {
    const y = (source[i] - low) * scale;
    data[i] = y < 0 ? 0 : Math.min(y, 1);
  }
  return {
    width: image.width,
    height: image.height,
    data,
    pixelSpacingMm: image.pixelSpacingMm,
    spacingAssumed: image.spacingAssumed,
    bitsStored: image.bitsStored,
  };
}

/**
 * Quantises intensities to 8 bits: round(clamp(v, 0, 1) × 255); NaN becomes 0.
 *
 * Returns a Uint8Array of width × height values, row-major.
 */
export function toUint8(image: Pick<GrayImage, 'data'>): Uint8Array {
  const source = image.data;
  const out = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    // Comparisons are false for NaN, so NaN lands on 0; Uint8Array assignment truncates, + 0.5 rounds.
    out[i] = v > 0 ? (v < 1 ? v * 255 + 0.5 : 255) : 0;
  }
  return out;
}

/**
 * Quantises intensities to `bits` bits: round(clamp(v, 0, 1) × (2^bits − 1)); NaN becomes 0.
 *
 * Parameters
 * ----------
 * image : intensities in [0, 1].
 * bits : 1..16 (default 16).
 *
 * Returns a Uint16Array of width × height values, row-major.
 *
 * Raises ImageDecodeError INVALID_OPTION when bits is not an integer in 1..16.
 */
export function toUint16(image: Pick<GrayImage, 'data'>, bits = 16): Uint16Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
    throw new ImageDecodeError('INVALID_OPTION', `bits ${bits} must be an integer in 1..16`);
  }
  const max = 2 ** bits - 1;
  const source = image.data;
  const out = new Uint16Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    out[i] = v > 0 ? (v < 1 ? v * max + 0.5 : max) : 0;
  }
  return out;
}
