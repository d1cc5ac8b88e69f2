/**
 * Shape measurements of a pixel region in physical units (mm), shared by the MC and the mass features.
 *
 * Estimators (why these: FEATURES.md):
 * - area: pixel count × pixel area.
 * - perimeter: Cauchy–Crofton with 8 lattice directions (1,0) (2,1) (1,1) (1,2) (0,1) (−1,2) (−1,1)
 *   (−2,1): P = ½ Σ_d w_d · N_d · s_d, where N_d counts region/background transitions between pixels
 *   p and p + d, s_d = (row spacing × col spacing) / |d in mm| is the spacing of the lattice lines of
 *   direction d, and w_d (Σ w_d = π) is the angular interval of d among the 8 directions measured in mm.
 *   Unbiased for smooth curves (a digital disk of radius ≥ 5 px within 1.5 %), resolution-consistent and
 *   exactly invariant under 90° rotations and flips; axis-aligned straight edges come out about 1.4 % short.
 * - convex hull: the digital convex hull, i.e. every pixel whose centre lies in the convex hull of the
 *   region's pixel centres. Its pixel count gives the hull area, the same Crofton estimator its
 *   perimeter, so a digitally convex region (a digital disk, a rectangle) has solidity and convexity
 *   exactly 1.
 * - axes: eigenvalues λ1 ≥ λ2 of the covariance of the region with each pixel a uniform square (the
 *   centres' covariance + spacing²/12 per axis, so a single pixel is round, not degenerate); the axes of
 *   the ellipse with the same second moments are 4√λ1 and 4√λ2.
 */
import type { GrayImage, PixelSpacing, Point, Region } from '@calcscope/imaging';
import { convexHull } from './hull';
import { type RowRuns, regionRuns } from './raster';

/** Shape measurements of one region. Lengths in mm, areas in mm². */
export interface RegionShape {
  readonly pixelCount: number;
  readonly areaMm2: number;
  readonly perimeterMm: number;
  /** 2·sqrt(area/π). */
  readonly equivalentDiameterMm: number;
  /** min(1, 4π·area/perimeter²): values above 1 are digitisation error of regions of a few pixels. */
  readonly circularity: number;
  /** Pixels of the digital convex hull. */
  readonly convexHullPixelCount: number;
  readonly convexHullAreaMm2: number;
  readonly convexHullPerimeterMm: number;
  /** area / convex hull area, in (0, 1]. */
  readonly solidity: number;
  /** min(1, convex hull perimeter / perimeter). */
  readonly convexity: number;
  /** Full axes of the ellipse with the same second moments. */
  readonly majorAxisMm: number;
  readonly minorAxisMm: number;
  /** major / minor ≥ 1. */
  readonly axisRatio: number;
  /** 1 − minor / major, in [0, 1). */
  readonly elongation: number;
  /** Mean of the pixel centres, image pixel coordinates. */
  readonly centroid: Point;
}

/**
 * Shape measurements of a region of an image.
 *
 * Parameters
 * ----------
 * region : the pixels (linear indices of `image`).
 * image : width, height and pixel spacing (mm) of the image the region belongs to.
 *
 * Returns RegionShape (mm, mm², ratios). Works on the region's row runs: O(pixels) to build them, then
 * O(runs) per measurement.
 *
 * Raises FeatureError EMPTY_REGION, REGION_OUT_OF_BOUNDS.
 */
export function regionShape(
  region: Region,
  image: Pick<GrayImage, 'width' | 'height' | 'pixelSpacingMm'>,
): RegionShape {
  return runsShape(regionRuns(region, image), image);
}

