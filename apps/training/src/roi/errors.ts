/** Why the ROI models (DCIS/IDC, benign/malignant, ensembles, their export) refused their input. */
export type RoiErrorCode =
  /** An option is outside its domain (cohort name, count, seed, ROI size, backbone output name). */
  | 'INVALID_OPTION'
  /** ROIs, labels or clinical rows are malformed, or a split lacks two cases of each class. */
  | 'INVALID_DATA'
  /** A backbone ONNX graph cannot serve as a feature extractor (input, embedding or feature maps). */
  | 'UNSUPPORTED_BACKBONE'
  /** No usable ROI model where one was asked for (analyze --cam). */
  | 'MODEL_NOT_FOUND'
  /** An exported graph disagrees with the TypeScript computation beyond the tolerance (an export bug). */
  | 'PARITY_FAILED';

/** Thrown by apps/training/src/roi for bad input. */
export class RoiError extends Error {
  override readonly name = 'RoiError';
  readonly code: RoiErrorCode;

  constructor(code: RoiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
