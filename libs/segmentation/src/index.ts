export { type BreastMaskOptions, segmentBreast } from './breast-mask';
export { clusterMicrocalcifications, type McClusterOptions } from './clusters';
export { traceContour } from './contour';
export { SegmentationError, type SegmentationErrorCode } from './errors';
export {
  type DetectionSummary,
  dice,
  type ImageDetections,
  type ImageScore,
  type ImageTruth,
  MC_DIAMETER_BINS,
  type Rate,
  type ScoreRules,
  scoreImage,
  summarizeScores,
  type TruthCluster,
  type TruthMass,
  type TruthMc,
} from './evaluation';
export {
  detectMasses,
  findMassCandidates,
  type MassCandidate,
  type MassDetectionOptions,
  segmentMasses,
} from './mass-detection';
export { type MassMeasurement, type MassSegmentationOptions, segmentMassAt } from './mass-segmentation';
export { detectMicrocalcifications, type McDetectionOptions } from './microcalcifications';
export { extractRoi } from './roi';
export { type SegmentImageOptions, type SegmentImageResult, segmentImage } from './segment-image';
export * from './types';
