import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { type CodecName, encodeCodecFrame } from './codecs';
import {
  bytesElement,
  type DicomElement,
  decimalStringElement,
  encapsulatedPixelDataElement,
  part10File,
  serializeDataSet,
  tag,
  textElement,
  uint16Element,
} from './dicom-elements';
import { ImageEncodeError } from './errors';
import { storedValueRange } from './intensity-lut';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  JPEG_2000_LOSSLESS,
  JPEG_LS_LOSSLESS,
} from './transfer-syntax';

/** What `encodeDicom` writes. */
export interface DicomWriteOptions {
  width: number;
  height: number;
  /**
   * Stored values, row-major, within the range of `bitsStored` bits (0 … 2^bitsStored − 1, or
   * −2^(bitsStored−1) … 2^(bitsStored−1) − 1 when `signed`). Int8Array / Int16Array are accepted for
   * signed data.
   */
  pixels: Uint8Array | Uint16Array | Int8Array | Int16Array;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  /** PixelRepresentation 1: two's complement stored values (default false). */
  signed?: boolean;
  /** Default MONOCHROME2. */
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  /** [row, col] in mm; omitted: no spacing attribute is written. */
  pixelSpacingMm?: [number, number];
  /** Which attribute carries `pixelSpacingMm` (default PixelSpacing). */
  spacingTag?: 'PixelSpacing' | 'ImagerPixelSpacing';
  rescale?: { slope: number; intercept: number };
  /** Window in rescaled units; width >= 1 (LINEAR VOI). */
  window?: { center: number; width: number };
  /** Default explicit-le. */
  transferSyntax?: 'explicit-le' | 'implicit-le' | 'deflated-explicit-le';
  tags?: {
    patientId?: string;
    /** DICOM AS, e.g. '054Y'. */
    patientAge?: string;
    studyInstanceUid?: string;
    seriesInstanceUid?: string;
    sopInstanceUid?: string;
    viewPosition?: 'CC' | 'MLO';
    imageLaterality?: 'L' | 'R';
    manufacturer?: string;
    /** Default 'MG'. */
    modality?: string;
  };
}

/** `encodeDicomCompressed` options: the same image, JPEG 2000 or JPEG-LS lossless in explicit VR LE. */
export interface CompressedDicomWriteOptions extends Omit<DicomWriteOptions, 'transferSyntax'> {
  compression: 'jpeg2000' | 'jpeg-ls';
}

/** Digital Mammography X-Ray Image Storage – For Presentation (PS3.4 B.5). */
export const DIGITAL_MAMMOGRAPHY_FOR_PRESENTATION = '1.2.840.10008.5.1.4.1.1.1.2';
/** Secondary Capture Image Storage, for modalities other than MG. */
export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

const SYNTAX_UID = {
  'explicit-le': EXPLICIT_VR_LITTLE_ENDIAN,
  'implicit-le': IMPLICIT_VR_LITTLE_ENDIAN,
  'deflated-explicit-le': DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
} as const;

/**
 * Writes a single-frame grayscale DICOM Part 10 file (preamble, "DICM", file meta group, data set).
 *
 * The data set holds SOP Class/Instance UIDs, Modality (default MG; MG files are Digital Mammography For
 * Presentation, others Secondary Capture), the optional patient/study/view tags, the Image Pixel module
 * (SamplesPerPixel 1, photometric, Rows, Columns, BitsAllocated, BitsStored, HighBit = BitsStored − 1,
 * PixelRepresentation), the optional PixelSpacing or ImagerPixelSpacing ("row\col"), rescale and window,
 * and PixelData (OW for 16-bit, OB for 8-bit, little endian; signed values as two's complement cells).
 * UIDs not given are derived from a SHA-256 of the options and pixels (2.25 form), so the same input
 * always gives the same bytes.
 *
 * Parameters
 * ----------
 * options : see `DicomWriteOptions`.
 *
 * Returns the file's bytes.
 *
 * Raises ImageEncodeError INVALID_OPTION for inconsistent options: sizes not integers in 1..65535, pixel
 * count ≠ width × height, bitsStored outside 1..bitsAllocated, a pixel outside the bitsStored range,
 * non-positive spacing, a zero or non-finite rescale slope, window width < 1, over-long tag values.
 */
export function encodeDicom(options: DicomWriteOptions): Uint8Array {
  const cells = packCells(options);
  const syntax = options.transferSyntax ?? 'explicit-le';
  const uids = resolveUids(options, cells);
  const pixelElement = bytesElement(
    tag(0x7fe0, 0x0010),
    options.bitsAllocated === 16 ? 'OW' : 'OB',
    cellBytes(cells),
  );
  let dataSet = serializeDataSet([...imageElements(options, uids), pixelElement], syntax !== 'implicit-le');
  if (syntax === 'deflated-explicit-le') dataSet = new Uint8Array(deflateRawSync(dataSet));
  return part10File(dataSet, SYNTAX_UID[syntax], uids.sopClass, uids.sopInstance);
}

