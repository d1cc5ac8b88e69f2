import type { GrayImage } from '@calcscope/imaging';
import { chamferDistance } from './binary-mask';
import { centreSurround, maskedIntegral } from './blob-response';
import { segmentBreast } from './breast-mask';
import { downsampleMean, sampleMaskWindow } from './downsample';
import { gaussianBlur } from './gaussian';
import { MASS_CLASSIFIER } from './mass-classifier';
import { massPlane } from './mass-outline';
import {
  checkMask,
  chooseMassOutline,
  completeMassOutline,
  type MassMeasurement,
  type MassSegmentationOptions,
  type MassShapeMeasures,
  resolveMassSettings,
} from './mass-segmentation';
import { medianAndMad } from './robust-stats';
import { factorFor } from './scale';
import type { MassSegmentation } from './types';
import { assertValidImage, checkedOption } from './validate';

/** Options of segmentMasses (candidate search), on top of MassSegmentationOptions. */
export interface MassDetectionOptions extends MassSegmentationOptions {
  /** Pixel spacing of the candidate search, mm. Default 0.5. */
  readonly coarseSpacingMm?: number;
  /** Least blob score (robust z of the centre-surround contrast at the best scale). Default 2. */
  readonly minScore?: number;
  /** Most candidates segmented, strongest first. Default 12. */
  readonly maxCandidates?: number;
  /**
   * Least edge ratio of an accepted mass (mean gradient along its boundary over the median gradient of
   * the surrounding tissue; see MassMeasurement.edgeRatio): a hard floor under the acceptance score.
   * Default 1.
   */
  readonly minEdgeRatio?: number;
  /**
   * Least acceptance score (log-odds of the mass classifier, see massAcceptanceScore) of an accepted
   * mass. Default: the operating point chosen when the classifier was trained
   * (MASS_CLASSIFIER.threshold).
   */
  readonly minAcceptanceScore?: number;
}

/** One blob found by the multi-scale search: coarse position, radius and score. */
export interface MassCandidate {
  /** Full-resolution pixel coordinates of the blob centre. */
  readonly x: number;
  readonly y: number;
  readonly radiusMm: number;
  readonly score: number;
}

/**
 * Finds and segments masses automatically.
 *
 * Candidates (findMassCandidates): a multi-scale centre-surround search on a `coarseSpacingMm` copy,
 * the `maxCandidates` strongest. Each is delineated (chooseMassOutline: the polar outline of steepest
 * outward fall that best separates inside from surround, searched from the candidate at several
 * scales and from a level-set draft) and scored by the mass classifier (massAcceptanceScore: edge
 * ratio, edge closure, contrast, diameter, rank); those with contrast ≥ `minContrast`, edge ratio ≥
 * `minEdgeRatio` and score ≥ `minAcceptanceScore` get their full-resolution mask
 * (completeMassOutline). A mass has a margin and contrast, a blob of glandular texture mostly has
 * not. A candidate whose centre falls inside an already accepted mass is skipped.
 *
 * Parameters: `image` – the mammogram; `options` – see MassDetectionOptions and MassSegmentationOptions.
 * Returns: the masses, strongest candidate first.
 * Raises: SegmentationError `INVALID_IMAGE`/`INVALID_SPACING`, `INVALID_OPTION`, `MASK_MISMATCH`.
 */
export function segmentMasses(image: GrayImage, options: MassDetectionOptions = {}): MassSegmentation[] {
  return detectMasses(image, options).map(({ region, contour, centroid }) => ({ region, contour, centroid }));
}

/**
 * segmentMasses with each mass's measurements (for evaluation and tuning).
 *
 * Parameters and raises: as segmentMasses.
 * Returns: MassMeasurement[] (a MassSegmentation with contrast, diameter, edge ratio and closure).
 */
