import { inflateRawSync } from 'node:zlib';
import { type DataSet, type Element, parseDicom, readPart10Header } from 'dicom-parser';
import { type CodecName, decodeCodecFrame } from './codecs';
import { DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeOptions, type ImageMeta } from './decoded-image';
import { type DicomImageHeader, readImageHeader, TAG } from './dicom-header';
import { assertCompleteCodestream, extractFirstFrame } from './encapsulated';
import { ImageDecodeError } from './errors';
import { buildIntensityLut, type IntensityTransform, mapCells, rescaledRange } from './intensity-lut';
import { sniffFormat } from './sniff';
import { lookupTransferSyntax, type TransferSyntax } from './transfer-syntax';

/** Headroom over the largest 16-bit frame for the non-pixel part of an inflated data set. */
const INFLATE_HEADER_ALLOWANCE_BYTES = 16 * 1024 * 1024;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes frame 0 of a DICOM file into a MONOCHROME2 GrayImage with intensities in [0, 1].
 *
 * Reads Part 10 files (preamble + "DICM"), meta groups without preamble, and bare data sets (implicit or
 * explicit VR little endian, detected from the first two element headers). Transfer syntaxes: implicit
 * and explicit VR little endian, deflated explicit VR little endian, JPEG 2000 (.4.90/.4.91, OpenJPEG)
 * and JPEG-LS (.4.80/.4.81, CharLS).
 *
 * Intensities (see the README): each stored value s (masked to BitsStored below HighBit, sign-extended
 * when PixelRepresentation is 1) is rescaled, v = slope × s + intercept, then
 * - by default: data = (v − low) / (high − low) where low/high are the smallest/largest v that any
 *   stored value of the file's BitsStored and signedness can produce (for unsigned data with a positive
 *   slope that is s / (2^BitsStored − 1));
 * - with `applyVoiWindow` and a valid window in the file: data = VOI function of the first window
 *   (LINEAR per PS3.3 C.11.2.1.2.1, or LINEAR_EXACT / SIGMOID per (0028,1056)).
 * MONOCHROME1 images are then inverted (1 − data), so bright is always dense.
 *
 * Pixel spacing: PixelSpacing (0028,0030), else ImagerPixelSpacing (0018,1164), as [row, col] mm; else
 * 0.1 mm with spacingAssumed = true.
 *
 * Parameters
 * ----------
 * bytes : the whole file.
 * options.maxPixels : largest Rows × Columns accepted (default 50e6), checked before any pixel is read.
 * options.applyVoiWindow : use the file's first VOI window (default false).
 *
 * Returns the image with format 'dicom' and its meta.
 *
 * Raises ImageDecodeError: EMPTY, UNSUPPORTED_FORMAT (not DICOM), TRUNCATED, CORRUPT, TOO_LARGE,
 * ZERO_SIZE, UNSUPPORTED_TRANSFER_SYNTAX (message names the UID and syntax), UNSUPPORTED_PIXEL_FORMAT,
 * MISSING_ATTRIBUTE, INVALID_VALUE, INVALID_OPTION.
 */
