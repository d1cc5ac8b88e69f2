/**
 * The 26 mass features (schema MASS_FEATURES): shape from the mask, intensity inside it and in a ring
 * around it, spiculation from the contour, and GLCM texture of the masked pixels. FEATURES.md gives every
 * formula.
 */
import type { GrayImage, Point, Region } from '@calcscope/imaging';
import { meanSpacingMm } from '@calcscope/imaging';
import { sumWithinDistance } from './distance';
import { FeatureError } from './errors';
import { type GlcmFeatures, glcmFeatures, glcmFeaturesFromMatrix } from './glcm';
import { type RowRuns, regionRuns } from './raster';
import { MASS_FEATURES, recordToFeatureVector } from './schema';
import { runsShape } from './shape';
import { contourSpiculation } from './spiculation';

/** Width (mm) of the ring of background around the mask for gray relativity and volume ratio. */
export const MASS_RING_WIDTH_MM = 2;
/** Gray levels of the mass GLCM (quantised over the mass's own intensity range). */
export const MASS_GLCM_LEVELS = 32;
/**
 * GLCM pixel distance in mm: the pixel distance is max(1, round(MASS_GLCM_DISTANCE_MM / mean spacing)),
 * so 1 px at Wang 2016's 0.1 mm pitch and at 0.07 mm, 2 px at 0.05 mm.
 */
export const MASS_GLCM_DISTANCE_MM = 0.1;
/** Floor of the ring mean in gray relativity (1 gray level of 255), so a black surround cannot divide by 0. */
export const GRAY_RELATIVITY_FLOOR = 1 / 255;

/** What massFeatures needs of a mass (MassSegmentation fits). */
export interface MassInput {
  readonly region: Region;
  /** Closed outer boundary, pixel coordinates in order (first point not repeated). */
  readonly contour: readonly Point[];
}

/**
 * The 26 features of one mass, in MASS_FEATURES order.
 *
 * Parameters
 * ----------
 * image : the decoded image (intensities in [0, 1], pixel spacing in mm).
 * mass : its mask (region) and its contour.
 *
 * Returns a Float64Array(26): areas mm², lengths mm, gray values in 8-bit levels (data × 255), entropies in
 * nats, the rest dimensionless or in GLCM levels (see MASS_FEATURES units).
 *
 * Raises FeatureError EMPTY_REGION, REGION_OUT_OF_BOUNDS.
 */
export function massFeatures(image: GrayImage, mass: MassInput): Float64Array {
  const runs = regionRuns(mass.region, image);
  const shape = runsShape(runs, image);
  const intensity = runsIntensity(image, runs, MASS_RING_WIDTH_MM);
  const texture = runsTexture(image, runs);
  return recordToFeatureVector(MASS_FEATURES, {
    massArea: shape.areaMm2,
    massPerimeter: shape.perimeterMm,
    massCircularity: shape.circularity,
    massSolidity: shape.solidity,
    massConvexity: shape.convexity,
    massElongation: shape.elongation,
    massAxisRatio: shape.axisRatio,
    massSpiculation: contourSpiculation(mass.contour, shape.centroid, image.pixelSpacingMm),
    massHeterogeneity: intensity.heterogeneity,
    massVolumeRatio: intensity.volumeRatio,
    massMeanGray: intensity.mean * 255,
    massMaxGray: intensity.max * 255,
    massGrayRelativity: intensity.grayRelativity,
    massGlcmEntropy: texture.jointEntropy,
    massGlcmInverseDifferenceMoment: texture.inverseDifferenceMoment,
    massGlcmDifferenceEntropy: texture.differenceEntropy,
    massGlcmCorrelation: texture.correlation,
    massGlcmDifferenceVariance: texture.differenceVariance,
    massGlcmSumAverage: texture.sumAverage,
    massGlcmSumVariance: texture.sumVariance,
    massGlcmEnergy: texture.jointEnergy,
    massGlcmMutualInformation: texture.mutualInformation,
    massGlcmContrast: texture.contrast,
    massGlcmSumEntropy: texture.sumEntropy,
    massGlcmImc1: texture.imc1,
    massGlcmImc2: texture.imc2,
  });
}

