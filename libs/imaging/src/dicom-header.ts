import type { DataSet } from 'dicom-parser';
import type { DicomIdentifiers, SpacingSource, VoiLutFunction, VoiWindow } from './decoded-image';
import { ImageDecodeError } from './errors';
import { DEFAULT_PIXEL_SPACING_MM } from './image';
import { isValidWindowWidth } from './voi';

/** The image attributes of a DICOM data set, validated: everything needed to turn its pixels into a GrayImage. */
export interface DicomImageHeader {
  readonly rows: number;
  readonly columns: number;
  readonly photometric: 'MONOCHROME1' | 'MONOCHROME2';
  readonly bitsAllocated: 8 | 16;
  readonly bitsStored: number;
  readonly highBit: number;
  readonly signed: boolean;
  readonly numberOfFrames: number;
  /** Undefined when neither slope nor intercept is present (identity). */
  readonly rescale?: { readonly slope: number; readonly intercept: number; readonly type?: string };
  /** Valid windows only (invalid ones are dropped with a warning). */
  readonly windows: readonly VoiWindow[];
  /** Undefined when (0028,1056) is absent (LINEAR then applies). */
  readonly voiLutFunction?: VoiLutFunction;
  readonly spacing: { readonly row: number; readonly col: number; readonly source: SpacingSource };
  readonly estimatedMagnificationFactor?: number;
  readonly modality?: string;
  readonly manufacturer?: string;
  readonly manufacturerModelName?: string;
  readonly viewPosition?: string;
  readonly imageLaterality?: string;
  readonly presentationIntentType?: string;
  readonly sopClassUid?: string;
  readonly identifiers: DicomIdentifiers;
  readonly warnings: readonly string[];
}

/** dicom-parser tag keys ("xGGGGEEEE") of the attributes read here. */
export const TAG = {
  sopClassUid: 'x00080016',
  sopInstanceUid: 'x00080018',
  modality: 'x00080060',
  presentationIntentType: 'x00080068',
  manufacturer: 'x00080070',
  manufacturerModelName: 'x00081090',
  patientId: 'x00100020',
  patientAge: 'x00101010',
  estimatedMagnificationFactor: 'x00181114',
  imagerPixelSpacing: 'x00181164',
  viewPosition: 'x00185101',
  studyInstanceUid: 'x0020000d',
  seriesInstanceUid: 'x0020000e',
  laterality: 'x00200060',
  imageLaterality: 'x00200062',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  rescaleType: 'x00281054',
  windowExplanation: 'x00281055',
  voiLutFunction: 'x00281056',
  pixelData: 'x7fe00010',
} as const;

/**
 * Reads and validates the image attributes of a parsed DICOM data set.
 *
 * Parameters
 * ----------
 * dataSet : from dicom-parser's `parseDicom`.
 *
 * Returns the header. Pixel spacing: PixelSpacing (0028,0030), else ImagerPixelSpacing (0018,1164), both
 * "row spacing\column spacing" in mm (PS3.3 10.7.1.3); a missing or invalid (non-positive, non-finite,
 * not two values) attribute falls through to the next, and finally to 0.1 mm with source 'default'.
 * Defaults with a warning: SamplesPerPixel 1, PhotometricInterpretation MONOCHROME2, BitsStored =
 * BitsAllocated, HighBit = BitsStored − 1, PixelRepresentation 0, NumberOfFrames 1.
 *
 * Raises ImageDecodeError:
 * - MISSING_ATTRIBUTE: Rows, Columns or BitsAllocated absent;
 * - ZERO_SIZE: Rows or Columns 0;
 * - UNSUPPORTED_PIXEL_FORMAT: SamplesPerPixel ≠ 1, photometric not MONOCHROME1/2, BitsAllocated ∉ {8, 16};
 * - INVALID_VALUE: BitsStored / HighBit / PixelRepresentation / NumberOfFrames out of range, rescale slope
 *   or intercept not a finite number, slope 0.
 */
