/**
 * Gray-level co-occurrence matrices (GLCM) and the Haralick features to the IBSI / pyradiomics definitions.
 *
 * Conventions (see FEATURES.md):
 * - Quantisation: Ng equal-width bins over `range` (default: min..max of the masked values, i.e. the ROI's
 *   own range, so texture is independent of the ROI's brightness and contrast window); level(v) =
 *   floor((v − lo) / (hi − lo) · Ng) clamped to 0..Ng−1, reported 1-based (i = 1..Ng) as in IBSI. A flat
 *   ROI (hi = lo) is all level 1.
 * - Offsets: angle θ ∈ {0, 45, 90, 135, ...} degrees (multiples of 45) at distance d (Chebyshev, IBSI):
 *   (dx, dy) = d·(round(cos θ), round(sin θ)) with y pointing down the rows, as scikit-image.
 * - A pair counts only when BOTH pixels are in the mask. Symmetric: the matrix plus its transpose.
 * - Features are computed per angle on the normalised matrix and averaged over the angles that have at
 *   least one pair. Entropies use the natural log unless `logBase` says otherwise; 0·log 0 = 0.
 */
import { FeatureError } from './errors';

/** Default number of gray levels. */
export const GLCM_DEFAULT_LEVELS = 32;
/** Default pixel distance. */
export const GLCM_DEFAULT_DISTANCE = 1;
/** Default angles, degrees. */
export const GLCM_DEFAULT_ANGLES: readonly number[] = Object.freeze([0, 45, 90, 135]);
/** Largest accepted number of gray levels (the matrix has levels² cells per angle). */
export const GLCM_MAX_LEVELS = 4096;

export interface GlcmOptions {
  /** Number of gray levels Ng (default 32, 1..GLCM_MAX_LEVELS). */
  readonly levels?: number;
  /** Pixel distance d ≥ 1 (default 1). */
  readonly distance?: number;
  /** Angles in degrees, multiples of 45 (default [0, 45, 90, 135]). */
  readonly angles?: readonly number[];
  /** Count each pair in both directions (default true). */
  readonly symmetric?: boolean;
  /** Quantisation range [lo, hi] in value units (default: min and max of the masked values). */
  readonly range?: readonly [number, number];
}

export interface GlcmFeatureOptions extends GlcmOptions {
  /** Base of the logarithm of the entropies (default e: nats). */
  readonly logBase?: number;
}

/** The co-occurrence matrices of one ROI. */
export interface GlcmMatrices {
  readonly levels: number;
  readonly distance: number;
  readonly angles: readonly number[];
  readonly symmetric: boolean;
  /** The quantisation range actually used. */
  readonly range: readonly [number, number];
  /** Pixels in the mask. */
  readonly maskPixels: number;
  /**
   * Raw counts per angle, levels × levels row-major: cell (i−1)·Ng + (j−1) counts pairs whose reference
   * pixel has level i and whose neighbour (at the offset) has level j (plus the transpose if symmetric).
   */
  readonly matrices: readonly Float64Array[];
  /** Sum of each matrix (2 × pairs when symmetric). */
  readonly totals: readonly number[];
}

/** The GLCM features (IBSI names; see FEATURES.md for each formula). */
export interface GlcmFeatures {
  /** Σ p² (IBSI joint energy = angular second moment). */
  jointEnergy: number;
  /** HXY = −Σ p log p. */
  jointEntropy: number;
  /** Σ (i−j)² p. */
  contrast: number;
  /** Σ |i−j| p. */
  dissimilarity: number;
  /** Σ p / (1 + (i−j)²) (scikit-image; equal to the inverse difference moment by definition). */
  homogeneity: number;
  /** Σ (i−μx)(j−μy) p / (σx σy); 1 when σx σy = 0 (pyradiomics). */
  correlation: number;
  /** Σ k p_{x+y}(k), k = 2..2Ng. */
  sumAverage: number;
  /** Σ (k − sumAverage)² p_{x+y}(k). */
  sumVariance: number;
  /** −Σ p_{x+y} log p_{x+y}. */
  sumEntropy: number;
  /** Σ k p_{x−y}(k), k = 0..Ng−1. */
  differenceAverage: number;
  /** Σ (k − differenceAverage)² p_{x−y}(k). */
  differenceVariance: number;
  /** −Σ p_{x−y} log p_{x−y}. */
  differenceEntropy: number;
  /** Σ p_{x−y}(k) / (1 + k). */
  inverseDifference: number;
  /** Σ p_{x−y}(k) / (1 + k²). */
  inverseDifferenceMoment: number;
  /** (HXY − HXY1) / max(HX, HY); 0 when max(HX, HY) = 0. */
  imc1: number;
  /** sqrt(1 − exp(−2 (HXY2 − HXY))), exp taken in the log base. */
  imc2: number;
  /** HX + HY − HXY. */
  mutualInformation: number;
  /** −Σ p_x log p_x. */
  hx: number;
  /** −Σ p_y log p_y. */
  hy: number;
  /** max p. */
  maxProbability: number;
}