/**
 * Writes a single-frame DICOM file with JPEG 2000 lossless (1.2.840.10008.1.2.4.90) or JPEG-LS lossless
 * (1.2.840.10008.1.2.4.80) encapsulated pixel data: one fragment, Basic Offset Table filled. Same
 * attributes and validation as `encodeDicom`.
 *
 * Raises ImageEncodeError INVALID_OPTION as `encodeDicom`; ENCODER_FAILED when the codec fails.
 */
export async function encodeDicomCompressed(options: CompressedDicomWriteOptions): Promise<Uint8Array> {
  const cells = packCells(options);
  const uids = resolveUids(options, cells);
  const codec: CodecName = options.compression;
  // JPEG-LS codes unsigned samples: signed values travel as their bitsStored-bit patterns (PS3.5 A.4.3).
  const samples = codec === 'jpeg-ls' && options.signed ? maskCells(cells, options.bitsStored) : cells;
  const encoded = await encodeCodecFrame(
    codec,
    samples,
    options.width,
    options.height,
    options.bitsStored,
    codec === 'jpeg2000' && options.signed === true,
  );
  const pixelElement = encapsulatedPixelDataElement([[encoded]]);
  const dataSet = serializeDataSet([...imageElements(options, uids), pixelElement], true);
  const syntaxUid = codec === 'jpeg2000' ? JPEG_2000_LOSSLESS : JPEG_LS_LOSSLESS;
  return part10File(dataSet, syntaxUid, uids.sopClass, uids.sopInstance);
}

export interface ResolvedUids {
  readonly sopClass: string;
  readonly sopInstance: string;
  readonly study: string;
  readonly series: string;
}

/**
 * Every attribute of the data set except PixelData, validated. Exported for tests that need to alter one
 * attribute of an otherwise valid file.
 */
export function imageElements(
  options: Omit<DicomWriteOptions, 'pixels' | 'transferSyntax'>,
  uids: ResolvedUids,
): DicomElement[] {
  const tags = options.tags ?? {};
  const modality = tags.modality ?? 'MG';
  const elements: DicomElement[] = [
    textElement(tag(0x0008, 0x0008), 'CS', 'DERIVED\\PRIMARY'),
    textElement(tag(0x0008, 0x0016), 'UI', uids.sopClass),
    textElement(tag(0x0008, 0x0018), 'UI', uids.sopInstance),
    textElement(tag(0x0008, 0x0060), 'CS', modality),
    textElement(tag(0x0020, 0x000d), 'UI', uids.study),
    textElement(tag(0x0020, 0x000e), 'UI', uids.series),
    uint16Element(tag(0x0028, 0x0002), 1),
    textElement(tag(0x0028, 0x0004), 'CS', options.photometric ?? 'MONOCHROME2'),
    uint16Element(tag(0x0028, 0x0010), options.height),
    uint16Element(tag(0x0028, 0x0011), options.width),
    uint16Element(tag(0x0028, 0x0100), options.bitsAllocated),
    uint16Element(tag(0x0028, 0x0101), options.bitsStored),
    uint16Element(tag(0x0028, 0x0102), options.bitsStored - 1),
    uint16Element(tag(0x0028, 0x0103), options.signed ? 1 : 0),
  ];
  if (modality === 'MG') elements.push(textElement(tag(0x0008, 0x0068), 'CS', 'FOR PRESENTATION'));
  if (tags.manufacturer !== undefined)
    elements.push(textElement(tag(0x0008, 0x0070), 'LO', tags.manufacturer));
  if (tags.patientId !== undefined) elements.push(textElement(tag(0x0010, 0x0020), 'LO', tags.patientId));
  if (tags.patientAge !== undefined) {
    if (!/^\d{3}[DWMY]$/.test(tags.patientAge)) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `patientAge "${tags.patientAge}" is not a DICOM age string like 054Y`,
      );
    }
    elements.push(textElement(tag(0x0010, 0x1010), 'AS', tags.patientAge));
  }
  if (tags.viewPosition !== undefined)
    elements.push(textElement(tag(0x0018, 0x5101), 'CS', tags.viewPosition));
  if (tags.imageLaterality !== undefined) {
    elements.push(textElement(tag(0x0020, 0x0062), 'CS', tags.imageLaterality));
  }
  if (options.pixelSpacingMm !== undefined) {
    const [row, col] = options.pixelSpacingMm;
    if (!(row > 0 && col > 0 && Number.isFinite(row) && Number.isFinite(col))) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `pixelSpacingMm [${row}, ${col}] must be two positive numbers`,
      );
    }
    const spacingTag =
      options.spacingTag === 'ImagerPixelSpacing' ? tag(0x0018, 0x1164) : tag(0x0028, 0x0030);
    elements.push(decimalStringElement(spacingTag, row, col));
  }
  if (options.window !== undefined) {
    const { center, width } = options.window;
    if (!Number.isFinite(center) || !Number.isFinite(width) || width < 1) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `window center ${center} / width ${width}: width must be >= 1`,
      );
    }
    elements.push(
      decimalStringElement(tag(0x0028, 0x1050), center),
      decimalStringElement(tag(0x0028, 0x1051), width),
    );
  }
  if (options.rescale !== undefined) {
    const { slope, intercept } = options.rescale;
    if (!Number.isFinite(slope) || slope === 0 || !Number.isFinite(intercept)) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `rescale slope ${slope} / intercept ${intercept} must be finite, slope ≠ 0`,
      );
    }
    elements.push(
      decimalStringElement(tag(0x0028, 0x1052), intercept),
      decimalStringElement(tag(0x0028, 0x1053), slope),
      textElement(tag(0x0028, 0x1054), 'LO', 'US'),
    );
  }
  return elements;
}

