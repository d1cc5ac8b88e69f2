/** ROI models: DCIS/IDC (deep, clinical, combined), benign/malignant CNNs and ensembles, export, CAMs. */
export {
  type Backbone,
  type BackboneInfo,
  backbonePixels,
  buildEmbeddingModel,
  computeEmbeddings,
  inspectBackbone,
  ROI_TENSORS,
  type RunRoiModelOptions,
  runRoiModel,
} from './backbone';
export { loadRoiModel, type RoiModelHandle, roiSpecOfCard, writeCamOverlay } from './cam-for-image';
export { type CamPanel, camOverlayPng, camStripPng, paintCamOverlay } from './cam-overlay';
export { DEFAULT_ROI_SEED, parseRoiArgs, ROI_USAGE } from './cli-args';
export {
  CLINICAL_VARIABLES,
  type ClinicalRecord,
  type ClinicalSelection,
  chiSquare1PValue,
  encodeClinical,
  selectClinicalVariables,
  type VariableTest,
} from './clinical';
export { centreJitter, type RoiCnnSettings, roiCnnSettings, trainRoiCnn } from './cnn-training';
export {
  buildRoiDataset,
  ROI_COHORTS,
  ROI_TASKS,
  type RoiCase,
  type RoiCohort,
  type RoiDataset,
  roiCentre,
  roiCohortSpecs,
  selectSplits,
} from './dataset';
export { DCIS_IDC_MODELS, type DcisIdcOptions, type DcisIdcResult, runDcisIdcExperiment } from './dcis-idc';
export { RoiError, type RoiErrorCode } from './errors';
export { type AucComparison, compareAucs, evaluateScores, type RoiEvaluation } from './evaluate';
export {
  exportDcisIdc,
  exportMalignancy,
  type ParityCheck,
  type PendingRoiVersion,
  writeRoiVersions,
} from './export';
export { buildHeadModel, buildRoiEnsembleModel, headCamWeights } from './export-graphs';
export { fitDeepHead, headInputs, headProbabilities, type LinearHead } from './heads';
export { type MalignancyResult, runMalignancyExperiment } from './malignancy';
export type { RoiProgressEvent } from './progress';
export { foldHeadIntoCnn } from './reference';
export { type WrittenRoiReport, writeRoiReport } from './report';
export {
  checkRoiSpec,
  cutRoi,
  DEFAULT_ROI_SPEC,
  type RoiSpec,
  roiPreprocessingText,
  zscoreRoi,
} from './roi-spec';
export {
  DEFAULT_COHORT_SIZES,
  QUICK_COHORT_SIZES,
  type RoiTrainingConfig,
  type RoiTrainingOutcome,
  runRoiTraining,
} from './run-roi';
