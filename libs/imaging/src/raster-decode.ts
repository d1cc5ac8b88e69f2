import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeOptions, type ImageMeta } from './decoded-image';
import { ImageDecodeError } from './errors';
import { DEFAULT_PIXEL_SPACING_MM } from './image';
import { buildIntensityLut, mapCells } from './intensity-lut';
import { type RasterResolution, readPngResolution, readTiffResolution } from './raster-resolution';

/**
 * Decodes a PNG or TIFF (first page) into a MONOCHROME2 GrayImage with intensities in [0, 1], via sharp.
 *
 * 8-bit sources (gray, palette, RGB(A)) become one 8-bit luminance channel (libvips 'b-w'), 16-bit
 * sources one 16-bit channel ('grey16'); alpha is dropped, not composited. Intensities are
 * value / (2^bits − 1) with bits = 8 or 16 = `bitsStored` (a 16-bit file whose values fit in 12 bits,
 * or that carries an sBIT chunk, is still 16-bit: nothing is guessed). Pixel spacing comes from the PNG
 * pHYs chunk (unit metre) or the TIFF X/YResolution with ResolutionUnit inch or cm, as 25.4 mm / dpi per
 * axis, unless it is a software default (72 dpi, or libvips' 25.4 dpi = 1 px/mm); otherwise 0.1 mm with
 * spacingAssumed = true.
 *
 * Parameters
 * ----------
 * bytes : the whole file.
 * format : 'png' or 'tiff' (from `sniffFormat`).
 * options.maxPixels : largest width × height accepted (default 50e6), checked on sharp's metadata before
 *   decoding and enforced by sharp's `limitInputPixels`.
 *
 * Returns the image with format and meta.
 *
 * Raises ImageDecodeError: EMPTY, TRUNCATED (a PNG chunk or the TIFF IFD past the end of the file, or
 * sharp reports a cut stream), CORRUPT (also when sharp calls the file an unsupported format although its
 * magic bytes matched), TOO_LARGE, ZERO_SIZE,
 * UNSUPPORTED_PIXEL_FORMAT (samples other than 8/16-bit unsigned integers), INVALID_OPTION.
 */
export async function decodeRaster(
  bytes: Uint8Array,
  format: 'png' | 'tiff',
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageDecodeError('EMPTY', 'the file is empty (0 bytes)');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0) || !Number.isFinite(maxPixels)) {
    throw new ImageDecodeError(
      'INVALID_OPTION',
      `maxPixels must be a positive finite number, got ${maxPixels}`,
    );
  }
  const resolution = format === 'png' ? readPngResolution(bytes) : readTiffResolution(bytes);
  // limitInputPixels 0 would mean "no limit" to sharp, hence at least 1.
  const input = { limitInputPixels: Math.max(1, Math.floor(maxPixels)) };
  const metadata = await callSharp(() => sharp(bytes, input).metadata(), format);
  const { width, height } = metadata;
  if (!width || !height) throw new ImageDecodeError('ZERO_SIZE', `image has ${width} × ${height} pixels`);
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      'TOO_LARGE',
      `image is ${width}×${height} = ${width * height} pixels; the limit is ${maxPixels}`,
    );
  }
  if (metadata.depth !== 'uchar' && metadata.depth !== 'ushort') {
    throw new ImageDecodeError(
      'UNSUPPORTED_PIXEL_FORMAT',
      `${format} samples are ${metadata.depth}; only 8- and 16-bit unsigned integers are supported`,
    );
  }
  const bits: 8 | 16 = metadata.depth === 'ushort' ? 16 : 8;

  let pipeline = sharp(bytes, input);
  if (metadata.hasAlpha) pipeline = pipeline.removeAlpha();
  pipeline =
    bits === 16
      ? pipeline.toColourspace('grey16').raw({ depth: 'ushort' })
      : pipeline.toColourspace('b-w').raw();
  const { data, info } = await callSharp(() => pipeline.toBuffer({ resolveWithObject: true }), format);
  const bytesPerPixel = bits / 8;
  if (
    info.channels !== 1 ||
    info.width !== width ||
    info.height !== height ||
    data.length !== width * height * bytesPerPixel
  ) {
    throw new ImageDecodeError(
      'CORRUPT',
      `sharp returned ${info.width}×${info.height}×${info.channels} (${data.length} bytes) for a ${width}×${height} ${bits}-bit image`,
    );
  }
  const cells = bits === 16 ? uint16View(data) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const maxValue = 2 ** bits - 1;
  const lut = buildIntensityLut(
    { bitsAllocated: bits, bitsStored: bits, highBit: bits - 1, signed: false },
    0,
    1,
    0,
    { kind: 'range', low: 0, high: maxValue },
    false,
  );
  const spacing = spacingFrom(resolution);
  const warnings: string[] = [];
  if (resolution.dpi && spacing.assumed) {
    warnings.push(
      `${format} declares ${resolution.dpi.x.toFixed(2)} dpi, a software default (72 or 25.4 dpi): ignored`,
    );
  }
  const numberOfFrames = metadata.pages ?? 1;
  const meta: ImageMeta = {
    photometric: 'MONOCHROME2',
    bitsAllocated: bits,
    pixelRepresentation: 'unsigned',
    windows: [],
    normalization: { kind: 'range', low: 0, high: maxValue, inverted: false },
    spacingSource: spacing.assumed ? 'default' : 'density',
    numberOfFrames,
    multiFrame: numberOfFrames > 1,
    sourceChannels: metadata.channels,
    warnings,
  };
  return {
    width,
    height,
    data: mapCells(cells, width * height, lut),
    pixelSpacingMm: { row: spacing.row, col: spacing.col },
    spacingAssumed: spacing.assumed,
    bitsStored: bits,
    format,
    meta,
  };
}

function spacingFrom(resolution: RasterResolution): { row: number; col: number; assumed: boolean } {
  if (resolution.rowSpacingMm !== undefined && resolution.colSpacingMm !== undefined) {
    return { row: resolution.rowSpacingMm, col: resolution.colSpacingMm, assumed: false };
  }
  return { row: DEFAULT_PIXEL_SPACING_MM, col: DEFAULT_PIXEL_SPACING_MM, assumed: true };
}

/** A Uint16Array over sharp's output, copying only if the buffer is not 2-byte aligned. */
function uint16View(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  return new Uint16Array(new Uint8Array(data).buffer, 0, data.length / 2);
}

/** Runs a sharp call, mapping its errors (plain Errors with libvips messages) to typed ones. */
async function callSharp<T>(run: () => Promise<T>, format: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The magic bytes matched already, so "unsupported image format" means a damaged file: CORRUPT.
    let code: 'TOO_LARGE' | 'TRUNCATED' | 'CORRUPT' = 'CORRUPT';
    if (/pixel limit/i.test(message)) code = 'TOO_LARGE';
    else if (/premature|truncat|unexpected end|end of (file|data|stream)|eof|out of data/i.test(message))
      code = 'TRUNCATED';
    throw new ImageDecodeError(code, `cannot decode the ${format}: ${message}`, { cause: error });
  }
}