/** regionShape of a region already in row runs (see regionRuns). */
export function runsShape(runs: RowRuns, image: Pick<GrayImage, 'pixelSpacingMm'>): RegionShape {
  const { pixelCount } = runs;
  const { row: sy, col: sx } = image.pixelSpacingMm;
  const pixelArea = sx * sy;

  // Second moments from the runs, in coordinates relative to the bounding box (exact integer sums).
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumYY = 0;
  let sumXY = 0;
  for (let r = 0; r < runs.rows; r++) {
    for (let k = runs.rowStart[r]; k < runs.rowStart[r + 1]; k++) {
      const a = runs.starts[k] - runs.x0;
      const b = runs.ends[k] - runs.x0 - 1;
      const length = b - a + 1;
      const xs = ((a + b) * length) / 2;
      sumX += xs;
      sumXX += squareSum(b) - squareSum(a - 1);
      sumY += r * length;
      sumYY += r * r * length;
      sumXY += r * xs;
    }
  }
  const meanX = sumX / pixelCount;
  const meanY = sumY / pixelCount;
  const varX = (sumXX / pixelCount - meanX * meanX + 1 / 12) * sx * sx;
  const varY = (sumYY / pixelCount - meanY * meanY + 1 / 12) * sy * sy;
  const covXY = (sumXY / pixelCount - meanX * meanY) * sx * sy;
  const half = (varX + varY) / 2;
  const spread = Math.sqrt(((varX - varY) / 2) ** 2 + covXY * covXY);
  const lambda1 = half + spread;
  const lambda2 = Math.max(half - spread, Number.MIN_VALUE);

  const hull = digitalConvexHull(runs);
  const weights = croftonWeights(image.pixelSpacingMm);
  const perimeterMm = croftonPerimeter(runs, weights);
  const convexHullPerimeterMm = croftonPerimeter(hull, weights);
  const areaMm2 = pixelCount * pixelArea;
  const majorAxisMm = 4 * Math.sqrt(lambda1);
  const minorAxisMm = 4 * Math.sqrt(lambda2);
  return {
    pixelCount,
    areaMm2,
    perimeterMm,
    equivalentDiameterMm: 2 * Math.sqrt(areaMm2 / Math.PI),
    circularity: Math.min(1, (4 * Math.PI * areaMm2) / (perimeterMm * perimeterMm)),
    convexHullPixelCount: hull.pixelCount,
    convexHullAreaMm2: hull.pixelCount * pixelArea,
    convexHullPerimeterMm,
    solidity: pixelCount / hull.pixelCount,
    convexity: Math.min(1, convexHullPerimeterMm / perimeterMm),
    majorAxisMm,
    minorAxisMm,
    axisRatio: majorAxisMm / minorAxisMm,
    elongation: 1 - minorAxisMm / majorAxisMm,
    centroid: { x: meanX + runs.x0, y: meanY + runs.y0 },
  };
}

/** 0² + 1² + … + n² (0 for n < 0). */
function squareSum(n: number): number {
  return n < 0 ? 0 : (n * (n + 1) * (2 * n + 1)) / 6;
}

/**
 * The digital convex hull as runs: every pixel whose centre lies in the convex hull of the region's pixel
 * centres (within 1e−9 px). That hull is the hull of each row's leftmost and rightmost pixel, and it meets
 * every row in one interval, so the result has one run per row.
 */
function digitalConvexHull(runs: RowRuns): RowRuns {
  const { rows, rowStart, starts, ends } = runs;
  let n = 0;
  for (let r = 0; r < rows; r++) if (rowStart[r + 1] > rowStart[r]) n += 2;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  n = 0;
  for (let r = 0; r < rows; r++) {
    if (rowStart[r + 1] === rowStart[r]) continue;
    xs[n] = starts[rowStart[r]];
    ys[n++] = r;
    xs[n] = ends[rowStart[r + 1] - 1] - 1;
    ys[n++] = r;
  }
  const hull = convexHull(xs, ys);
  const m = hull.xs.length;
  const eps = 1e-9;
  const hullStarts = new Int32Array(rows);
  const hullEnds = new Int32Array(rows);
  const hullRowStart = new Int32Array(rows + 1);
  let pixelCount = 0;
  for (let r = 0; r < rows; r++) {
    // Where the row's line meets the hull: vertices on the row and crossings of the non-horizontal edges.
    let left = Number.POSITIVE_INFINITY;
    let right = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < m; k++) {
      const ax = hull.xs[k];
      const ay = hull.ys[k];
      if (ay === r) {
        if (ax < left) left = ax;
        if (ax > right) right = ax;
      }
      const next = k + 1 === m ? 0 : k + 1;
      const by = hull.ys[next];
      if (ay === by || r < Math.min(ay, by) || r > Math.max(ay, by)) continue;
      const x = ax + ((r - ay) * (hull.xs[next] - ax)) / (by - ay);
      if (x < left) left = x;
      if (x > right) right = x;
    }
    let start = Math.ceil(left - eps);
    let end = Math.floor(right + eps) + 1;
    if (rowStart[r + 1] > rowStart[r]) {
      // Never smaller than the row's own pixels, whatever the rounding.
      start = Math.min(start, starts[rowStart[r]]);
      end = Math.max(end, ends[rowStart[r + 1] - 1]);
    }
    hullStarts[r] = start;
    hullEnds[r] = end;
    hullRowStart[r + 1] = r + 1;
    pixelCount += end - start;
  }
  return {
    y0: runs.y0,
    rows,
    rowStart: hullRowStart,
    starts: hullStarts,
    ends: hullEnds,
    pixelCount,
    x0: runs.x0,
    x1: runs.x1,
  };
}

