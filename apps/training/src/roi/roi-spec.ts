import { normalizeRoi } from '@calcscope/analysis';
import type { GrayImage, Point } from '@calcscope/imaging';
import { extractRoi } from '@calcscope/segmentation';
import { RoiError } from './errors';

/** How an ROI is cut and scaled; the card's `hyperparameters.roiSizeMm` / `roiNormalization` say the same. */
export interface RoiSpec {
  /** Side of the square ROI in mm, centred on the cluster centroid. */
  readonly sizeMm: number;
  /** Samples per side after bilinear resampling (the model's H = W). */
  readonly pixels: number;
  /** `'zscore'`: (v − mean) / std over the ROI (population std; a constant ROI becomes zeros). */
  readonly normalization: 'zscore' | 'none';
}

/**
 * The ROI of every model here: 25.6 mm → 64 × 64 (0.4 mm per sample), z-scored per ROI. 25.6 mm holds a
 * grouped cluster whole and most of a linear or segmental one (the distribution is a DCIS cue), and the
 * per-ROI z-score removes the vendor's offset and gain; on the dcis-idc phantom cohort 12.8 and 19.2 mm ROIs
 * gave lower validation AUCs (apps/training/src/roi/README.md).
 */
export const DEFAULT_ROI_SPEC: RoiSpec = { sizeMm: 25.6, pixels: 64, normalization: 'zscore' };

/**
 * Scales one ROI in place to zero mean and unit population standard deviation (`normalizeRoi` of
 * @calcscope/analysis, which the inference service applies too).
 *
 * @param values - The ROI's samples (modified).
 * @returns `values`; a constant ROI becomes all zeros.
 */
export function zscoreRoi(values: Float32Array): Float32Array {
  return normalizeRoi(values, 'zscore');
}

/**
 * Cuts one model-ready ROI: `extractRoi` (bilinear, zero outside the image) then the spec's scaling.
 *
 * @param image - Decoded image (intensities in [0, 1], pixel spacing in mm).
 * @param centre - ROI centre in pixel coordinates (x = column, y = row).
 * @param spec - Size, samples per side, scaling.
 * @returns `pixels × pixels` samples, row-major.
 * @throws SegmentationError for an invalid image or centre.
 */
export function cutRoi(image: GrayImage, centre: Point, spec: RoiSpec): Float32Array {
  const roi = extractRoi(image, centre, spec.sizeMm, spec.pixels);
  return normalizeRoi(roi, spec.normalization);
}

/**
 * Checks an ROI spec.
 *
 * @param spec - The spec.
 * @returns The same spec.
 * @throws RoiError `INVALID_OPTION` for a size ≤ 0, a pixel count outside 8–512 or an unknown scaling.
 */
export function checkRoiSpec(spec: RoiSpec): RoiSpec {
  if (!(Number.isFinite(spec.sizeMm) && spec.sizeMm > 0))
    throw new RoiError('INVALID_OPTION', `ROI size must be a positive number of mm, got ${spec.sizeMm}`);
  if (!(Number.isInteger(spec.pixels) && spec.pixels >= 8 && spec.pixels <= 512))
    throw new RoiError('INVALID_OPTION', `ROI pixels must be an integer in 8–512, got ${spec.pixels}`);
  if (spec.normalization !== 'zscore' && spec.normalization !== 'none')
    throw new RoiError('INVALID_OPTION', `ROI normalization must be 'zscore' or 'none'`);
  return spec;
}

/**
 * The card's `preprocessing` text for a spec.
 *
 * @param spec - The spec.
 * @returns e.g. "25.6 mm square ROI centred on the MC cluster centroid, resampled bilinearly to 64×64
 *   (0.4 mm per sample, zeros outside the image), z-scored per ROI (population std)".
 */
export function roiPreprocessingText(spec: RoiSpec): string {
  const step = spec.sizeMm / spec.pixels;
  const scaling =
    spec.normalization === 'zscore'
      ? 'z-scored per ROI: (v − mean) / std over its samples (population std)'
      : 'decoded intensities in [0, 1], unscaled';
  return `${spec.sizeMm} mm square ROI centred on the MC cluster centroid, resampled bilinearly to ${spec.pixels}×${spec.pixels} (${+step.toFixed(4)} mm per sample, zeros outside the image), ${scaling}; input roi float32 [N, 1, ${spec.pixels}, ${spec.pixels}]`;
}
