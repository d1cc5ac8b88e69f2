/**
 * The body of a successful POST /v1/analyze: the analysis contract of @calcscope/contracts (image,
 * clusters, masses, lesions with their 41 features, timings) plus the models' predictions.
 */
import type { AnalysisResult } from '@calcscope/contracts';

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
  /** Column 1 of `probabilities`: the probability of malignancy. */
  readonly probability: number;
  /** The model's `label` output (1 = malignant), else 1 when column 1 exceeds column 0. */
  readonly label: number;
  /** Execution provider of the session that ran it ('cpu', 'cuda'). */
  readonly provider: string;
}

/** One image model's (DCIS/IDC) answer for one MC cluster's ROI. */
export interface ClusterPrediction {
  /** `clusters[].id` of the analysis. */
  readonly clusterId: string;
  readonly model: string;
  readonly version: number;
  /** The card's task, 'dcis-idc'. */
  readonly task: string;
  /** Column 1 of `probabilities` (for 'dcis-idc': the probability of IDC rather than DCIS). */
  readonly probability: number;
  readonly label: number;
  readonly provider: string;
  /** The ROI the model saw: centre (pixels), side (mm) and samples per side. */
  readonly roi: {
    readonly centre: { readonly x: number; readonly y: number };
    readonly sizeMm: number;
    readonly pixels: number;
  };
  /** Class activation map over the ROI (row-major, 4 decimals) when the model outputs `cam`. */
  readonly cam?: { readonly width: number; readonly height: number; readonly data: number[] };
}

/** The whole answer. `timingsMs` adds receive, queue, roi, predict and total (request to response). */
export interface AnalyzeResponse extends AnalysisResult {
  readonly predictions: LesionPrediction[];
  readonly clusterPredictions: ClusterPrediction[];
  /** What was skipped and why (no model loaded, a model analyze cannot feed, a failed model), in words. */
  readonly notes: string[];
}
