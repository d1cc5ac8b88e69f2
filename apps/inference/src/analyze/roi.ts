/**
 * The ROI contract between image models (the DCIS/IDC CNN) and POST /v1/analyze: which ROI a model wants
 * is read from its card and config, and the crops are scaled the way it was trained.
 *
 * A model takes part when its card says task 'dcis-idc' and its only input is `roi` FP32 [N, 1, H, W]
 * with H = W fixed. The card's `hyperparameters.roiSizeMm` (number > 0) gives the ROI's physical side in
 * mm, centred on the cluster centroid, resampled to H × W; `hyperparameters.roiNormalization` is 'none'
 * (default: decoded intensities in [0, 1]) or 'zscore' (per ROI). The card's `preprocessing` text says the
 * same in words for people; the machine reads the hyperparameters. The cutting and scaling itself
 * (cutRois, normalizeRoi) is @calcscope/analysis's, done in the analysis worker.
 */
import type { RoiNormalization, RoiSpec } from '@calcscope/analysis';
import type { ModelCard } from '@calcscope/contracts';
import type { ModelSignature } from '../serving/signature';

/** Card task of the models analyze runs on cluster ROIs. */
export const ROI_TASK = 'dcis-idc';
/** Name of the image input of an ROI model. */
export const ROI_INPUT = 'roi';

const NORMALIZATIONS: readonly RoiNormalization[] = ['none', 'zscore'];

/**
 * The key shared by equal ROI specs.
 *
 * @param sizeMm - ROI side, mm.
 * @param pixels - Samples per side.
 * @param normalization - Scaling.
 * @returns e.g. `12mm-64px-zscore`.
 */
export function roiSpecKey(sizeMm: number, pixels: number, normalization: RoiNormalization): string {
  return `${sizeMm}mm-${pixels}px-${normalization}`;
}

/**
 * The ROI an image model wants, from its card and its serving signature.
 *
 * @param card - The version's model card.
 * @param signature - The version's tensors (from config.pbtxt).
 * @returns `{ spec }`, or `{ problem }` saying in words why analyze cannot feed this model.
 */
export function roiSpecForModel(
  card: Pick<ModelCard, 'name' | 'hyperparameters'>,
  signature: ModelSignature,
): { spec: RoiSpec } | { problem: string } {
  const input = signature.inputs.find((tensor) => tensor.name === ROI_INPUT);
  if (input === undefined) return { problem: `it has no '${ROI_INPUT}' input` };
  const others = signature.inputs.filter((tensor) => tensor !== input).map((tensor) => `'${tensor.name}'`);
  if (others.length > 0)
    return { problem: `it also needs input ${others.join(', ')}, which analyze cannot supply` };
  if (signature.maxBatchSize < 1) return { problem: 'it has no batch axis (max_batch_size 0)' };
  const dims = input.dims;
  if (input.datatype !== 'FP32' || dims.length !== 3 || dims[0] !== 1 || dims[1] < 1 || dims[1] !== dims[2])
    return {
      problem: `its '${ROI_INPUT}' input is ${input.datatype} [-1, ${dims.join(', ')}], not FP32 [-1, 1, H, H] with a fixed H`,
    };
  if (!signature.outputs.some((tensor) => tensor.name === 'probabilities'))
    return { problem: `it has no 'probabilities' output` };
  const sizeMm = card.hyperparameters.roiSizeMm;
  if (typeof sizeMm !== 'number' || !Number.isFinite(sizeMm) || sizeMm <= 0)
    return {
      problem: `its card lacks hyperparameters.roiSizeMm (the ROI side in mm, a number > 0), so the ROI it was trained on is unknown`,
    };
  const normalization = card.hyperparameters.roiNormalization ?? 'none';
  if (!NORMALIZATIONS.includes(normalization as RoiNormalization))
    return {
      problem: `its card's hyperparameters.roiNormalization '${String(normalization)}' is not one of ${NORMALIZATIONS.join(', ')}`,
    };
  const pixels = dims[1];
  const mode = normalization as RoiNormalization;
  return { spec: { key: roiSpecKey(sizeMm, pixels, mode), sizeMm, pixels, normalization: mode } };
}
