/**
 * ROI crops per MC cluster, cut in the same pass as the analysis (the decoded image lives only there):
 * the input of image models such as the DCIS/IDC CNN. Which ROI a model wants is the caller's business
 * (the inference service reads it from the model card); this module cuts and scales it.
 */
import type { GrayImage } from '@calcscope/imaging';
import { extractRoi, type McCluster } from '@calcscope/segmentation';

/** How an image model wants its ROI values scaled. */
export type RoiNormalization =
  /** The decoded intensities as they are: MONOCHROME2 in [0, 1]. */
  | 'none'
  /** Per ROI: subtract its mean, divide by its standard deviation (a flat ROI becomes all zeros). */
  | 'zscore';

/** How to cut one ROI per MC cluster. */
export interface RoiSpec {
  /** Identifies the spec among a task's specs (models with equal specs share one crop). */
  readonly key: string;
  /** Side of the square ROI, mm, centred on the cluster's centroid. */
  readonly sizeMm: number;
  /** Samples per side (the model's H = W). */
  readonly pixels: number;
  readonly normalization: RoiNormalization;
}

/** The ROIs of one spec for every MC cluster of the image, in cluster order. */
export interface RoiCrops {
  readonly key: string;
  /** `clusters × pixels × pixels` values, row-major per ROI. */
  readonly data: Float32Array;
  /** Centre of each ROI (the cluster centroid), pixel coordinates. */
  readonly centres: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

/**
 * Scales one ROI in place.
 *
 * @param values - The ROI's samples (modified).
 * @param normalization - 'none' leaves them; 'zscore' maps them to (v − mean) / std over the ROI
 *   (population std; a constant ROI becomes all zeros).
 * @returns `values`.
 */
export function normalizeRoi(values: Float32Array, normalization: RoiNormalization): Float32Array {
  if (normalization === 'none' || values.length === 0) return values;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  const std = Math.sqrt(squares / values.length);
  const scale = std > 0 ? 1 / std : 0;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - mean) * scale;
  return values;
}

/**
 * Cuts one ROI per cluster for a spec.
 *
 * @param image - The decoded image.
 * @param clusters - MC clusters (their centroids, pixel coordinates), in result order.
 * @param spec - ROI side (mm), samples per side, scaling.
 * @returns The crops, cluster after cluster, with their centres (the cluster centroids).
 * @throws SegmentationError for an invalid spec (extractRoi's rules).
 */
export function cutRois(
  image: GrayImage,
  clusters: readonly Pick<McCluster, 'centroid'>[],
  spec: RoiSpec,
): RoiCrops {
  const area = spec.pixels * spec.pixels;
  const data = new Float32Array(clusters.length * area);
  clusters.forEach((cluster, c) => {
    const roi = normalizeRoi(
      extractRoi(image, cluster.centroid, spec.sizeMm, spec.pixels),
      spec.normalization,
    );
    data.set(roi, c * area);
  });
  return { key: spec.key, data, centres: clusters.map((cluster) => ({ ...cluster.centroid })) };
}
