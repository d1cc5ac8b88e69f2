/** Machine-readable reasons a segmentation function refuses its input. */
export type SegmentationErrorCode =
  | 'INVALID_IMAGE'
  | 'INVALID_SPACING'
  | 'INVALID_OPTION'
  | 'INVALID_POINT'
  | 'MASK_MISMATCH';

/** Thrown for bad input to any function of @calcscope/segmentation; `code` says which rule was broken. */
export class SegmentationError extends Error {
  readonly code: SegmentationErrorCode;

  constructor(code: SegmentationErrorCode, message: string) {
    super(message);
    this.name = 'SegmentationError';
    this.code = code;
  }
}
