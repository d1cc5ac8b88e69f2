import type { GrayImage, Point } from '@calcscope/imaging';
import { SegmentationError } from './errors';

/**
 * Checks that an image is usable: positive integer size, a data array of width × height values and a
 * positive finite pixel spacing.
 *
 * Parameters: `image` – the image to check.
 * Raises: SegmentationError `INVALID_IMAGE` for a bad size or data length, `INVALID_SPACING` for a
 * non-positive or non-finite spacing.
 */
export function assertValidImage(image: GrayImage): void {
  const { width, height, data, pixelSpacingMm } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SegmentationError(
      'INVALID_IMAGE',
      `image size must be positive integers, got ${width}×${height}`,
    );
  }
  if (!(data instanceof Float32Array) || data.length !== width * height) {
    throw new SegmentationError(
      'INVALID_IMAGE',
      `image data must be a Float32Array of ${width * height} values, got ${data?.length ?? 'none'}`,
    );
  }
  const { row, col } = pixelSpacingMm ?? { row: Number.NaN, col: Number.NaN };
  if (!(row > 0 && col > 0 && Number.isFinite(row) && Number.isFinite(col))) {
    throw new SegmentationError(
      'INVALID_SPACING',
      `pixel spacing must be positive and finite, got ${row}, ${col}`,
    );
  }
}

/**
 * Checks that a numeric option is finite and inside [min, max].
 *
 * Parameters: `name` – the option's name for the message; `value` – its value; `min`, `max` – bounds
 * (inclusive).
 * Returns: `value`, unchanged.
 * Raises: SegmentationError `INVALID_OPTION` when the value is not a finite number inside the bounds.
 */
export function checkedOption(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SegmentationError('INVALID_OPTION', `option ${name} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * Checks that a point lies inside an image.
 *
 * Parameters: `point` – pixel coordinates (x = column, y = row); `image` – the image it refers to.
 * Raises: SegmentationError `INVALID_POINT` when a coordinate is not finite or falls outside the image.
 */
export function assertPointInImage(point: Point, image: Pick<GrayImage, 'width' | 'height'>): void {
  const { x, y } = point;
  if (
    !Number.isFinite(x) ||
    !Number.isFinite(y) ||
    x < 0 ||
    y < 0 ||
    x > image.width - 1 ||
    y > image.height - 1
  ) {
    throw new SegmentationError(
      'INVALID_POINT',
      `point (${x}, ${y}) is outside the ${image.width}×${image.height} image`,
    );
  }
}