export function detectMasses(image: GrayImage, options: MassDetectionOptions = {}): MassMeasurement[] {
  assertValidImage(image);
  const settings = resolveMassSettings(options);
  const breast = options.breast ?? segmentBreast(image);
  checkMask(image, breast);
  const minEdgeRatio = checkedOption('minEdgeRatio', options.minEdgeRatio ?? 1, 0, 1e6);
  const minAcceptance = checkedOption(
    'minAcceptanceScore',
    options.minAcceptanceScore ?? MASS_CLASSIFIER.threshold,
    -1e6,
    1e6,
  );
  // The candidates are ranked by blob score over the whole breast, so however large the breast, the
  // few strongest blobs are the ones worth delineating.
  const candidates = findMassCandidates(image, { ...options, breast });
  const plane = massPlane(image, breast);
  const masses: MassMeasurement[] = [];
  // Pixels of accepted masses: a candidate centred on one, or delineated into one, is the same mass.
  const claimed = new Uint8Array(image.width * image.height);
  for (const [rank, candidate] of candidates.entries()) {
    const centre = Math.round(candidate.y) * image.width + Math.round(candidate.x);
    if (claimed[centre] !== 0) continue;
    const choice = chooseMassOutline(plane, candidate, candidate.radiusMm, settings);
    if (!choice) continue;
    const measures = choice.measures;
    if (measures.contrast < settings.minContrast || measures.edgeRatio < minEdgeRatio) continue;
    if (massAcceptanceScore(massFeatures(measures, rank)) < minAcceptance) continue;
    const mass = completeMassOutline(image, plane, breast, choice, settings);
    if (!mass) continue;
    const c = Math.round(mass.centroid.y) * image.width + Math.round(mass.centroid.x);
    if (claimed[c] !== 0 || masses.some((m) => containsPixel(m, centre))) continue;
    masses.push(mass);
    for (const i of mass.region.indices) claimed[i] = 1;
  }
  return masses;
}

/** True when the mass's region contains linear pixel index `index` (binary search). */
function containsPixel(mass: MassSegmentation, index: number): boolean {
  const a = mass.region.indices;
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === index) return true;
    if (a[mid] < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Multi-scale blob search for mass candidates.
 *
 * On a block-mean copy at `coarseSpacingMm`, smoothed by σ = 1 mm, for radii r from minDiameterMm/2 to
 * maxDiameterMm/2 in steps of √2: the centre-surround contrast (mean of the square of equal area to a
 * disk of radius r, minus the mean of the frame out to 1.6 times its half-size; breast pixels only).
 * Each scale's contrast is turned into a robust z-score (median, 1.4826·MAD over the breast); a
 * pixel's score is its best z over the scales. Candidates are local maxima (3×3) of the score, at
 * least r from the skin line, with score ≥ `minScore`, thinned so that no two lie within the larger
 * radius of each other, strongest first, at most `maxCandidates`.
 *
 * Parameters: `image`; `options` – see MassDetectionOptions (`breast` is computed when absent).
 * Returns: the candidates, strongest first.
 */
export function findMassCandidates(image: GrayImage, options: MassDetectionOptions = {}): MassCandidate[] {
  const settings = resolveMassSettings(options);
  const coarseMm = checkedOption('coarseSpacingMm', options.coarseSpacingMm ?? 0.5, 0.05, 5);
  const minScore = checkedOption('minScore', options.minScore ?? 2, 0, 1e6);
  const maxCandidates = checkedOption('maxCandidates', options.maxCandidates ?? 12, 0, 1e4);
  const breast = options.breast ?? segmentBreast(image);
  const fx = factorFor(image.pixelSpacingMm.col, coarseMm);
  const fy = factorFor(image.pixelSpacingMm.row, coarseMm);
  const dx = image.pixelSpacingMm.col * fx;
  const dy = image.pixelSpacingMm.row * fy;
  const d = (dx + dy) / 2;
  const coarse = downsampleMean(image.data, image.width, image.height, fx, fy);
  const w = coarse.width;
  const h = coarse.height;
  const tissue = sampleMaskWindow(breast.mask, image.width, 0, 0, image.width, image.height, fx, fy);
  const smooth = gaussianBlur(coarse.data, w, h, 1 / dx, 1 / dy);
  const table = maskedIntegral(smooth, tissue, w, h);
  const depth = chamferDistance(tissue, w, h, dx, dy, true);

  const score = new Float32Array(w * h).fill(Number.NEGATIVE_INFINITY);
  const bestRadius = new Float32Array(w * h);
  const response = new Float32Array(w * h);
  const sample = new Float32Array(w * h);
  const rMin = settings.minDiameterMm / 2;
  const rMax = settings.maxDiameterMm / 2;
  for (let r = rMin; r <= rMax * 1.0001; r *= Math.SQRT2) {
    const half = Math.max(1, Math.round((0.886 * r) / d));
    const outer = Math.round(1.6 * half) + 1;
    let n = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        if (tissue[p] === 0) {
          response[p] = Number.NaN;
          continue;
        }
        const v = centreSurround(table, x, y, half, outer, 0.5);
        response[p] = v;
        if (!Number.isNaN(v)) sample[n++] = v;
      }
    }
    if (n < 16) continue;
    const { median, sigma } = medianAndMad(sample, n);
    if (!(sigma > 0)) continue;
    for (let p = 0; p < w * h; p++) {
      const v = response[p];
      if (Number.isNaN(v) || depth[p] < r) continue;
      const z = (v - median) / sigma;
      if (z > score[p]) {
        score[p] = z;
        bestRadius[p] = r;
      }
    }
  }

  const peaks: MassCandidate[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const s = score[p];
      if (!(s >= minScore)) continue;
      let isMax = true;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1) && isMax; yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const q = yy * w + xx;
          if (score[q] > s || (score[q] === s && q < p)) {
            isMax = false;
            break;
          }
        }
      }
      if (!isMax) continue;
      peaks.push({ x: (x + 0.5) * fx - 0.5, y: (y + 0.5) * fy - 0.5, radiusMm: bestRadius[p], score: s });
    }
  }
  peaks.sort((a, b) => b.score - a.score);
  const kept: MassCandidate[] = [];
  const { col, row } = image.pixelSpacingMm;
  for (const peak of peaks) {
    if (kept.length >= maxCandidates) break;
    const near = kept.some(
      (k) => Math.hypot((k.x - peak.x) * col, (k.y - peak.y) * row) < Math.max(k.radiusMm, peak.radiusMm),
    );
    if (!near) kept.push(peak);
  }
  return kept;
}