export async function decodeDicom(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = validMaxPixels(options.maxPixels);
  const { dataSet, syntax } = parseDataSet(bytes, maxPixels);
  const header = readImageHeader(dataSet);
  const pixelCount = header.rows * header.columns;
  if (pixelCount > maxPixels) {
    throw new ImageDecodeError(
      'TOO_LARGE',
      `image is ${header.columns}×${header.rows} = ${pixelCount} pixels; the limit is ${maxPixels}`,
    );
  }
  const pixelElement = dataSet.elements[TAG.pixelData];
  if (!pixelElement) throw new ImageDecodeError('MISSING_ATTRIBUTE', 'PixelData (7FE0,0010) is absent');

  const frame =
    syntax.encoding === 'jpeg2000' || syntax.encoding === 'jpeg-ls'
      ? await readCompressedFrame(dataSet, pixelElement, header, syntax.encoding)
      : readNativeFrame(dataSet, pixelElement, header);

  const { transform, normalization, warnings } = chooseTransform(header, options.applyVoiWindow === true);
  const slope = header.rescale?.slope ?? 1;
  const intercept = header.rescale?.intercept ?? 0;
  const lut = buildIntensityLut(
    header,
    frame.cellShift,
    slope,
    intercept,
    transform,
    header.photometric === 'MONOCHROME1',
  );
  const data = mapCells(frame.cells, pixelCount, lut);

  const meta: ImageMeta = {
    photometric: header.photometric,
    bitsAllocated: header.bitsAllocated,
    highBit: header.highBit,
    pixelRepresentation: header.signed ? 'signed' : 'unsigned',
    transferSyntaxUid: syntax.uid,
    transferSyntaxName: syntax.name,
    rescale: header.rescale,
    windows: header.windows,
    voiLutFunction: header.voiLutFunction,
    normalization,
    spacingSource: header.spacing.source,
    estimatedMagnificationFactor: header.estimatedMagnificationFactor,
    modality: header.modality,
    manufacturer: header.manufacturer,
    manufacturerModelName: header.manufacturerModelName,
    viewPosition: header.viewPosition,
    imageLaterality: header.imageLaterality,
    presentationIntentType: header.presentationIntentType,
    sopClassUid: header.sopClassUid,
    identifiers: header.identifiers,
    numberOfFrames: header.numberOfFrames,
    multiFrame: header.numberOfFrames > 1,
    warnings: [...header.warnings, ...warnings],
  };
  return {
    width: header.columns,
    height: header.rows,
    data,
    pixelSpacingMm: { row: header.spacing.row, col: header.spacing.col },
    spacingAssumed: header.spacing.source === 'default',
    bitsStored: header.bitsStored,
    format: 'dicom',
    meta,
  };
}

function validMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0) || !Number.isFinite(maxPixels)) {
    throw new ImageDecodeError(
      'INVALID_OPTION',
      `maxPixels must be a positive finite number, got ${maxPixels}`,
    );
  }
  return maxPixels;
}

/**
 * Parses the file's data set (everything but the pixel values, which dicom-parser only locates).
 * The transfer syntax is checked before the data set is parsed, so an unsupported one is reported by name.
 */
function parseDataSet(bytes: Uint8Array, maxPixels: number): { dataSet: DataSet; syntax: TransferSyntax } {
  if (bytes.length === 0) throw new ImageDecodeError('EMPTY', 'the file is empty (0 bytes)');
  const sniffed = sniffFormat(bytes);
  if (sniffed?.format !== 'dicom') {
    throw new ImageDecodeError(
      'UNSUPPORTED_FORMAT',
      'not a DICOM file: no "DICM" at byte 128 and no data set header',
    );
  }
  let file = bytes;
  if (sniffed.layout === 'meta-without-preamble') {
    // dicom-parser reads a file meta group only behind the preamble; give it one.
    file = new Uint8Array(132 + bytes.length);
    file.set([0x44, 0x49, 0x43, 0x4d], 128);
    file.set(bytes, 132);
  }
  let transferSyntaxUid: string;
  if (sniffed.layout === 'raw-dataset') {
    transferSyntaxUid = sniffed.transferSyntaxUid;
  } else {
    const meta = callParser(() => readPart10Header(file), 'file meta header');
    assertMetaGroupComplete(meta, file.length);
    const element = meta.elements.x00020010;
    const uid = element ? meta.string('x00020010') : undefined;
    if (!uid) throw new ImageDecodeError('MISSING_ATTRIBUTE', 'TransferSyntaxUID (0002,0010) is absent');
    transferSyntaxUid = uid;
  }
  const syntax = lookupTransferSyntax(transferSyntaxUid);
  if (syntax.encoding === 'unsupported') {
    throw new ImageDecodeError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `transfer syntax ${syntax.uid} (${syntax.name}) is not supported; supported: implicit/explicit VR little endian, deflated explicit VR little endian, JPEG 2000 (.4.90, .4.91), JPEG-LS (.4.80, .4.81)`,
    );
  }
  const dataSet = callParser(
    () =>
      parseDicom(file, {
        TransferSyntaxUID: sniffed.layout === 'raw-dataset' ? transferSyntaxUid : undefined,
        inflater:
          syntax.encoding === 'deflated'
            ? (array, position) => inflate(array, position, maxPixels)
            : undefined,
      }),
    'data set',
  );
  return { dataSet, syntax };
}