/** The feature names in a fixed order (for tables and CSV columns). */
export const GLCM_FEATURE_NAMES: readonly (keyof GlcmFeatures)[] = Object.freeze([
  'jointEnergy',
  'jointEntropy',
  'contrast',
  'dissimilarity',
  'homogeneity',
  'correlation',
  'sumAverage',
  'sumVariance',
  'sumEntropy',
  'differenceAverage',
  'differenceVariance',
  'differenceEntropy',
  'inverseDifference',
  'inverseDifferenceMoment',
  'imc1',
  'imc2',
  'mutualInformation',
  'hx',
  'hy',
  'maxProbability',
]);

/**
 * Counts the gray-level co-occurrence matrices of the masked pixels of an image, one per angle.
 *
 * Parameters
 * ----------
 * values : row-major intensities (any finite unit), width × height.
 * mask : row-major, nonzero = in the ROI; null = every pixel.
 * width, height : image size in pixels.
 * options : levels (32), distance (1), angles in degrees (0/45/90/135), symmetric (true), range (ROI min..max).
 *
 * Returns the raw count matrices and the parameters used. One pass per angle over the mask's bounding box;
 * no allocation per pixel.
 *
 * Raises FeatureError SIZE_MISMATCH (array sizes), INVALID_OPTION (levels, distance, angles, range),
 * EMPTY_MASK (no pixel in the mask).
 */
export function glcmMatrix(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  width: number,
  height: number,
  options: GlcmOptions = {},
): GlcmMatrices {
  const levels = options.levels ?? GLCM_DEFAULT_LEVELS;
  const distance = options.distance ?? GLCM_DEFAULT_DISTANCE;
  const angles = options.angles ?? GLCM_DEFAULT_ANGLES;
  const symmetric = options.symmetric ?? true;
  validateGlcmInput(values, mask, width, height, levels, distance, angles, options.range);

  // Bounding box and value range of the mask.
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let maskPixels = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask !== null && mask[row + x] === 0) continue;
      maskPixels++;
      const v = values[row + x];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (maskPixels === 0) throw new FeatureError('EMPTY_MASK', 'the GLCM mask has no pixel');
  if (options.range) [lo, hi] = options.range;

  // Quantised levels over the bounding box: 0 = outside the mask, 1..Ng inside.
  const boxWidth = x1 - x0 + 1;
  const boxHeight = y1 - y0 + 1;
  const quantised = new Uint16Array(boxWidth * boxHeight);
  const scale = hi > lo ? levels / (hi - lo) : 0;
  for (let y = 0; y < boxHeight; y++) {
    const src = (y + y0) * width + x0;
    const dst = y * boxWidth;
    for (let x = 0; x < boxWidth; x++) {
      if (mask !== null && mask[src + x] === 0) continue;
      let level = Math.floor((values[src + x] - lo) * scale);
      if (level < 0) level = 0;
      else if (level > levels - 1) level = levels - 1;
      quantised[dst + x] = level + 1;
    }
  }

  const matrices: Float64Array[] = [];
  const totals: number[] = [];
  for (const angle of angles) {
    const dx = distance * Math.round(Math.cos((angle * Math.PI) / 180));
    const dy = distance * Math.round(Math.sin((angle * Math.PI) / 180));
    const counts = countPairs(quantised, boxWidth, boxHeight, levels, dx, dy);
    let total = 0;
    if (symmetric) {
      for (let i = 0; i < levels; i++) {
        for (let j = i; j < levels; j++) {
          const both = counts[i * levels + j] + counts[j * levels + i];
          counts[i * levels + j] = both;
          counts[j * levels + i] = both;
          total += i === j ? both : 2 * both;
        }
      }
    } else {
      for (let k = 0; k < counts.length; k++) total += counts[k];
    }
    matrices.push(counts);
    totals.push(total);
  }
  return { levels, distance, angles: [...angles], symmetric, range: [lo, hi], maskPixels, matrices, totals };
}

/** Counts ordered pairs (reference at (x, y), neighbour at (x + dx, y + dy)) with both levels nonzero. */
function countPairs(
  quantised: Uint16Array,
  boxWidth: number,
  boxHeight: number,
  levels: number,
  dx: number,
  dy: number,
): Float64Array {
  const counts = new Float64Array(levels * levels);
  const xStart = Math.max(0, -dx);
  const xEnd = Math.min(boxWidth, boxWidth - dx);
  const yStart = Math.max(0, -dy);
  const yEnd = Math.min(boxHeight, boxHeight - dy);
  const offset = dy * boxWidth + dx;
  for (let y = yStart; y < yEnd; y++) {
    const row = y * boxWidth;
    for (let x = xStart; x < xEnd; x++) {
      const a = quantised[row + x];
      if (a === 0) continue;
      const b = quantised[row + x + offset];
      if (b === 0) continue;
      counts[(a - 1) * levels + (b - 1)] += 1;
    }
  }
  return counts;
}

