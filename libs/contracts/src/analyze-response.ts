/**
 * The body of a successful `POST /v1/analyze` of the inference service, which the gateway consumes: the
 * analysis of one image (`AnalysisResult`: image, clusters, masses, lesions with their 41 features,
 * timings) plus the models' predictions. Types only: producers and consumers share the shape, not code.
 */
import type { AnalysisResult } from './analysis';

/** One malignancy model's answer for one lesion. */
export interface LesionPrediction {
  /** `lesions[].id` of the analysis. */
  readonly lesionId: string;
  /** Repository model name, e.g. `malignancy-sae-combined`. */
  readonly model: string;
  /** The version that computed it (the routing's pick: production, a canary, ...). */
  readonly version: number;
  /** The model's feature set: 'combined' (41), 'mc' (15) or 'mass' (26). */
  readonly scenario: string;
  /** Column 1 of `probabilities`: the probability of malignancy, in [0, 1]. */
  readonly probability: number;
  /** The model's `label` output (1 = malignant), else 1 when column 1 exceeds column 0. */
  readonly label: number;
  /** Execution provider of the session that ran it ('cpu', 'cuda'). */
  readonly provider: string;
}

/** The square region of interest an image model saw, centred on an MC cluster. */
export interface PredictionRoi {
  /** Centre in pixel coordinates of the decoded image (x = column, y = row): the cluster's centroid. */
  readonly centre: { readonly x: number; readonly y: number };
  /** Side of the square, mm (the card's `hyperparameters.roiSizeMm`). */
  readonly sizeMm: number;
  /** Samples per side after bilinear resampling: the model's input H (= W). */
  readonly pixels: number;
}

/** A class activation map: `height` rows of `width` values, row-major. */
export interface ClassActivationMap {
  readonly width: number;
  readonly height: number;
  /** `width × height` values, rounded to 4 decimals. */
  readonly data: number[];
}

/** One image model's (DCIS/IDC) answer for one MC cluster's ROI. */
export interface ClusterPrediction {
  /** `clusters[].id` of the analysis. */
  readonly clusterId: string;
  /** Repository model name. */
  readonly model: string;
  /** The version that computed it (the routing's pick). */
  readonly version: number;
  /** The card's task, 'dcis-idc'. */
  readonly task: string;
  /** Column 1 of `probabilities` (for 'dcis-idc': the probability of IDC rather than DCIS), in [0, 1]. */
  readonly probability: number;
  /** The model's `label` output, else 1 when column 1 exceeds column 0. */
  readonly label: number;
  /** Execution provider of the session that ran it ('cpu', 'cuda'). */
  readonly provider: string;
  /** The ROI the model saw. */
  readonly roi: PredictionRoi;
  /** Class activation map over the ROI, present when the model outputs `cam`. */
  readonly cam?: ClassActivationMap;
}

/**
 * The whole answer. `timingsMs` (milliseconds, 3 decimals) holds `receive`, `queue`, the pipeline's
 * stages, `roi` when ROIs were cut, `predict` and `total` (request arrival to response).
 */
export interface AnalyzeResponse extends AnalysisResult {
  /** Per lesion, one entry per serving malignancy model whose scenario the lesion can feed. */
  readonly predictions: LesionPrediction[];
  /** Per MC cluster, one entry per serving DCIS/IDC model. */
  readonly clusterPredictions: ClusterPrediction[];
  /** What was skipped and why (no model loaded, a model analyze cannot feed, a failed model), in words. */
  readonly notes: string[];
}
