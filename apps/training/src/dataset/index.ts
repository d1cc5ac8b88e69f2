export {
  CACHE_ENTRY_FORMAT,
  type CacheKeyParts,
  cacheEntryPath,
  cacheKey,
  DEFAULT_CACHE_DIR,
  readCachedAnalysis,
  writeCachedAnalysis,
} from './cache';
export { mapLimit } from './concurrency';
export { type CsvRecord, csvField, type ParsedCsv, parseCsv } from './csv';
export { DatasetError, type DatasetErrorCode, type DatasetProblem, formatProblems } from './errors';
export {
  defaultWorkerCount,
  type ExtractedImage,
  type Extraction,
  type ExtractionFailure,
  type ExtractOptions,
  extractFeatures,
} from './extract';
export {
  DEFAULT_TEST_FRACTION,
  type LoadedFeatureTable,
  type ReadFeatureTableOptions,
  readFeatureTable,
  tableSchemaHash,
} from './feature-table-csv';
export {
  NEGATIVE_CLASS,
  type ParsedLabel,
  POSITIVE_CLASS,
  parseManifestLabel,
  TASKS,
  type Task,
} from './labels';
export { type LesionPick, pickByRule, pickLabelledLesion } from './lesion-selection';
export {
  DATASET_SPLITS,
  type DatasetSplit,
  type Manifest,
  type ManifestEntry,
  type ReadManifestOptions,
  ROI_COLUMNS,
  readManifest,
} from './manifest';
export { analysisPipelineVersion, codeFingerprint, PIPELINE_ROOT_PACKAGE } from './pipeline-version';
export { type ExtractionProgress, estimateEtaS, formatDuration, formatProgress } from './progress';
export {
  boxArea,
  boxIoU,
  type ManifestRegion,
  type RegionUnits,
  regionPixelBox,
  type TruthRegionResult,
  truthRegion,
} from './region';
export { readSplitJson, type TrainTestIndices, validateSplit } from './split-json';
export {
  makeSyntheticDataset,
  SYNTHETIC_STAMP_FILE,
  type SyntheticDataset,
  type SyntheticOptions,
  WANG2016_SIZE,
} from './synthetic';
export {
  buildFeatureTables,
  type DatasetSummary,
  type FeatureTable,
  type FeatureTables,
  type ImageList,
  type LabelledLesion,
  SCENARIO_FEATURES,
  SCENARIO_KINDS,
  SCENARIOS,
  type Scenario,
  type SplitCounts,
} from './tables';
