/**
 * The in-memory image every Calcscope library works on.
 *
 * Intensities are MONOCHROME2 (bright = dense tissue / calcium), after any DICOM rescale, normalised to
 * [0, 1] over the stored bit range (value / (2^bitsStored - 1)), so an 8-bit PNG and a 12-bit DICOM of
 * the same breast give comparable numbers. Features that report gray values convert to 8-bit gray
 * levels (× 255), the scale of Wang 2016's 8-bit digitisation.
 */
export interface GrayImage {
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** Row-major intensities in [0, 1]; index = y * width + x. */
  readonly data: Float32Array;
  /** Physical size of one pixel in millimetres: row spacing (vertical) and column spacing (horizontal). */
  readonly pixelSpacingMm: PixelSpacing;
  /** True when the file carried no spacing and the 0.1 mm default was used. */
  readonly spacingAssumed: boolean;
  /** Bits stored in the source (8, 12, 16, ...). */
  readonly bitsStored: number;
}

export interface PixelSpacing {
  readonly row: number;
  readonly col: number;
}

/** Default pixel spacing (mm) when a file has none: the digitisation pitch of Wang 2016's 1024×1024 images. */
export const DEFAULT_PIXEL_SPACING_MM = 0.1;

/** Inclusive-exclusive pixel bounding box: x0 <= x < x1, y0 <= y < y1. */
export interface BBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * A set of pixels of one image (a mask), as sorted linear indices (y * width + x).
 * Sparse on purpose: MCs are a few pixels, masses a few thousand, images tens of millions.
 */
export interface Region {
  readonly indices: Int32Array;
  readonly bbox: BBox;
}

/** Mean pixel spacing, for algorithms that work at one isotropic physical scale. */
export function meanSpacingMm(image: Pick<GrayImage, 'pixelSpacingMm'>): number {
  return (image.pixelSpacingMm.row + image.pixelSpacingMm.col) / 2;
}

/** Area of one pixel in mm². */
export function pixelAreaMm2(image: Pick<GrayImage, 'pixelSpacingMm'>): number {
  return image.pixelSpacingMm.row * image.pixelSpacingMm.col;
}

/** Builds a Region from unsorted linear indices of an image `width` pixels wide. */
export function regionFromIndices(indices: ArrayLike<number>, width: number): Region {
  const sorted = Int32Array.from(indices).sort();
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < sorted.length; k++) {
    const i = sorted[k];
    const y = (i / width) | 0;
    const x = i - y * width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (sorted.length === 0) return { indices: sorted, bbox: { x0: 0, y0: 0, x1: 0, y1: 0 } };
  return { indices: sorted, bbox: { x0, y0, x1: x1 + 1, y1: y1 + 1 } };
}
