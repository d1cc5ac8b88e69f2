/** Why a file could not be decoded. */
export type ImageDecodeErrorCode =
  /** Zero bytes. */
  | 'EMPTY'
  /** Neither DICOM, PNG nor TIFF by its magic bytes, or a format sharp cannot read. */
  | 'UNSUPPORTED_FORMAT'
  /** The file ends before a header or the pixel data it announces. */
  | 'TRUNCATED'
  /** Structurally broken: unparsable header, pixel data inconsistent with the header, codec failure. */
  | 'CORRUPT'
  /** Rows × columns exceeds `DecodeOptions.maxPixels` (checked before any pixel is decoded). */
  | 'TOO_LARGE'
  /** Zero rows or zero columns. */
  | 'ZERO_SIZE'
  /** A DICOM transfer syntax this library does not decode (the message names it). */
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  /** Valid but not a single-channel 8/16-bit integer image (SamplesPerPixel ≠ 1, BitsAllocated 32, float TIFF, ...). */
  | 'UNSUPPORTED_PIXEL_FORMAT'
  /** A DICOM attribute needed to interpret the pixels (Rows, Columns, BitsAllocated, PixelData) is absent. */
  | 'MISSING_ATTRIBUTE'
  /** An attribute holds an impossible value (BitsStored > BitsAllocated, non-finite or zero rescale slope, ...). */
  | 'INVALID_VALUE'
  /** The caller passed an invalid option (e.g. a non-positive maxPixels). */
  | 'INVALID_OPTION';

/** Thrown by every decoder of this library for bad input; `code` says why, `message` says where. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  readonly code: ImageDecodeErrorCode;

  constructor(code: ImageDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Why an image could not be written. */
export type ImageEncodeErrorCode =
  /** Inconsistent or out-of-range writer options (sizes, bit depths, pixel values, spacing). */
  | 'INVALID_OPTION'
  /** The underlying encoder (sharp, a wasm codec) failed. */
  | 'ENCODER_FAILED';

/** Thrown by the writers (`encodeDicom`, `encodePng`, ...) for options they cannot honour. */
export class ImageEncodeError extends Error {
  override readonly name = 'ImageEncodeError';
  readonly code: ImageEncodeErrorCode;

  constructor(code: ImageEncodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
