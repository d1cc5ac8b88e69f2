import type { GrayImage } from '@calcscope/imaging';
import { type BreastMaskOptions, segmentBreast } from './breast-mask';
import { clusterMicrocalcifications, type McClusterOptions } from './clusters';
import { detectMasses, type MassDetectionOptions } from './mass-detection';
import type { MassMeasurement } from './mass-segmentation';
import { detectMicrocalcifications, type McDetectionOptions } from './microcalcifications';
import type { BreastMask, McCluster, Microcalcification } from './types';

/** Options of every stage of segmentImage. */
export interface SegmentImageOptions {
  readonly breast?: BreastMaskOptions;
  readonly microcalcifications?: Omit<McDetectionOptions, 'breast'>;
  readonly clusters?: McClusterOptions;
  readonly masses?: Omit<MassDetectionOptions, 'breast'>;
}

/** Everything segmentImage found, with wall-clock milliseconds per stage. */
export interface SegmentImageResult {
  readonly breast: BreastMask;
  readonly microcalcifications: Microcalcification[];
  readonly clusters: McCluster[];
  readonly masses: MassMeasurement[];
  /** segmentBreast, detectMicrocalcifications, clusterMicrocalcifications, segmentMasses, total. */
  readonly timingsMs: Record<string, number>;
}

/**
 * The whole segmentation of one image with one breast mask shared by the stages: segmentBreast →
 * detectMicrocalcifications → clusterMicrocalcifications (with the breast area as its search area,
 * unless `options.clusters.searchAreaMm2` says otherwise) → segmentMasses (detectMasses).
 *
 * Parameters: `image` – the mammogram; `options` – per-stage options.
 * Returns: SegmentImageResult.
 * Raises: whatever the stages raise (SegmentationError).
 */
export function segmentImage(image: GrayImage, options: SegmentImageOptions = {}): SegmentImageResult {
  const timingsMs: Record<string, number> = {};
  const t0 = performance.now();
  let t = t0;
  const lap = (stage: string): void => {
    const now = performance.now();
    timingsMs[stage] = now - t;
    t = now;
  };
  const breast = segmentBreast(image, options.breast);
  lap('segmentBreast');
  const microcalcifications = detectMicrocalcifications(image, { ...options.microcalcifications, breast });
  lap('detectMicrocalcifications');
  const clusters = clusterMicrocalcifications(microcalcifications, image, {
    searchAreaMm2: breast.areaMm2,
    ...options.clusters,
  });
  lap('clusterMicrocalcifications');
  const masses = detectMasses(image, { ...options.masses, breast });
  lap('segmentMasses');
  timingsMs.total = t - t0;
  return { breast, microcalcifications, clusters, masses, timingsMs };
}
