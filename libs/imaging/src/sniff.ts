import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax';

/** What the first bytes of a file say it is. */
export type SniffedFormat =
  /** Part 10 file: 128-byte preamble and "DICM". */
  | { readonly format: 'dicom'; readonly layout: 'part10' }
  /** File meta group (0002,xxxx) without the preamble and "DICM". */
  | { readonly format: 'dicom'; readonly layout: 'meta-without-preamble' }
  /** Bare data set starting at group 0008, no file meta: the transfer syntax is inferred. */
  | { readonly format: 'dicom'; readonly layout: 'raw-dataset'; readonly transferSyntaxUid: string }
  | { readonly format: 'png' }
  | { readonly format: 'tiff' };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Value representations of PS3.5 Table 6.2-1, for recognising an explicit VR element header. */
const VRS = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FL',
  'FD',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
]);

/**
 * Identifies a file by its magic bytes.
 *
 * DICOM: "DICM" at offset 128 (Part 10). Without it, a data set is recognised only when its first two
 * element headers are consistent: the first tag is in group 0002 (meta group) or 0008, and either both
 * elements carry a valid explicit VR, or (implicit VR) both lengths fit in the file and the second tag
 * follows the first in the same or a higher group. PNG: the 8-byte PNG signature. TIFF: "II*\0" or "MM\0*".
 *
 * Parameters
 * ----------
 * bytes : the start of the file (the whole file is fine).
 *
 * Returns the format, or undefined when none matches.
 */
export function sniffFormat(bytes: Uint8Array): SniffedFormat | undefined {
  if (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  ) {
    return { format: 'dicom', layout: 'part10' };
  }
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return { format: 'png' };
  if (bytes.length >= 4) {
    const littleTiff = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0x00;
    const bigTiff = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0x00 && bytes[3] === 0x2a;
    if (littleTiff || bigTiff) return { format: 'tiff' };
  }
  return sniffBareDataSet(bytes);
}

function sniffBareDataSet(bytes: Uint8Array): SniffedFormat | undefined {
  if (bytes.length < 16) return undefined;
  const group = u16(bytes, 0);
  if (group !== 0x0002 && group !== 0x0008) return undefined;
  const explicit = explicitHeaderEnd(bytes, 0);
  if (explicit !== undefined) {
    const second = explicitHeaderEnd(bytes, explicit);
    if (second === undefined || !tagFollows(bytes, 0, explicit)) return undefined;
    if (group === 0x0002) return { format: 'dicom', layout: 'meta-without-preamble' };
    return { format: 'dicom', layout: 'raw-dataset', transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN };
  }
  if (group === 0x0002) return undefined; // the meta group is always explicit VR
  const firstEnd = 8 + u32(bytes, 4);
  if (firstEnd + 8 > bytes.length || !tagFollows(bytes, 0, firstEnd)) return undefined;
  if (firstEnd + 8 + u32(bytes, firstEnd + 4) > bytes.length) return undefined;
  return { format: 'dicom', layout: 'raw-dataset', transferSyntaxUid: IMPLICIT_VR_LITTLE_ENDIAN };
}

/** End offset of an explicit VR little endian element starting at `at`, or undefined if it is not one. */
function explicitHeaderEnd(bytes: Uint8Array, at: number): number | undefined {
  if (at + 8 > bytes.length) return undefined;
  const vr = String.fromCharCode(bytes[at + 4], bytes[at + 5]);
  if (!VRS.has(vr)) return undefined;
  const longForm = ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(vr);
  if (!longForm) return at + 8 + u16(bytes, at + 6);
  if (at + 12 > bytes.length) return undefined;
  const length = u32(bytes, at + 8);
  // Undefined length (sequences) cannot be skipped cheaply; the VR check alone then decides.
  return length === 0xffffffff ? at + 12 : at + 12 + length;
}

/** Whether the tag at `next` sorts after the tag at `first` (data set elements ascend by tag). */
function tagFollows(bytes: Uint8Array, first: number, next: number): boolean {
  if (next + 4 > bytes.length) return false;
  const a = u16(bytes, first) * 0x10000 + u16(bytes, first + 2);
  const b = u16(bytes, next) * 0x10000 + u16(bytes, next + 2);
  return b > a;
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
}