export function readImageHeader(dataSet: DataSet): DicomImageHeader {
  const warnings: string[] = [];
  const rows = requiredUint16(dataSet, TAG.rows, 'Rows (0028,0010)');
  const columns = requiredUint16(dataSet, TAG.columns, 'Columns (0028,0011)');
  if (rows === 0 || columns === 0) {
    throw new ImageDecodeError('ZERO_SIZE', `image has ${rows} rows and ${columns} columns`);
  }

  const samplesPerPixel = dataSet.uint16(TAG.samplesPerPixel);
  if (samplesPerPixel === undefined) warnings.push('SamplesPerPixel (0028,0002) absent: assumed 1');
  else if (samplesPerPixel !== 1) {
    throw new ImageDecodeError(
      'UNSUPPORTED_PIXEL_FORMAT',
      `SamplesPerPixel (0028,0002) is ${samplesPerPixel}; only single-sample (grayscale) images are supported`,
    );
  }

  const photometric = readPhotometric(dataSet, warnings);
  const bitsAllocatedRaw = requiredUint16(dataSet, TAG.bitsAllocated, 'BitsAllocated (0028,0100)');
  if (bitsAllocatedRaw !== 8 && bitsAllocatedRaw !== 16) {
    throw new ImageDecodeError(
      'UNSUPPORTED_PIXEL_FORMAT',
      `BitsAllocated (0028,0100) is ${bitsAllocatedRaw}; only 8 and 16 are supported`,
    );
  }
  const bitsAllocated: 8 | 16 = bitsAllocatedRaw;
  const { bitsStored, highBit, signed } = readBitLayout(dataSet, bitsAllocated, warnings);
  const numberOfFrames = readNumberOfFrames(dataSet, warnings);

  return {
    rows,
    columns,
    photometric,
    bitsAllocated,
    bitsStored,
    highBit,
    signed,
    numberOfFrames,
    rescale: readRescale(dataSet),
    windows: readWindows(dataSet, warnings),
    voiLutFunction: readVoiLutFunction(dataSet, warnings),
    spacing: readSpacing(dataSet, warnings),
    estimatedMagnificationFactor: positiveOrUndefined(dataSet.floatString(TAG.estimatedMagnificationFactor)),
    modality: text(dataSet, TAG.modality),
    manufacturer: text(dataSet, TAG.manufacturer),
    manufacturerModelName: text(dataSet, TAG.manufacturerModelName),
    viewPosition: text(dataSet, TAG.viewPosition),
    imageLaterality: text(dataSet, TAG.imageLaterality) ?? text(dataSet, TAG.laterality),
    presentationIntentType: text(dataSet, TAG.presentationIntentType),
    sopClassUid: uid(dataSet, TAG.sopClassUid),
    identifiers: {
      patientId: text(dataSet, TAG.patientId),
      patientAge: text(dataSet, TAG.patientAge),
      studyInstanceUid: uid(dataSet, TAG.studyInstanceUid),
      seriesInstanceUid: uid(dataSet, TAG.seriesInstanceUid),
      sopInstanceUid: uid(dataSet, TAG.sopInstanceUid),
    },
    warnings,
  };
}

function requiredUint16(dataSet: DataSet, tag: string, name: string): number {
  const value = dataSet.elements[tag] ? dataSet.uint16(tag) : undefined;
  if (value === undefined) throw new ImageDecodeError('MISSING_ATTRIBUTE', `${name} is absent`);
  return value;
}

function readPhotometric(dataSet: DataSet, warnings: string[]): 'MONOCHROME1' | 'MONOCHROME2' {
  const value = text(dataSet, TAG.photometric);
  if (value === undefined) {
    warnings.push('PhotometricInterpretation (0028,0004) absent: assumed MONOCHROME2');
    return 'MONOCHROME2';
  }
  if (value === 'MONOCHROME1' || value === 'MONOCHROME2') return value;
  throw new ImageDecodeError(
    'UNSUPPORTED_PIXEL_FORMAT',
    `PhotometricInterpretation (0028,0004) is ${value}; only MONOCHROME1 and MONOCHROME2 are supported`,
  );
}

function readBitLayout(
  dataSet: DataSet,
  bitsAllocated: 8 | 16,
  warnings: string[],
): { bitsStored: number; highBit: number; signed: boolean } {
  let bitsStored = dataSet.uint16(TAG.bitsStored);
  if (bitsStored === undefined) {
    warnings.push(`BitsStored (0028,0101) absent: assumed ${bitsAllocated}`);
    bitsStored = bitsAllocated;
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new ImageDecodeError(
      'INVALID_VALUE',
      `BitsStored (0028,0101) is ${bitsStored}; it must be between 1 and BitsAllocated (${bitsAllocated})`,
    );
  }
  let highBit = dataSet.uint16(TAG.highBit);
  if (highBit === undefined) {
    warnings.push(`HighBit (0028,0102) absent: assumed ${bitsStored - 1}`);
    highBit = bitsStored - 1;
  }
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new ImageDecodeError(
      'INVALID_VALUE',
      `HighBit (0028,0102) is ${highBit}; with BitsStored ${bitsStored} and BitsAllocated ${bitsAllocated} it must be between ${bitsStored - 1} and ${bitsAllocated - 1}`,
    );
  }
  let representation = dataSet.uint16(TAG.pixelRepresentation);
  if (representation === undefined) {
    warnings.push('PixelRepresentation (0028,0103) absent: assumed 0 (unsigned)');
    representation = 0;
  }
  if (representation !== 0 && representation !== 1) {
    throw new ImageDecodeError(
      'INVALID_VALUE',
      `PixelRepresentation (0028,0103) is ${representation}; must be 0 or 1`,
    );
  }
  return { bitsStored, highBit, signed: representation === 1 };
}

function readNumberOfFrames(dataSet: DataSet, warnings: string[]): number {
  if (!dataSet.elements[TAG.numberOfFrames]) return 1;
  const frames = dataSet.intString(TAG.numberOfFrames);
  if (frames === undefined) {
    warnings.push('NumberOfFrames (0028,0008) empty: assumed 1');
    return 1;
  }
  if (!Number.isInteger(frames) || frames < 1) {
    throw new ImageDecodeError('INVALID_VALUE', `NumberOfFrames (0028,0008) is ${frames}; must be >= 1`);
  }
  return frames;
}

