/**
 * What the main thread sends an analysis worker and what comes back. The image bytes go by transfer
 * (the main thread gives them up); the ROI crops come back by transfer.
 */
import type { AnalysisResult } from '@calcscope/contracts';

/** How an image model wants its ROI values scaled, from its card (`hyperparameters.roiNormalization`). */
export type RoiNormalization =
  /** The decoded intensities as they are: MONOCHROME2 in [0, 1]. */
  | 'none'
  /** Per ROI: subtract its mean, divide by its standard deviation (a flat ROI becomes all zeros). */
  | 'zscore';

/** How to cut one ROI per MC cluster for an image model. */
export interface RoiSpec {
  /** Identifies the spec among a task's specs (models with equal specs share one crop). */
  readonly key: string;
  /** Side of the square ROI, mm, centred on the cluster's centroid. */
  readonly sizeMm: number;
  /** Samples per side (the model's H = W). */
  readonly pixels: number;
  readonly normalization: RoiNormalization;
}

/** One analysis: the file and the ROIs to cut. */
export interface AnalyzeTask {
  /** The file's bytes (DICOM, PNG or TIFF); its buffer is transferred to the worker. */
  readonly bytes: Uint8Array;
  /** Largest rows × columns the decoder accepts (checked from the header). */
  readonly maxPixels: number;
  /** ROI specs of the image models serving now; empty when none is loaded. */
  readonly rois: readonly RoiSpec[];
}

/** The ROIs of one spec for every MC cluster of the image, in cluster order. */
export interface RoiCrops {
  readonly key: string;
  /** `clusters × pixels × pixels` values, row-major per ROI. */
  readonly data: Float32Array;
  /** Centre of each ROI (the cluster centroid), pixel coordinates. */
  readonly centres: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

/** What an analysis worker returns. */
export interface AnalyzeOutput {
  /** The analysis contract of @calcscope/analysis (timings in ms per stage, `roi` added when cut). */
  readonly result: AnalysisResult;
  readonly rois: readonly RoiCrops[];
}
