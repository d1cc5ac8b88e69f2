import type { DecodedImage, DecodeOptions } from './decoded-image';
import { decodeDicom } from './dicom-decode';
import { ImageDecodeError } from './errors';
import { decodeRaster } from './raster-decode';
import { sniffFormat } from './sniff';

/**
 * Decodes a mammogram file — DICOM, PNG or TIFF, recognised by its magic bytes — into a MONOCHROME2
 * GrayImage with intensities in [0, 1] and pixel spacing in mm.
 *
 * Parameters
 * ----------
 * bytes : the whole file.
 * options.maxPixels : largest rows × columns accepted (default 50e6), checked from the header before
 *   any pixel is decoded.
 * options.applyVoiWindow : DICOM only, use the file's first VOI window (default false).
 *
 * Returns the image with `format` and `meta` (see `decodeDicom` and `decodeRaster` for the exact
 * normalisation and spacing rules).
 *
 * Raises ImageDecodeError: EMPTY for zero bytes, UNSUPPORTED_FORMAT when no magic matches, and the
 * format decoders' errors.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  if (bytes.length === 0) throw new ImageDecodeError('EMPTY', 'the file is empty (0 bytes)');
  const sniffed = sniffFormat(bytes);
  if (sniffed === undefined) {
    throw new ImageDecodeError(
      'UNSUPPORTED_FORMAT',
      `unrecognised file (first bytes ${hexPrefix(bytes)}); expected DICOM, PNG or TIFF`,
    );
  }
  if (sniffed.format === 'dicom') return decodeDicom(bytes, options);
  return decodeRaster(bytes, sniffed.format, options);
}

function hexPrefix(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 8)).toString('hex');
}
