/**
 * One analysis as AnalysisWorkerPool runs it, in a worker thread or on the calling thread: the image
 * pipeline (analyzeImage) on a file's bytes, then one ROI per MC cluster for every ROI spec asked for.
 * Task and output are structured-cloneable; the bytes go to a worker by transfer and the ROI crops come
 * back by transfer.
 */
import type { Transferable } from 'node:worker_threads';
import type { AnalysisResult } from '@calcscope/contracts';
import type { DecodeOptions } from '@calcscope/imaging';
import { analyzeImage } from './analyze';
import { cutRois, type RoiCrops, type RoiSpec } from './roi-crops';

/** One analysis: the file and what to do with it. */
export interface AnalysisTask {
  /** The file's bytes (DICOM, PNG or TIFF); in a worker pool its buffer is transferred to the worker. */
  readonly bytes: Uint8Array;
  /** Decoder limits of this task (`maxPixels`, VOI windowing); default decodeImage's. */
  readonly decode?: DecodeOptions;
  /** ROIs to cut around every MC cluster (default none). */
  readonly rois?: readonly RoiSpec[];
}

/** What an analysis returns. */
export interface AnalysisOutput {
  /** The analysis contract (timings in ms per stage, `roi` added when ROIs were cut). */
  readonly result: AnalysisResult;
  /** One entry per ROI spec of the task, in the task's order. */
  readonly rois: readonly RoiCrops[];
}

/**
 * Runs one analysis.
 *
 * @param task - The file's bytes, the decoder's options, the ROI specs.
 * @returns The analysis result and the crops.
 * @throws ImageDecodeError for bytes that do not decode; SegmentationError or FeatureError when the
 *   pipeline refuses the decoded image or an ROI spec.
 */
export async function runAnalysisTask(task: AnalysisTask): Promise<AnalysisOutput> {
  const analysis = await analyzeImage(task.bytes, { decode: task.decode });
  const specs = task.rois ?? [];
  const started = performance.now();
  const rois = specs.map((spec) => cutRois(analysis.image, analysis.clusters, spec));
  if (rois.length > 0 && analysis.clusters.length > 0)
    analysis.result.timingsMs.roi = performance.now() - started;
  return { result: analysis.result, rois };
}

/** The buffers of an output to transfer back to the main thread (the ROI crops). */
export function analysisOutputTransfer(output: AnalysisOutput): Transferable[] {
  return output.rois.map((crops) => crops.data.buffer as ArrayBuffer);
}
