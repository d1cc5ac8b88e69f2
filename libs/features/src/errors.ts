/** Machine-readable reasons a function of @calcscope/features refuses its input. */
export type FeatureErrorCode =
  /** A region has no pixels where at least one is required. */
  | 'EMPTY_REGION'
  /** A region holds a pixel index outside the image. */
  | 'REGION_OUT_OF_BOUNDS'
  /** Arrays that must describe the same image (values, mask) differ in size, or width × height is wrong. */
  | 'SIZE_MISMATCH'
  /** An option is out of range (levels, distance, angle, range, log base, distances in mm). */
  | 'INVALID_OPTION'
  /** A feature vector's length differs from the number of feature names. */
  | 'LENGTH_MISMATCH'
  /** A record lacks a feature the schema asks for, or holds a non-number for it. */
  | 'MISSING_FEATURE'
  /** The GLCM mask is empty: no pixel to quantise. */
  | 'EMPTY_MASK'
  /** The GLCM has no pixel pair at any angle (every masked pixel is isolated at the chosen distance). */
  | 'NO_PAIRS';

/** Thrown for bad input to any function of @calcscope/features; `code` says which rule was broken. */
export class FeatureError extends Error {
  readonly code: FeatureErrorCode;

  constructor(code: FeatureErrorCode, message: string) {
    super(message);
    this.name = 'FeatureError';
    this.code = code;
  }
}