function validateGlcmInput(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  width: number,
  height: number,
  levels: number,
  distance: number,
  angles: readonly number[],
  range: readonly [number, number] | undefined,
): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new FeatureError('SIZE_MISMATCH', `image size must be positive integers, got ${width} × ${height}`);
  }
  if (values.length !== width * height) {
    throw new FeatureError(
      'SIZE_MISMATCH',
      `values hold ${values.length} pixels, expected ${width} × ${height}`,
    );
  }
  if (mask !== null && mask.length !== width * height) {
    throw new FeatureError(
      'SIZE_MISMATCH',
      `mask holds ${mask.length} pixels, expected ${width} × ${height}`,
    );
  }
  if (!Number.isInteger(levels) || levels < 1 || levels > GLCM_MAX_LEVELS) {
    throw new FeatureError(
      'INVALID_OPTION',
      `levels must be an integer in 1..${GLCM_MAX_LEVELS}, got ${levels}`,
    );
  }
  if (!Number.isInteger(distance) || distance < 1) {
    throw new FeatureError('INVALID_OPTION', `distance must be a positive integer, got ${distance}`);
  }
  if (angles.length === 0) throw new FeatureError('INVALID_OPTION', 'angles must not be empty');
  for (const angle of angles) {
    if (!Number.isFinite(angle) || angle % 45 !== 0) {
      throw new FeatureError('INVALID_OPTION', `angles must be multiples of 45 degrees, got ${angle}`);
    }
  }
  if (range !== undefined) {
    const [lo, hi] = range;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
      throw new FeatureError('INVALID_OPTION', `range must be finite with lo ≤ hi, got [${lo}, ${hi}]`);
    }
  }
}

/**
 * The GLCM features of one co-occurrence matrix.
 *
 * Parameters
 * ----------
 * counts : levels × levels row-major counts (or probabilities); normalised here.
 * levels : Ng.
 * logBase : base of the entropies' logarithm (default e).
 *
 * Returns every feature of GlcmFeatures.
 *
 * Raises FeatureError NO_PAIRS when the matrix sums to 0, SIZE_MISMATCH when counts.length ≠ levels²,
 * INVALID_OPTION for a log base that is not finite and > 0, ≠ 1.
 */