/** Intensity statistics of a mass against its surrounding ring (data units, [0, 1]). */
export interface MassIntensity {
  readonly mean: number;
  readonly max: number;
  /** Population σ / μ inside the mask (0 when μ = 0). */
  readonly heterogeneity: number;
  /** Mean of the ring pixels: outside the mask, within MASS_RING_WIDTH_MM of it; NaN when the ring is empty. */
  readonly ringMean: number;
  /** mean / max(ringMean, GRAY_RELATIVITY_FLOOR); 1 when the ring is empty (mask fills its surroundings). */
  readonly grayRelativity: number;
  /** Σ (I − ringMean)⁺ / (N · (max − ringMean)); 0 when max ≤ ringMean, computed against 0 when the ring is empty. */
  readonly volumeRatio: number;
}

/**
 * Intensity statistics of a mass region and of the ring of background around it.
 *
 * Parameters
 * ----------
 * image : the image; region : the mass mask; ringWidthMm : ring width (default MASS_RING_WIDTH_MM).
 *
 * Raises FeatureError EMPTY_REGION, REGION_OUT_OF_BOUNDS, INVALID_OPTION (ring width).
 */
export function massIntensity(
  image: GrayImage,
  region: Region,
  ringWidthMm = MASS_RING_WIDTH_MM,
): MassIntensity {
  return runsIntensity(image, regionRuns(region, image), ringWidthMm);
}

function runsIntensity(image: GrayImage, runs: RowRuns, ringWidthMm: number): MassIntensity {
  const { data, width } = image;
  let sum = 0;
  let sumSquares = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < runs.rows; r++) {
    const row = (runs.y0 + r) * width;
    for (let k = runs.rowStart[r]; k < runs.rowStart[r + 1]; k++) {
      for (let i = row + runs.starts[k]; i < row + runs.ends[k]; i++) {
        const v = data[i];
        sum += v;
        sumSquares += v * v;
        if (v > max) max = v;
      }
    }
  }
  const count = runs.pixelCount;
  const dilated = sumWithinDistance(image, runs, ringWidthMm);
  const ringCount = dilated.count - count;
  const ringMean = ringCount > 0 ? (dilated.sum - sum) / ringCount : Number.NaN;
  const mean = sum / count;
  const sigma = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
  const base = ringCount > 0 ? ringMean : 0;
  let volume = 0;
  if (max > base) {
    for (let r = 0; r < runs.rows; r++) {
      const row = (runs.y0 + r) * width;
      for (let k = runs.rowStart[r]; k < runs.rowStart[r + 1]; k++) {
        for (let i = row + runs.starts[k]; i < row + runs.ends[k]; i++) {
          if (data[i] > base) volume += data[i] - base;
        }
      }
    }
  }
  return {
    mean,
    max,
    heterogeneity: mean > 0 ? sigma / mean : 0,
    ringMean,
    grayRelativity: ringCount > 0 ? mean / Math.max(ringMean, GRAY_RELATIVITY_FLOOR) : 1,
    volumeRatio: max > base ? volume / (count * (max - base)) : 0,
  };
}

/**
 * GLCM features of the masked pixels of a mass: MASS_GLCM_LEVELS levels over the mass's own range, pixel
 * distance from MASS_GLCM_DISTANCE_MM, angles 0/45/90/135, symmetric, averaged, natural log. A mask with
 * no pixel pair at that distance has no texture and gets the features of a flat region.
 *
 * Raises FeatureError EMPTY_REGION, REGION_OUT_OF_BOUNDS.
 */
export function massTexture(image: GrayImage, region: Region): GlcmFeatures {
  return runsTexture(image, regionRuns(region, image));
}

function runsTexture(image: GrayImage, runs: RowRuns): GlcmFeatures {
  // The mass's bounding box: its values and its mask.
  const boxWidth = runs.x1 - runs.x0 + 1;
  const values = new Float32Array(boxWidth * runs.rows);
  const mask = new Uint8Array(boxWidth * runs.rows);
  for (let r = 0; r < runs.rows; r++) {
    const src = (runs.y0 + r) * image.width + runs.x0;
    values.set(image.data.subarray(src, src + boxWidth), r * boxWidth);
    for (let k = runs.rowStart[r]; k < runs.rowStart[r + 1]; k++) {
      mask.fill(1, r * boxWidth + runs.starts[k] - runs.x0, r * boxWidth + runs.ends[k] - runs.x0);
    }
  }
  const distance = Math.max(1, Math.round(MASS_GLCM_DISTANCE_MM / meanSpacingMm(image)));
  try {
    return glcmFeatures(values, mask, boxWidth, runs.rows, { levels: MASS_GLCM_LEVELS, distance });
  } catch (error) {
    if (error instanceof FeatureError && error.code === 'NO_PAIRS') return glcmFeaturesFromMatrix([1], 1);
    throw error;
  }
}