/**
 * The features the mass classifier reads, in MASS_CLASSIFIER.featureNames order: ln of the edge ratio,
 * ln of the edge closure (floored at 0.05), the contrast (intensity units), ln of the equivalent
 * diameter (mm) and the candidate's rank (0 = strongest blob).
 *
 * Parameters: `mass` – a delineation's measurements (chooseMassOutline); `rank` – the candidate's place
 * among the candidates (findMassCandidates).
 * Returns: the feature vector.
 */
export function massFeatures(mass: MassShapeMeasures, rank: number): number[] {
  return [
    Math.log(Math.max(mass.edgeRatio, 1e-3)),
    Math.log(Math.max(mass.edgeClosure, 0.05)),
    mass.contrast,
    Math.log(mass.diameterMm),
    rank,
  ];
}

/**
 * Log-odds that a segmented candidate is a mass, by the logistic model in MASS_CLASSIFIER (trained by
 * scripts/train-mass-classifier.cjs on phantom seeds disjoint from the evaluation seeds): a texture
 * blob has a weak, broken margin, little contrast and is often small. Each feature is first clamped to
 * the range seen in training, so a linear model is never extrapolated (a perfectly sharp synthetic disk
 * is scored like the sharpest training mass, not beyond it).
 *
 * Parameters: `features` – massFeatures().
 * Returns: bias + Σ weight · (clamped feature − mean) / scale.
 */
export function massAcceptanceScore(features: readonly number[]): number {
  const { mean, scale, weights, bias, min, max } = MASS_CLASSIFIER;
  let logOdds = bias;
  for (let i = 0; i < weights.length; i++) {
    const v = Math.min(max[i], Math.max(min[i], features[i]));
    logOdds += (weights[i] * (v - mean[i])) / scale[i];
  }
  return logOdds;
}