/**
 * Validates size and bit depth and copies the pixels into cells of `bitsAllocated` bits (signed values as
 * two's complement of the whole cell).
 */
function packCells(options: Omit<DicomWriteOptions, 'transferSyntax'>): Uint8Array | Uint16Array {
  const { width, height, pixels, bitsAllocated, bitsStored } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
      throw new ImageEncodeError('INVALID_OPTION', `${name} ${value} must be an integer in 1..65535`);
    }
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new ImageEncodeError('INVALID_OPTION', `bitsAllocated ${bitsAllocated} must be 8 or 16`);
  }
  if (!Number.isInteger(bitsStored) || bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new ImageEncodeError(
      'INVALID_OPTION',
      `bitsStored ${bitsStored} must be an integer in 1..${bitsAllocated}`,
    );
  }
  const count = width * height;
  if (pixels.length !== count) {
    throw new ImageEncodeError(
      'INVALID_OPTION',
      `pixels has ${pixels.length} values; ${width}×${height} needs ${count}`,
    );
  }
  const { min, max } = storedValueRange(bitsStored, options.signed === true);
  const cells = bitsAllocated === 16 ? new Uint16Array(count) : new Uint8Array(count);
  const cellMask = bitsAllocated === 16 ? 0xffff : 0xff;
  for (let i = 0; i < count; i++) {
    const v = pixels[i];
    if (v < min || v > max) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `pixel ${i} is ${v}, outside ${min}..${max} of ${bitsStored}-bit ${options.signed ? 'signed' : 'unsigned'} data`,
      );
    }
    cells[i] = v & cellMask;
  }
  return cells;
}

function maskCells(cells: Uint8Array | Uint16Array, bitsStored: number): Uint8Array | Uint16Array {
  const masked = cells.slice();
  const mask = 2 ** bitsStored - 1;
  for (let i = 0; i < masked.length; i++) masked[i] &= mask;
  return masked;
}

/** The cells as little endian bytes (typed arrays are little endian on every host Node supports). */
function cellBytes(cells: Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(cells.buffer, cells.byteOffset, cells.byteLength);
}

/** Given UIDs, else 2.25 UIDs derived from a SHA-256 of the options and the pixels (deterministic). */
function resolveUids(
  options: Omit<DicomWriteOptions, 'transferSyntax'>,
  cells: Uint8Array | Uint16Array,
): ResolvedUids {
  const tags = options.tags ?? {};
  const { pixels: _pixels, ...rest } = options;
  const digest = createHash('sha256').update(JSON.stringify(rest)).update(cellBytes(cells)).digest('hex');
  return {
    sopClass: (tags.modality ?? 'MG') === 'MG' ? DIGITAL_MAMMOGRAPHY_FOR_PRESENTATION : SECONDARY_CAPTURE,
    sopInstance: tags.sopInstanceUid ?? derivedUid(digest, 'sop'),
    study: tags.studyInstanceUid ?? derivedUid(digest, 'study'),
    series: tags.seriesInstanceUid ?? derivedUid(digest, 'series'),
  };
}

/** A "2.25." UID (PS3.5 B.2) from a name-based UUID (version 8 layout) of `digest` and `label`. */
function derivedUid(digest: string, label: string): string {
  const hash = createHash('sha256').update(label).update(digest).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 9562 variant
  return `2.25.${BigInt(`0x${hash.subarray(0, 16).toString('hex')}`).toString()}`;
}
