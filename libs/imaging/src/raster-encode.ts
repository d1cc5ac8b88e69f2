import sharp from 'sharp';
import { ImageEncodeError } from './errors';

/** What `encodePng` / `encodeTiff` write: one grayscale channel. */
export interface RasterWriteOptions {
  width: number;
  height: number;
  /** Row-major values, 0 … 2^bits − 1. */
  pixels: Uint8Array | Uint16Array;
  bits: 8 | 16;
  /** Isotropic pixel size in mm, written as the file's resolution (25.4 / spacing dpi); omitted: none. */
  pixelSpacingMm?: number;
}

/**
 * Writes a grayscale PNG (8- or 16-bit) through sharp.
 *
 * The spacing goes into the pHYs chunk, which holds integer pixels per metre, so it reads back as
 * 1000 / round(1000 / spacing) mm (e.g. 0.07 → 0.069998; exact for spacings dividing 1 mm, like 0.05 or
 * 0.1).
 *
 * Parameters
 * ----------
 * options : see `RasterWriteOptions`.
 *
 * Returns the PNG bytes.
 *
 * Raises ImageEncodeError INVALID_OPTION for a size/pixel-count mismatch, a value above 2^bits − 1 or a
 * non-positive spacing; ENCODER_FAILED when sharp fails.
 */
export async function encodePng(options: RasterWriteOptions): Promise<Uint8Array> {
  const png = await encodeRaster(options, (image) => image.png({ compressionLevel: 6 }));
  // libvips writes a 1 px/mm pHYs when no density is set; a file without spacing should carry none.
  return options.pixelSpacingMm === undefined ? withoutPngChunk(png, 'pHYs') : png;
}

/**
 * Writes a grayscale TIFF (8- or 16-bit, LZW) through sharp; the spacing goes into X/YResolution
 * (pixels per inch, rational). Without a spacing libvips still writes 25.4 dpi (1 px/mm), which the
 * decoder treats as a software default. Same options and errors as `encodePng`.
 */
export function encodeTiff(options: RasterWriteOptions): Promise<Uint8Array> {
  return encodeRaster(options, (image) => image.tiff({ compression: 'lzw' }));
}

async function encodeRaster(
  options: RasterWriteOptions,
  toFormat: (image: sharp.Sharp) => sharp.Sharp,
): Promise<Uint8Array> {
  const samples = validatedSamples(options);
  const { width, height, bits, pixelSpacingMm } = options;
  let image = sharp(samples, { raw: { width, height, channels: 1 } }).toColourspace(
    bits === 16 ? 'grey16' : 'b-w',
  );
  if (pixelSpacingMm !== undefined) image = image.withDensity(25.4 / pixelSpacingMm);
  try {
    const buffer = await toFormat(image).toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new ImageEncodeError(
      'ENCODER_FAILED',
      `sharp could not write the image: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Checks the options and returns the samples in the typed array sharp needs for `bits`. */
function validatedSamples(options: RasterWriteOptions): Uint8Array | Uint16Array {
  const { width, height, pixels, bits, pixelSpacingMm } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageEncodeError('INVALID_OPTION', `size ${width}×${height} must be positive integers`);
  }
  if (bits !== 8 && bits !== 16) throw new ImageEncodeError('INVALID_OPTION', `bits ${bits} must be 8 or 16`);
  if (pixels.length !== width * height) {
    throw new ImageEncodeError(
      'INVALID_OPTION',
      `pixels has ${pixels.length} values; ${width}×${height} needs ${width * height}`,
    );
  }
  if (pixelSpacingMm !== undefined && !(pixelSpacingMm > 0 && Number.isFinite(pixelSpacingMm))) {
    throw new ImageEncodeError(
      'INVALID_OPTION',
      `pixelSpacingMm ${pixelSpacingMm} must be a positive number`,
    );
  }
  if (bits === 8) {
    if (pixels instanceof Uint8Array) return pixels;
    const out = new Uint8Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) {
      if (pixels[i] > 255)
        throw new ImageEncodeError('INVALID_OPTION', `pixel ${i} is ${pixels[i]}, above 255 for 8 bits`);
      out[i] = pixels[i];
    }
    return out;
  }
  return pixels instanceof Uint16Array ? pixels : Uint16Array.from(pixels);
}

/** A PNG without its chunks of `type` (ancillary chunks only: nothing else refers to them). */
function withoutPngChunk(png: Uint8Array, type: string): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const kept: Uint8Array[] = [png.subarray(0, 8)];
  for (let at = 8; at + 12 <= png.length; ) {
    const end = at + 12 + view.getUint32(at);
    const chunkType = String.fromCharCode(png[at + 4], png[at + 5], png[at + 6], png[at + 7]);
    if (chunkType !== type) kept.push(png.subarray(at, end));
    at = end;
  }
  return new Uint8Array(Buffer.concat(kept));
}