export function glcmFeaturesFromMatrix(
  counts: ArrayLike<number>,
  levels: number,
  logBase = Math.E,
): GlcmFeatures {
  if (counts.length !== levels * levels) {
    throw new FeatureError('SIZE_MISMATCH', `matrix has ${counts.length} cells, expected ${levels}²`);
  }
  if (!(logBase > 0) || logBase === 1 || !Number.isFinite(logBase)) {
    throw new FeatureError('INVALID_OPTION', `logBase must be finite, > 0 and ≠ 1, got ${logBase}`);
  }
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  if (!(total > 0)) throw new FeatureError('NO_PAIRS', 'the co-occurrence matrix is empty');
  const lnBase = Math.log(logBase);
  const plogp = (p: number) => (p > 0 ? (p * Math.log(p)) / lnBase : 0);

  const px = new Float64Array(levels);
  const py = new Float64Array(levels);
  const pSum = new Float64Array(2 * levels + 1); // index k = i + j, 2..2Ng
  const pDiff = new Float64Array(levels); // index k = |i − j|
  let jointEnergy = 0;
  let hxy = 0;
  let contrast = 0;
  let dissimilarity = 0;
  let homogeneity = 0;
  let maxProbability = 0;
  for (let i = 1; i <= levels; i++) {
    for (let j = 1; j <= levels; j++) {
      const p = counts[(i - 1) * levels + (j - 1)] / total;
      if (p === 0) continue;
      const d = Math.abs(i - j);
      px[i - 1] += p;
      py[j - 1] += p;
      pSum[i + j] += p;
      pDiff[d] += p;
      jointEnergy += p * p;
      hxy -= plogp(p);
      contrast += d * d * p;
      dissimilarity += d * p;
      homogeneity += p / (1 + d * d);
      if (p > maxProbability) maxProbability = p;
    }
  }

  let muX = 0;
  let muY = 0;
  let hx = 0;
  let hy = 0;
  for (let i = 1; i <= levels; i++) {
    muX += i * px[i - 1];
    muY += i * py[i - 1];
    hx -= plogp(px[i - 1]);
    hy -= plogp(py[i - 1]);
  }
  let varX = 0;
  let varY = 0;
  for (let i = 1; i <= levels; i++) {
    varX += (i - muX) * (i - muX) * px[i - 1];
    varY += (i - muY) * (i - muY) * py[i - 1];
  }

  // Cross terms: correlation and HXY1/HXY2 need the marginals, so a second pass over the matrix.
  let covariance = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  for (let i = 1; i <= levels; i++) {
    const pi = px[i - 1];
    for (let j = 1; j <= levels; j++) {
      const pj = py[j - 1];
      const p = counts[(i - 1) * levels + (j - 1)] / total;
      const q = pi * pj;
      if (q > 0) {
        const logQ = Math.log(q) / lnBase;
        hxy1 -= p * logQ;
        hxy2 -= q * logQ;
      }
      if (p > 0) covariance += (i - muX) * (j - muY) * p;
    }
  }
  const sigmaProduct = Math.sqrt(varX * varY);
  const correlation = sigmaProduct > 0 ? covariance / sigmaProduct : 1;

  let sumAverage = 0;
  let sumEntropy = 0;
  for (let k = 2; k <= 2 * levels; k++) {
    sumAverage += k * pSum[k];
    sumEntropy -= plogp(pSum[k]);
  }
  let sumVariance = 0;
  for (let k = 2; k <= 2 * levels; k++) sumVariance += (k - sumAverage) * (k - sumAverage) * pSum[k];

  let differenceAverage = 0;
  let differenceEntropy = 0;
  let inverseDifference = 0;
  let inverseDifferenceMoment = 0;
  for (let k = 0; k < levels; k++) {
    differenceAverage += k * pDiff[k];
    differenceEntropy -= plogp(pDiff[k]);
    inverseDifference += pDiff[k] / (1 + k);
    inverseDifferenceMoment += pDiff[k] / (1 + k * k);
  }
  let differenceVariance = 0;
  for (let k = 0; k < levels; k++) {
    differenceVariance += (k - differenceAverage) * (k - differenceAverage) * pDiff[k];
  }

  const maxH = Math.max(hx, hy);
  const imc1 = maxH > 0 ? (hxy - hxy1) / maxH : 0;
  // exp in the log base: base^(−2 (HXY2 − HXY)); rounding can make the difference a hair negative.
  const imc2 = Math.sqrt(Math.max(0, 1 - logBase ** (-2 * Math.max(0, hxy2 - hxy))));

  return {
    jointEnergy,
    jointEntropy: hxy,
    contrast,
    dissimilarity,
    homogeneity,
    correlation,
    sumAverage,
    sumVariance,
    sumEntropy,
    differenceAverage,
    differenceVariance,
    differenceEntropy,
    inverseDifference,
    inverseDifferenceMoment,
    imc1,
    imc2,
    mutualInformation: hx + hy - hxy,
    hx,
    hy,
    maxProbability,
  };
}

/**
 * The GLCM features of the masked pixels of an image: computed per angle, then averaged over the angles
 * that have at least one pixel pair.
 *
 * Parameters
 * ----------
 * values, mask, width, height, options : as glcmMatrix; options.logBase (default e) for the entropies.
 *
 * Returns the averaged GlcmFeatures.
 *
 * Raises FeatureError as glcmMatrix, and NO_PAIRS when no angle has a pair (every masked pixel isolated).
 */
export function glcmFeatures(
  values: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  width: number,
  height: number,
  options: GlcmFeatureOptions = {},
): GlcmFeatures {
  const glcm = glcmMatrix(values, mask, width, height, options);
  return averageGlcmFeatures(glcm, options.logBase ?? Math.E);
}

/**
 * Averages the per-angle features of precomputed matrices (angles without pairs are skipped).
 *
 * Raises FeatureError NO_PAIRS when no matrix has a pair.
 */
export function averageGlcmFeatures(glcm: GlcmMatrices, logBase = Math.E): GlcmFeatures {
  const sum = Object.fromEntries(GLCM_FEATURE_NAMES.map((name) => [name, 0])) as unknown as GlcmFeatures;
  let used = 0;
  for (let a = 0; a < glcm.matrices.length; a++) {
    if (glcm.totals[a] === 0) continue;
    const features = glcmFeaturesFromMatrix(glcm.matrices[a], glcm.levels, logBase);
    for (const name of GLCM_FEATURE_NAMES) sum[name] += features[name];
    used++;
  }
  if (used === 0) {
    throw new FeatureError(
      'NO_PAIRS',
      `no pixel pair in the mask at distance ${glcm.distance} for any angle`,
    );
  }
  for (const name of GLCM_FEATURE_NAMES) sum[name] /= used;
  return sum;
}