/**
 * dicom-parser stops quietly at the end of a cut meta group; the group length (0002,0000) and the last
 * element's extent tell whether the group is whole.
 */
function assertMetaGroupComplete(meta: DataSet & { position?: number }, fileLength: number): void {
  let end = meta.position ?? 0;
  for (const element of Object.values(meta.elements))
    end = Math.max(end, element.dataOffset + element.length);
  const lengthElement = meta.elements.x00020000;
  if (end <= fileLength && lengthElement?.length === 4) {
    // 132 bytes of preamble + "DICM", then 12 bytes of the (0002,0000) element itself.
    end = Math.max(end, 132 + 12 + (meta.uint32('x00020000') ?? 0));
  }
  if (end > fileLength) {
    throw new ImageDecodeError(
      'TRUNCATED',
      `file meta group ends at byte ${end}; the file ends at ${fileLength}`,
    );
  }
}

/** The inflater dicom-parser calls for deflated files: header bytes + inflated data set, bounded in size. */
function inflate(file: Uint8Array, position: number, maxPixels: number): Uint8Array {
  const maxOutputLength = maxPixels * 2 + INFLATE_HEADER_ALLOWANCE_BYTES;
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(file.subarray(position), { maxOutputLength });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageDecodeError(
        'TOO_LARGE',
        `deflated data set inflates beyond ${maxOutputLength} bytes (maxPixels ${maxPixels} × 2 + header allowance)`,
        { cause: error },
      );
    }
    const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(String((error as Error).message));
    throw new ImageDecodeError(
      truncated ? 'TRUNCATED' : 'CORRUPT',
      `deflated data set cannot be inflated: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const whole = new Uint8Array(position + inflated.length);
  whole.set(file.subarray(0, position), 0);
  whole.set(inflated, position);
  return whole;
}

/** Runs a dicom-parser call, turning its thrown strings / `{ exception }` objects into typed errors. */
function callParser<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    const inner =
      typeof error === 'object' && error !== null && 'exception' in error ? error.exception : error;
    if (inner instanceof ImageDecodeError) throw inner;
    const message = inner instanceof Error ? inner.message : String(inner);
    const truncated = /overrun|overread|past end|end of buffer|eof|cannot be greater than or equal to/i.test(
      message,
    );
    throw new ImageDecodeError(
      truncated ? 'TRUNCATED' : 'CORRUPT',
      `cannot parse the DICOM ${what}: ${message}`,
      {
        cause: error,
      },
    );
  }
}

/** Pixel cells of frame 0 and how far right to shift them before masking. */
interface CellFrame {
  readonly cells: Uint8Array | Uint16Array;
  readonly cellShift: number;
}

/**
 * Frame 0 of native (uncompressed) pixel data as 8/16-bit cells, without copying when the data are
 * 2-byte aligned in memory (a little endian host reads them in place).
 */
function readNativeFrame(dataSet: DataSet, element: Element, header: DicomImageHeader): CellFrame {
  if (element.encapsulatedPixelData || element.hadUndefinedLength) {
    throw new ImageDecodeError(
      'CORRUPT',
      'PixelData is encapsulated but the transfer syntax is uncompressed',
    );
  }
  const bytesPerCell = header.bitsAllocated / 8;
  const pixelCount = header.rows * header.columns;
  const frameBytes = pixelCount * bytesPerCell;
  const bytes = dataSet.byteArray;
  const available = bytes.length - element.dataOffset;
  if (element.length > available) {
    throw new ImageDecodeError(
      'TRUNCATED',
      `PixelData announces ${element.length} bytes from byte ${element.dataOffset}; the file has ${available}`,
    );
  }
  const allFrames = frameBytes * header.numberOfFrames;
  if (element.length < allFrames) {
    throw new ImageDecodeError(
      'CORRUPT',
      `PixelData holds ${element.length} bytes; ${header.numberOfFrames} frame(s) of ${header.columns}×${header.rows} ${header.bitsAllocated}-bit pixels need ${allFrames}`,
    );
  }
  const cellShift = header.highBit - header.bitsStored + 1;
  const start = bytes.byteOffset + element.dataOffset;
  if (bytesPerCell === 1)
    return { cells: bytes.subarray(element.dataOffset, element.dataOffset + frameBytes), cellShift };
  if (start % 2 === 0 && HOST_IS_LITTLE_ENDIAN) {
    return { cells: new Uint16Array(bytes.buffer, start, pixelCount), cellShift };
  }
  const copy = bytes.slice(element.dataOffset, element.dataOffset + frameBytes);
  if (!HOST_IS_LITTLE_ENDIAN) {
    for (let i = 0; i < copy.length; i += 2) {
      const low = copy[i];
      copy[i] = copy[i + 1];
      copy[i + 1] = low;
    }
  }
  return { cells: new Uint16Array(copy.buffer, 0, pixelCount), cellShift };
}

/**
 * Frame 0 of JPEG 2000 / JPEG-LS pixel data, decoded and checked against the header: same size, one
 * component, 1 byte per sample for BitsAllocated 8 and 2 for 16, and no more bits than BitsStored.
 */
async function readCompressedFrame(
  dataSet: DataSet,
  element: Element,
  header: DicomImageHeader,
  codec: CodecName,
): Promise<CellFrame> {
  if (!element.encapsulatedPixelData) {
    throw new ImageDecodeError(
      'CORRUPT',
      `PixelData is not encapsulated but the transfer syntax is ${codec}`,
    );
  }
  const encoded = extractFirstFrame(dataSet, element, header.numberOfFrames, codec);
  assertCompleteCodestream(encoded, codec);
  const frame = await decodeCodecFrame(codec, encoded);
  const bytesPerSample = frame.bitsPerSample <= 8 ? 1 : 2;
  const problems: string[] = [];
  if (frame.width !== header.columns || frame.height !== header.rows) {
    problems.push(`size ${frame.width}×${frame.height} ≠ ${header.columns}×${header.rows}`);
  }
  if (frame.componentCount !== 1) problems.push(`${frame.componentCount} components ≠ 1`);
  if (bytesPerSample * 8 !== header.bitsAllocated) {
    problems.push(`${bytesPerSample}-byte samples ≠ BitsAllocated ${header.bitsAllocated}`);
  }
  if (frame.bitsPerSample > header.bitsStored) {
    problems.push(`${frame.bitsPerSample}-bit samples > BitsStored ${header.bitsStored}`);
  }
  if (problems.length > 0) {
    throw new ImageDecodeError(
      'CORRUPT',
      `decoded ${codec} frame does not match the header: ${problems.join(', ')}`,
    );
  }
  // Codec output is right-aligned (PS3.5 8.2: HighBit = BitsStored − 1 for compressed data).
  return { cells: frame.samples, cellShift: 0 };
}

/**
 * Full-range normalisation, or the first VOI window when asked for and present. An absent window with
 * `applyVoiWindow` falls back to the range with a warning.
 */
function chooseTransform(
  header: DicomImageHeader,
  applyVoiWindow: boolean,
): { transform: IntensityTransform; normalization: ImageMeta['normalization']; warnings: string[] } {
  const inverted = header.photometric === 'MONOCHROME1';
  const warnings: string[] = [];
  if (applyVoiWindow) {
    const window = header.windows[0];
    if (window) {
      const lutFunction = header.voiLutFunction ?? 'LINEAR';
      return {
        transform: { kind: 'voi', window, lutFunction },
        normalization: { kind: 'voi', window, lutFunction, inverted },
        warnings,
      };
    }
    warnings.push('applyVoiWindow: the file has no valid window; full stored range used');
  }
  const { low, high } = rescaledRange(
    header.bitsStored,
    header.signed,
    header.rescale?.slope ?? 1,
    header.rescale?.intercept ?? 0,
  );
  return {
    transform: { kind: 'range', low, high },
    normalization: { kind: 'range', low, high, inverted },
    warnings,
  };
}
