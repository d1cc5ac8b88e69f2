import type { GrayImage, Point } from '@calcscope/imaging';
import { SegmentationError } from './errors';
import { assertValidImage, checkedOption } from './validate';

/**
 * A square region of interest of `sizeMm` × `sizeMm` centred on a point, resampled bilinearly to
 * `outSize` × `outSize` samples (the input of the DCIS/IDC CNN).
 *
 * Output sample (i, j) (column i, row j) sits at image position
 * x = centre.x + ((i + 0.5) / outSize − 0.5) · sizeMm / colSpacing, and likewise for y with the row
 * spacing, so the ROI covers the same physical area whatever the pixel spacing. Pixels beyond the
 * image count as 0 (zero padding), so samples near or past the border fade to 0.
 *
 * Parameters: `image` – the mammogram; `centre` – ROI centre in pixel coordinates (may be anywhere,
 * even outside); `sizeMm` – side of the square, mm (> 0); `outSize` – samples per side (integer ≥ 1).
 * Returns: Float32Array of outSize × outSize values, row-major.
 * Raises: SegmentationError `INVALID_IMAGE`/`INVALID_SPACING` for a malformed image, `INVALID_OPTION`
 * for a bad size, `INVALID_POINT` for a non-finite centre.
 */
export function extractRoi(image: GrayImage, centre: Point, sizeMm: number, outSize: number): Float32Array {
  assertValidImage(image);
  checkedOption('sizeMm', sizeMm, Number.MIN_VALUE, 1e6);
  if (!Number.isInteger(outSize) || outSize < 1) {
    throw new SegmentationError('INVALID_OPTION', `outSize must be a positive integer, got ${outSize}`);
  }
  if (!Number.isFinite(centre.x) || !Number.isFinite(centre.y)) {
    throw new SegmentationError('INVALID_POINT', `ROI centre must be finite, got (${centre.x}, ${centre.y})`);
  }
  const { width, height, data } = image;
  const stepX = sizeMm / image.pixelSpacingMm.col / outSize;
  const stepY = sizeMm / image.pixelSpacingMm.row / outSize;
  const out = new Float32Array(outSize * outSize);
  for (let j = 0; j < outSize; j++) {
    const y = centre.y + (j + 0.5 - outSize / 2) * stepY;
    const y0 = Math.floor(y);
    const fy = y - y0;
    const row0 = y0 >= 0 && y0 < height;
    const row1 = y0 + 1 >= 0 && y0 + 1 < height;
    for (let i = 0; i < outSize; i++) {
      const x = centre.x + (i + 0.5 - outSize / 2) * stepX;
      const x0 = Math.floor(x);
      const fx = x - x0;
      const col0 = x0 >= 0 && x0 < width;
      const col1 = x0 + 1 >= 0 && x0 + 1 < width;
      const v00 = row0 && col0 ? data[y0 * width + x0] : 0;
      const v01 = row0 && col1 ? data[y0 * width + x0 + 1] : 0;
      const v10 = row1 && col0 ? data[(y0 + 1) * width + x0] : 0;
      const v11 = row1 && col1 ? data[(y0 + 1) * width + x0 + 1] : 0;
      const top = v00 + fx * (v01 - v00);
      const bottom = v10 + fx * (v11 - v10);
      out[j * outSize + i] = top + fy * (bottom - top);
    }
  }
  return out;
}
