import type { GrayImage } from './image';

/** Options of `decodeImage` and the per-format decoders. */
export interface DecodeOptions {
  /**
   * Largest accepted rows × columns (default 50e6). Checked against the header (DICOM Rows × Columns,
   * sharp metadata) before any pixel is decoded or allocated, and passed to sharp as `limitInputPixels`.
   */
  readonly maxPixels?: number;
  /**
   * When true and the DICOM file carries Window Center / Window Width, map intensities through the
   * file's first VOI window (PS3.3 C.11.2.1.2) instead of the full stored range (default false).
   * Ignored for PNG and TIFF, which have no window.
   */
  readonly applyVoiWindow?: boolean;
}

/** Default `DecodeOptions.maxPixels`: 50 megapixels, above any mammography detector (about 4k × 6k). */
export const DEFAULT_MAX_PIXELS = 50e6;

/** One VOI window of a DICOM file, in rescaled (modality) units: (0028,1050) / (0028,1051) / (0028,1055). */
export interface VoiWindow {
  readonly center: number;
  readonly width: number;
  readonly explanation?: string;
}

/** DICOM VOI LUT Function (0028,1056); LINEAR when the attribute is absent. */
export type VoiLutFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/**
 * How `data` was made from the rescaled values v = slope × stored + intercept, so a consumer can undo it.
 *
 * - `range`: data = (v − low) / (high − low), with low/high the smallest/largest v any stored value of the
 *   file's bit depth and signedness can produce (see the README).
 * - `voi`: data = VOI function of the given window applied to v, output range [0, 1].
 *
 * When `inverted` (MONOCHROME1 source), the stored data are 1 − the above.
 */
export type IntensityNormalization =
  | { readonly kind: 'range'; readonly low: number; readonly high: number; readonly inverted: boolean }
  | {
      readonly kind: 'voi';
      readonly window: VoiWindow;
      readonly lutFunction: VoiLutFunction;
      readonly inverted: boolean;
    };

/** Where the pixel spacing came from. */
export type SpacingSource = 'PixelSpacing' | 'ImagerPixelSpacing' | 'density' | 'default';

/**
 * Patient and study identifiers of a DICOM file. Identifying: the gateway pseudonymises or drops them
 * before anything is persisted.
 */
export interface DicomIdentifiers {
  readonly patientId?: string;
  readonly patientAge?: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly sopInstanceUid?: string;
}

/** What the file said about itself; attributes the file lacks are undefined. */
export interface ImageMeta {
  /** Photometric interpretation of the source; the decoded data are always MONOCHROME2. */
  readonly photometric: 'MONOCHROME1' | 'MONOCHROME2';
  /** Bits per stored sample in the file's pixel cells (DICOM BitsAllocated; 8 or 16 for PNG/TIFF). */
  readonly bitsAllocated: number;
  /** DICOM HighBit (0028,0102). */
  readonly highBit?: number;
  readonly pixelRepresentation: 'unsigned' | 'signed';
  readonly transferSyntaxUid?: string;
  readonly transferSyntaxName?: string;
  /** Rescale Slope / Intercept / Type as written in the file; undefined when absent (identity applied). */
  readonly rescale?: { readonly slope: number; readonly intercept: number; readonly type?: string };
  /** Every VOI window of the file, in file order (empty when none). */
  readonly windows: readonly VoiWindow[];
  readonly voiLutFunction?: VoiLutFunction;
  /** How the [0, 1] intensities were computed. */
  readonly normalization: IntensityNormalization;
  readonly spacingSource: SpacingSource;
  /** Estimated Radiographic Magnification Factor (0018,1114); ImagerPixelSpacing is NOT divided by it. */
  readonly estimatedMagnificationFactor?: number;
  readonly modality?: string;
  readonly manufacturer?: string;
  readonly manufacturerModelName?: string;
  /** (0018,5101), e.g. 'CC', 'MLO'. */
  readonly viewPosition?: string;
  /** (0020,0062) Image Laterality, else (0020,0060) Laterality: 'L', 'R' or 'B'. */
  readonly imageLaterality?: string;
  /** (0008,0068), 'FOR PRESENTATION' or 'FOR PROCESSING'. */
  readonly presentationIntentType?: string;
  readonly sopClassUid?: string;
  readonly identifiers?: DicomIdentifiers;
  /** Frames (DICOM NumberOfFrames, TIFF pages) in the file; only frame 0 is decoded. */
  readonly numberOfFrames: number;
  /** True when the file holds more than one frame (frame 0 was decoded). */
  readonly multiFrame: boolean;
  /** PNG/TIFF: channels of the source before conversion to one luminance channel. */
  readonly sourceChannels?: number;
  /** Recoverable oddities (defaulted attributes, ignored invalid values), human readable. */
  readonly warnings: readonly string[];
}

export type ImageFormat = 'dicom' | 'png' | 'tiff';

/** A decoded file: the GrayImage every library works on, plus where it came from. */
export type DecodedImage = GrayImage & { readonly format: ImageFormat; readonly meta: ImageMeta };
