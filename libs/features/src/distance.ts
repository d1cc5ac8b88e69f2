/**
 * Distances between pixel sets in mm (Euclidean, centre to centre, anisotropic pixels exact), computed on
 * row runs so no image-sized or window-sized map is built.
 */
import type { GrayImage, PixelSpacing } from '@calcscope/imaging';
import { FeatureError } from './errors';
import type { RowRuns } from './raster';

/**
 * Distance (mm) from a pixel centre (x, y) to the nearest pixel of a run-encoded region, when it is at most
 * `maxMm`; +∞ otherwise. Rows are visited outwards from row y and the walk stops once the row offset
 * alone exceeds the best distance found (or maxMm), so a query near the region costs a few rows.
 *
 * Parameters
 * ----------
 * runs : the region (regionRuns).
 * x, y : image column and row of the query pixel.
 * spacing : pixel spacing, mm.
 * maxMm : the largest distance of interest (≥ 0).
 */
export function distanceToRunsMm(
  runs: RowRuns,
  x: number,
  y: number,
  spacing: PixelSpacing,
  maxMm: number,
): number {
  const { row: sy, col: sx } = spacing;
  let best = Number.POSITIVE_INFINITY;
  let limit = maxMm;
  const r0 = y - runs.y0;
  for (let offset = 0; ; offset++) {
    const dy = offset * sy;
    if (dy > limit) break;
    if (r0 - offset < 0 && r0 + offset >= runs.rows) break;
    for (let side = 0; side < (offset === 0 ? 1 : 2); side++) {
      const r = side === 0 ? r0 - offset : r0 + offset;
      if (r < 0 || r >= runs.rows) continue;
      for (let k = runs.rowStart[r]; k < runs.rowStart[r + 1]; k++) {
        const gap = Math.max(0, runs.starts[k] - x, x - (runs.ends[k] - 1));
        const d = Math.hypot(gap * sx, dy);
        if (d < best) best = d;
      }
    }
    if (best < limit) limit = best;
  }
  return best <= maxMm ? best : Number.POSITIVE_INFINITY;
}

/** Sum and count of image values over a pixel set. */
export interface PixelSum {
  readonly sum: number;
  readonly count: number;
}

/**
 * Sum of the image values over every pixel within `radiusMm` of a region (centre to centre, Euclidean, in
 * mm; the region itself included), clipped to the image: the region dilated by a disk, computed on row
 * runs. Target row t is covered by the runs [a, b) of each source row s within reach, widened by
 * floor(sqrt(R² − ((t − s)·row spacing)²) / col spacing) columns on each side; the union is taken with a
 * difference array over the window's columns. O(rows × (reach × runs + window width)).
 *
 * Parameters
 * ----------
 * image : the image (data summed as stored).
 * runs : the region as row runs (regionRuns).
 * radiusMm : dilation radius, mm (≥ 0).
 *
 * Raises FeatureError INVALID_OPTION for a negative or non-finite radius.
 */
export function sumWithinDistance(image: GrayImage, runs: RowRuns, radiusMm: number): PixelSum {
  if (!(radiusMm >= 0) || !Number.isFinite(radiusMm)) {
    throw new FeatureError(
      'INVALID_OPTION',
      `dilation radius must be a finite number ≥ 0 mm, got ${radiusMm}`,
    );
  }
  const { row: sy, col: sx } = image.pixelSpacingMm;
  const { width, height, data } = image;
  const eps = 1e-9;
  const reach = Math.floor(radiusMm / sy + eps);
  const halfWidth = new Int32Array(reach + 1);
  for (let d = 0; d <= reach; d++) {
    halfWidth[d] = Math.floor(Math.sqrt(Math.max(0, radiusMm * radiusMm - (d * sy) ** 2)) / sx + eps);
  }
  const wx0 = Math.max(0, runs.x0 - halfWidth[0]);
  const wx1 = Math.min(width, runs.x1 + 1 + halfWidth[0]);
  const windowWidth = wx1 - wx0;
  const coverage = new Int32Array(windowWidth + 1);
  const tFirst = Math.max(0, runs.y0 - reach);
  const tLast = Math.min(height - 1, runs.y0 + runs.rows - 1 + reach);
  let sum = 0;
  let count = 0;
  for (let t = tFirst; t <= tLast; t++) {
    coverage.fill(0);
    const sFirst = Math.max(0, t - reach - runs.y0);
    const sLast = Math.min(runs.rows - 1, t + reach - runs.y0);
    let any = false;
    for (let s = sFirst; s <= sLast; s++) {
      const half = halfWidth[Math.abs(t - runs.y0 - s)];
      for (let k = runs.rowStart[s]; k < runs.rowStart[s + 1]; k++) {
        coverage[Math.max(0, runs.starts[k] - half - wx0)] += 1;
        coverage[Math.min(windowWidth, runs.ends[k] + half - wx0)] -= 1;
        any = true;
      }
    }
    if (!any) continue;
    const row = t * width + wx0;
    let depth = 0;
    for (let x = 0; x < windowWidth; x++) {
      depth += coverage[x];
      if (depth > 0) {
        sum += data[row + x];
        count++;
      }
    }
  }
  return { sum, count };
}
