/**
 * Pectoral muscle search on a coarse, smoothed image whose chest wall is on the LEFT (callers mirror
 * right-sided breasts): on MLO views the muscle is a bright band in the upper chest-wall corner whose
 * edge runs as a nearly straight line from the top border down to the chest-wall border.
 */

/** The muscle's edge as the line x = intercept + slope · y (coarse pixels, chest wall on the left). */
export interface PectoralLine {
  readonly intercept: number;
  readonly slope: number;
}

/** Thresholds of the search, in coarse pixels and intensity units. */
export interface PectoralSearch {
  /** Step of the edge detector (half the distance between the compared pixels), px. */
  readonly stepPx: number;
  /** Least muscle-minus-tissue contrast (intensity units) that counts. */
  readonly minContrast: number;
  /** Least muscle width at the top border and least height along the chest wall, px. */
  readonly minSizePx: number;
  /** Inlier tolerance of the line fit, px. */
  readonly tolerancePx: number;
}

/**
 * Finds the pectoral edge: per row, the strongest bright-to-dark step inside the breast near the chest
 * wall; a line fitted to those steps by least squares with two rounds of outlier rejection; accepted
 * when it slopes towards the chest wall going down, cuts off a triangle of at least `minSizePx` each
 * way, is supported by most rows it spans, and the triangle is brighter than the tissue beside it by
 * `minContrast`.
 *
 * Parameters: `image` – coarse smoothed intensities `width` × `height`, chest wall at x = 0;
 * `breast` – coarse breast mask of the same layout; `search` – thresholds.
 * Returns: the edge line, or null when no muscle is found.
 */
export function findPectoralLine(
  image: Float32Array,
  breast: Uint8Array,
  width: number,
  height: number,
  search: PectoralSearch,
): PectoralLine | null {
  const s = Math.max(1, Math.round(search.stepPx));
  const ys: number[] = [];
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let extent = 0;
    while (extent < width && breast[base + extent] !== 0) extent++;
    const xMax = Math.min(extent - 1 - 2 * s, Math.floor(0.75 * extent));
    let best = 0;
    let bestX = -1;
    for (let x = s; x <= xMax; x++) {
      const drop = image[base + x - s] - image[base + x + s];
      if (drop > best) {
        best = drop;
        bestX = x;
      }
    }
    if (bestX >= 0 && best >= search.minContrast) {
      ys.push(y);
      xs.push(bestX);
    }
  }
  if (ys.length < 4) return null;
  let line = consensusLine(ys, xs, search.tolerancePx);
  for (let round = 0; round < 2 && line; round++) {
    const keep = ys.map(
      (y, i) => Math.abs(xs[i] - (line!.intercept + line!.slope * y)) <= search.tolerancePx,
    );
    line = fitLine(ys, xs, keep);
  }
  if (!line || !(line.slope < -0.05)) return null;
  const { intercept, slope } = line;
  const bottom = -intercept / slope;
  if (intercept < search.minSizePx || bottom < search.minSizePx) return null;
  const spanEnd = Math.min(height, Math.floor(bottom));
  let support = 0;
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] < spanEnd && Math.abs(xs[i] - (intercept + slope * ys[i])) <= search.tolerancePx) support++;
  }
  if (support < 0.5 * spanEnd) return null;
  // Contrast of the triangle against a band of tissue beside it, as wide as the tolerance × 3.
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  const band = 3 * search.tolerancePx;
  for (let y = 0; y < spanEnd; y++) {
    const edge = intercept + slope * y;
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (breast[base + x] === 0) continue;
      if (x < edge - search.tolerancePx) {
        inSum += image[base + x];
        inN++;
      } else if (x > edge + search.tolerancePx && x <= edge + search.tolerancePx + band) {
        outSum += image[base + x];
        outN++;
      }
    }
  }
  if (inN === 0 || outN === 0 || inSum / inN - outSum / outN < search.minContrast) return null;
  return line;
}

/**
 * The line through two of the points (from up to 64 evenly spread ones) that has the most points
 * within `tolerance` of it, among lines sloping towards the chest wall going down; null if none.
 */
function consensusLine(ys: number[], xs: number[], tolerance: number): PectoralLine | null {
  const step = Math.max(1, Math.floor(ys.length / 64));
  let best: PectoralLine | null = null;
  let bestSupport = 0;
  for (let i = 0; i < ys.length; i += step) {
    for (let j = i + step; j < ys.length; j += step) {
      if (ys[j] === ys[i]) continue;
      const slope = (xs[j] - xs[i]) / (ys[j] - ys[i]);
      if (!(slope < -0.05)) continue;
      const intercept = xs[i] - slope * ys[i];
      let support = 0;
      for (let k = 0; k < ys.length; k++) {
        if (Math.abs(xs[k] - (intercept + slope * ys[k])) <= tolerance) support++;
      }
      if (support > bestSupport) {
        bestSupport = support;
        best = { intercept, slope };
      }
    }
  }
  return best;
}

/** Least-squares line x = a + b·y through the kept points (all when `keep` is null); null if degenerate. */
function fitLine(ys: number[], xs: number[], keep: boolean[] | null): PectoralLine | null {
  let n = 0;
  let sy = 0;
  let sx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < ys.length; i++) {
    if (keep && !keep[i]) continue;
    n++;
    sy += ys[i];
    sx += xs[i];
    syy += ys[i] * ys[i];
    sxy += ys[i] * xs[i];
  }
  const det = n * syy - sy * sy;
  if (n < 4 || det <= 0) return null;
  const slope = (n * sxy - sy * sx) / det;
  return { intercept: (sx - slope * sy) / n, slope };
}