function readRescale(dataSet: DataSet): DicomImageHeader['rescale'] {
  const hasSlope = dataSet.elements[TAG.rescaleSlope] !== undefined;
  const hasIntercept = dataSet.elements[TAG.rescaleIntercept] !== undefined;
  if (!hasSlope && !hasIntercept) return undefined;
  const slope = hasSlope ? decimal(dataSet, TAG.rescaleSlope) : 1;
  const intercept = hasIntercept ? decimal(dataSet, TAG.rescaleIntercept) : 0;
  if (!Number.isFinite(slope) || slope === 0) {
    throw new ImageDecodeError(
      'INVALID_VALUE',
      `RescaleSlope (0028,1053) is "${dataSet.string(TAG.rescaleSlope)}"; it must be a finite non-zero number`,
    );
  }
  if (!Number.isFinite(intercept)) {
    throw new ImageDecodeError(
      'INVALID_VALUE',
      `RescaleIntercept (0028,1052) is "${dataSet.string(TAG.rescaleIntercept)}"; it must be a finite number`,
    );
  }
  return { slope, intercept, type: text(dataSet, TAG.rescaleType) };
}

/** A DS value as a number: NaN when empty or not a decimal string (dicom-parser's parseFloat is lenient). */
function decimal(dataSet: DataSet, tag: string, index = 0): number {
  const raw = dataSet.string(tag, index);
  if (raw === undefined || raw.trim() === '') return Number.NaN;
  const trimmed = raw.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function decimals(dataSet: DataSet, tag: string): number[] {
  const count = dataSet.elements[tag] ? (dataSet.numStringValues(tag) ?? 0) : 0;
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(decimal(dataSet, tag, i));
  return values;
}

function readVoiLutFunction(dataSet: DataSet, warnings: string[]): VoiLutFunction | undefined {
  const value = text(dataSet, TAG.voiLutFunction);
  if (value === undefined) return undefined;
  if (value === 'LINEAR' || value === 'LINEAR_EXACT' || value === 'SIGMOID') return value;
  warnings.push(`VOILUTFunction (0028,1056) "${value}" unknown: LINEAR used`);
  return 'LINEAR';
}

function readWindows(dataSet: DataSet, warnings: string[]): VoiWindow[] {
  const centers = decimals(dataSet, TAG.windowCenter);
  const widths = decimals(dataSet, TAG.windowWidth);
  const kind = readVoiLutFunctionQuietly(dataSet);
  const windows: VoiWindow[] = [];
  const count = Math.min(centers.length, widths.length);
  if (centers.length !== widths.length) {
    warnings.push(
      `${centers.length} window centers but ${widths.length} window widths: first ${count} pairs used`,
    );
  }
  for (let i = 0; i < count; i++) {
    const center = centers[i];
    const width = widths[i];
    if (!Number.isFinite(center) || !isValidWindowWidth(kind, width)) {
      warnings.push(`window ${i} (center ${center}, width ${width}) is invalid for ${kind}: ignored`);
      continue;
    }
    const explanation = text(dataSet, TAG.windowExplanation, i);
    windows.push(explanation === undefined ? { center, width } : { center, width, explanation });
  }
  return windows;
}

function readVoiLutFunctionQuietly(dataSet: DataSet): VoiLutFunction {
  const value = text(dataSet, TAG.voiLutFunction);
  return value === 'LINEAR_EXACT' || value === 'SIGMOID' ? value : 'LINEAR';
}

function readSpacing(dataSet: DataSet, warnings: string[]): DicomImageHeader['spacing'] {
  const sources = [
    { tag: TAG.pixelSpacing, source: 'PixelSpacing', name: 'PixelSpacing (0028,0030)' },
    { tag: TAG.imagerPixelSpacing, source: 'ImagerPixelSpacing', name: 'ImagerPixelSpacing (0018,1164)' },
  ] as const;
  for (const { tag, source, name } of sources) {
    if (!dataSet.elements[tag]) continue;
    const values = decimals(dataSet, tag);
    if (values.length === 2 && values.every((v) => Number.isFinite(v) && v > 0)) {
      return { row: values[0], col: values[1], source };
    }
    warnings.push(`${name} "${dataSet.string(tag) ?? ''}" is not two positive numbers: ignored`);
  }
  return { row: DEFAULT_PIXEL_SPACING_MM, col: DEFAULT_PIXEL_SPACING_MM, source: 'default' };
}

function positiveOrUndefined(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A string attribute without padding; undefined when absent or empty. */
function text(dataSet: DataSet, tag: string, index?: number): string | undefined {
  if (!dataSet.elements[tag]) return undefined;
  const value = dataSet.string(tag, index)?.trim();
  return value ? value : undefined;
}

/** A UI attribute without its NUL padding. */
function uid(dataSet: DataSet, tag: string): string | undefined {
  const value = text(dataSet, tag)?.replace(/\0+$/, '');
  return value ? value : undefined;
}
