/**
 * One analysis as a worker (or, without workers, the main thread) runs it: the image pipeline of
 * @calcscope/analysis, then one ROI per MC cluster for every ROI spec the image models asked for.
 */
import type { Transferable } from 'node:worker_threads';
import { analyzeImage } from '@calcscope/analysis';
import type { DecodedImage } from '@calcscope/imaging';
import { extractRoi, type McCluster } from '@calcscope/segmentation';
import { normalizeRoi } from './roi';
import type { AnalyzeOutput, AnalyzeTask, RoiCrops, RoiSpec } from './task';

/**
 * Cuts one ROI per cluster for a spec.
 *
 * @param image - The decoded image.
 * @param clusters - MC clusters, in result order.
 * @param spec - ROI side (mm), samples per side, scaling.
 * @returns The crops, cluster after cluster, with their centres (the cluster centroids).
 * @throws SegmentationError for an invalid spec (extractRoi's rules).
 */
export function cutRois(image: DecodedImage, clusters: readonly McCluster[], spec: RoiSpec): RoiCrops {
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

/**
 * Runs one analysis.
 *
 * @param task - The file's bytes, the decoder's pixel limit, the ROI specs.
 * @returns The analysis result (timings in ms; `roi` added when ROIs were cut) and the crops.
 * @throws ImageDecodeError for bytes that do not decode; SegmentationError or FeatureError when the
 *   pipeline refuses the decoded image.
 */
export async function runAnalyzeTask(task: AnalyzeTask): Promise<AnalyzeOutput> {
  const analysis = await analyzeImage(task.bytes, { decode: { maxPixels: task.maxPixels } });
  const started = performance.now();
  const rois = task.rois.map((spec) => cutRois(analysis.image, analysis.clusters, spec));
  if (rois.length > 0 && analysis.clusters.length > 0)
    analysis.result.timingsMs.roi = performance.now() - started;
  return { result: analysis.result, rois };
}

/** The buffers of an output to transfer back to the main thread (the ROI crops). */
export function outputTransfer(output: AnalyzeOutput): Transferable[] {
  return output.rois.map((crops) => crops.data.buffer as ArrayBuffer);
}
