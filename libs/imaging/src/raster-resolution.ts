import { ImageDecodeError } from './errors';

/** Physical pixel size read from a PNG or TIFF header, in mm; undefined fields mean "not in the file". */
export interface RasterResolution {
  /** Vertical size of a pixel (distance between row centres), mm. */
  readonly rowSpacingMm?: number;
  /** Horizontal size of a pixel (distance between column centres), mm. */
  readonly colSpacingMm?: number;
  /** Dots per inch the file declares on each axis, for reporting. */
  readonly dpi?: { readonly x: number; readonly y: number };
}

const MM_PER_INCH = 25.4;

/**
 * Resolutions image software writes when nobody set one, treated as "no resolution": 72 dpi (most
 * libraries) and 25.4 dpi = 1 pixel/mm (libvips, hence sharp, for TIFF and PNG). Neither is a plausible
 * mammography pixel pitch (0.35 mm and 1 mm).
 */
export const SOFTWARE_DEFAULT_DPIS: readonly number[] = [72, 25.4];

/** PNG stores pixels per metre as integers: 72 dpi becomes 2835 ppm = 72.009 dpi. */
const DEFAULT_DPI_TOLERANCE = 0.05;

/**
 * Walks a PNG's chunks (PNG spec 5.3) up to IEND: checks that every chunk fits in the file and reads the
 * pHYs chunk when its unit is the metre.
 *
 * Parameters
 * ----------
 * bytes : the whole PNG file (signature included).
 *
 * Returns the resolution: empty when there is no pHYs or its unit is unknown; only `dpi` when it is a
 * software default (`SOFTWARE_DEFAULT_DPIS`).
 *
 * Raises ImageDecodeError TRUNCATED when a chunk runs past the end of the file or IEND is missing.
 */
export function readPngResolution(bytes: Uint8Array): RasterResolution {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let resolution: RasterResolution = {};
  for (;;) {
    if (at + 8 > bytes.length) {
      throw new ImageDecodeError('TRUNCATED', `PNG ends at byte ${bytes.length} before its IEND chunk`);
    }
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const end = at + 12 + length;
    if (end > bytes.length) {
      throw new ImageDecodeError(
        'TRUNCATED',
        `PNG chunk ${type} at byte ${at} needs ${12 + length} bytes; the file ends at ${bytes.length}`,
      );
    }
    if (type === 'pHYs' && length === 9 && bytes[at + 16] === 1) {
      const ppmX = view.getUint32(at + 8);
      const ppmY = view.getUint32(at + 12);
      if (ppmX > 0 && ppmY > 0) resolution = fromSpacing(1000 / ppmY, 1000 / ppmX);
    }
    if (type === 'IEND') return resolution;
    at = end;
  }
}

/**
 * Reads XResolution (282), YResolution (283) and ResolutionUnit (296) of a TIFF's first IFD (TIFF 6.0).
 *
 * Parameters
 * ----------
 * bytes : the whole TIFF file ("II*\0" or "MM\0*").
 *
 * Returns the resolution: empty when absent or when the unit is 1 (none); only `dpi` when it is a
 * software default (`SOFTWARE_DEFAULT_DPIS`).
 *
 * Raises ImageDecodeError TRUNCATED when the header or the first IFD lies past the end of the file
 * (writers often put the IFD after the pixel data, so a cut file loses it).
 */
export function readTiffResolution(bytes: Uint8Array): RasterResolution {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const ifd = bytes.length >= 8 ? view.getUint32(4, little) : Number.POSITIVE_INFINITY;
  const entries = ifd + 2 <= bytes.length ? view.getUint16(ifd, little) : 0;
  if (ifd + 2 + entries * 12 > bytes.length) {
    throw new ImageDecodeError(
      'TRUNCATED',
      `TIFF's first IFD (at byte ${ifd}) lies past the end of the file (${bytes.length} bytes)`,
    );
  }
  let x: number | undefined;
  let y: number | undefined;
  let unit = 2; // TIFF 6.0: ResolutionUnit defaults to inch
  for (let k = 0; k < entries; k++) {
    const entry = ifd + 2 + k * 12;
    const tagId = view.getUint16(entry, little);
    const type = view.getUint16(entry + 2, little);
    if ((tagId === 282 || tagId === 283) && type === 5) {
      const offset = view.getUint32(entry + 8, little);
      if (offset + 8 > bytes.length) return {};
      const denominator = view.getUint32(offset + 4, little);
      const value = denominator === 0 ? undefined : view.getUint32(offset, little) / denominator;
      if (tagId === 282) x = value;
      else y = value;
    } else if (tagId === 296 && type === 3) {
      unit = view.getUint16(entry + 8, little);
    }
  }
  if (x === undefined || !(x > 0) || unit === 1) return {};
  const yValue = y !== undefined && y > 0 ? y : x;
  const mmPerUnit = unit === 3 ? 10 : MM_PER_INCH; // unit 3: pixels per centimetre
  return fromSpacing(mmPerUnit / yValue, mmPerUnit / x);
}

function fromSpacing(rowSpacingMm: number, colSpacingMm: number): RasterResolution {
  const xDpi = MM_PER_INCH / colSpacingMm;
  const yDpi = MM_PER_INCH / rowSpacingMm;
  const isDefault = SOFTWARE_DEFAULT_DPIS.some(
    (dpi) => Math.abs(xDpi - dpi) < DEFAULT_DPI_TOLERANCE && Math.abs(yDpi - dpi) < DEFAULT_DPI_TOLERANCE,
  );
  if (isDefault) return { dpi: { x: xDpi, y: yDpi } };
  return { rowSpacingMm, colSpacingMm, dpi: { x: xDpi, y: yDpi } };
}
