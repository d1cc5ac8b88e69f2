/**
 * Spiculation of a closed contour: how much the normalised radial length varies at scales finer than the
 * shape's lobes. Radial lengths r_i (mm) from the region centroid to the contour points are divided by
 * their mean, smoothed by a circular moving average over a window of SPICULATION_WINDOW_FRACTION of the
 * contour's points, and the spiculation is the RMS of what the smoothing removed. Scale-free (a shape
 * and its enlargement score the same), near 0 for disks and ellipses, large for spikes.
 */
import type { PixelSpacing, Point } from '@calcscope/imaging';

/**
 * Moving-average window as a fraction of the contour's length (points): 1/16 keeps up to about 8 lobes in
 * the smooth part, so lobulation stays out of the score and thin spicules stay in.
 */
export const SPICULATION_WINDOW_FRACTION = 1 / 16;

/**
 * Spiculation of a closed contour around a centre.
 *
 * Parameters
 * ----------
 * contour : boundary points in order around the shape (pixel coordinates; first point not repeated).
 * centre : the region's centroid, pixel coordinates.
 * spacing : pixel spacing, mm (radial lengths are measured in mm, so anisotropic pixels are handled).
 * windowFraction : moving-average window as a fraction of the number of points (default 1/16).
 *
 * Returns the RMS residual of the normalised radial length (dimensionless, ≥ 0); 0 for fewer than 3
 * points or a contour collapsed on the centre.
 */
export function contourSpiculation(
  contour: readonly Point[],
  centre: Point,
  spacing: PixelSpacing,
  windowFraction: number = SPICULATION_WINDOW_FRACTION,
): number {
  const n = contour.length;
  if (n < 3) return 0;
  const radii = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    radii[i] = Math.hypot((contour[i].x - centre.x) * spacing.col, (contour[i].y - centre.y) * spacing.row);
    mean += radii[i] / n;
  }
  if (!(mean > 0)) return 0;
  const half = Math.min(Math.max(1, Math.round((n * windowFraction) / 2)), Math.floor((n - 1) / 2));
  const window = 2 * half + 1;
  // Circular prefix sums: cumulative[i] = Σ radii[0..i−1].
  const cumulative = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cumulative[i + 1] = cumulative[i] + radii[i];
  const total = cumulative[n];
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const start = i - half;
    const end = i + half + 1; // exclusive
    let sum: number;
    if (start < 0) sum = cumulative[end] + (total - cumulative[n + start]);
    else if (end > n) sum = total - cumulative[start] + cumulative[end - n];
    else sum = cumulative[end] - cumulative[start];
    const residual = (radii[i] - sum / window) / mean;
    squares += residual * residual;
  }
  return Math.sqrt(squares / n);
}