/** Per-direction lattice offsets and factors ½ · w_d · s_d of the 8-direction Crofton estimator. */
export interface CroftonWeights {
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly factor: Float64Array;
}

/** The 8 lattice directions, all with dy ≥ 0. */
const CROFTON_DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 1],
  [1, 1],
  [1, 2],
  [0, 1],
  [-1, 2],
  [-1, 1],
  [-2, 1],
];

let cachedSpacing: PixelSpacing | null = null;
let cachedWeights: CroftonWeights | null = null;

/**
 * The Crofton factors for a pixel spacing: each direction's angle is measured in mm, its weight w_d is
 * half the angular gap to its two neighbours (cyclic over [0, π), so Σ w_d = π), and its line spacing is
 * s_d = (row × col spacing) / |d in mm|. The last result is cached (images have one spacing).
 */
export function croftonWeights(spacing: PixelSpacing): CroftonWeights {
  if (
    cachedWeights &&
    cachedSpacing &&
    cachedSpacing.row === spacing.row &&
    cachedSpacing.col === spacing.col
  ) {
    return cachedWeights;
  }
  const n = CROFTON_DIRECTIONS.length;
  const dx = new Int32Array(n);
  const dy = new Int32Array(n);
  const angles = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    [dx[k], dy[k]] = CROFTON_DIRECTIONS[k];
    angles[k] = Math.atan2(dy[k] * spacing.row, dx[k] * spacing.col); // in [0, π): dy ≥ 0
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => angles[a] - angles[b]);
  const factor = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const k = order[r];
    const previous = r === 0 ? angles[order[n - 1]] - Math.PI : angles[order[r - 1]];
    const next = r === n - 1 ? angles[order[0]] + Math.PI : angles[order[r + 1]];
    const weight = (next - previous) / 2;
    const lineSpacing = (spacing.row * spacing.col) / Math.hypot(dx[k] * spacing.col, dy[k] * spacing.row);
    factor[k] = 0.5 * weight * lineSpacing;
  }
  cachedSpacing = { row: spacing.row, col: spacing.col };
  cachedWeights = { dx, dy, factor };
  return cachedWeights;
}

/**
 * Crofton perimeter (mm) of a run-encoded pixel set. Along direction d the number of set/unset
 * transitions is N_d = 2 (n − C_d), where C_d counts the set pixels p whose p + d is set too: the overlap
 * of each row's runs with the next-by-dy row's runs shifted by −dx.
 */
export function croftonPerimeter(runs: RowRuns, weights: CroftonWeights): number {
  const { rows, rowStart, starts, ends, pixelCount } = runs;
  let perimeter = 0;
  for (let k = 0; k < weights.dx.length; k++) {
    const dx = weights.dx[k];
    const dy = weights.dy[k];
    let pairs = 0;
    for (let r = 0; r + dy < rows; r++) {
      // Merge the runs of row r with those of row r + dy moved left by dx.
      let i = rowStart[r];
      const iEnd = rowStart[r + 1];
      let j = rowStart[r + dy];
      const jEnd = rowStart[r + dy + 1];
      while (i < iEnd && j < jEnd) {
        const a0 = starts[i];
        const a1 = ends[i];
        const b0 = starts[j] - dx;
        const b1 = ends[j] - dx;
        const overlap = Math.min(a1, b1) - Math.max(a0, b0);
        if (overlap > 0) pairs += overlap;
        if (a1 < b1) i++;
        else j++;
      }
    }
    perimeter += weights.factor[k] * 2 * (pixelCount - pairs);
  }
  return perimeter;
}
