import { ImageEncodeError } from './errors';

/** Value representations this writer emits. */
export type WritableVr = 'AS' | 'CS' | 'DS' | 'IS' | 'LO' | 'OB' | 'OW' | 'SH' | 'UI' | 'UL' | 'US';

/** One data element ready to serialise: tag as (group << 16) | element, value already padded to even length. */
export interface DicomElement {
  readonly tag: number;
  readonly vr: WritableVr;
  readonly value: Uint8Array;
  /** Encapsulated pixel data: `value` holds the items and sequence delimiter; written with undefined length. */
  readonly undefinedLength?: boolean;
}

/** VRs whose explicit VR header has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2). */
const LONG_FORM_VRS = new Set<WritableVr>(['OB', 'OW']);

const UNDEFINED_LENGTH = 0xffffffff;

/** Builds a tag number from its group and element. */
export function tag(group: number, element: number): number {
  return group * 0x10000 + element;
}

/**
 * A text element (AS, CS, DS, IS, LO, SH, UI), padded to even length: UI with NUL, the others with a space.
 *
 * Raises ImageEncodeError INVALID_OPTION when the value has a backslash-free part longer than the VR
 * allows or characters outside printable ASCII.
 */
export function textElement(
  tagNumber: number,
  vr: 'AS' | 'CS' | 'DS' | 'IS' | 'LO' | 'SH' | 'UI',
  value: string,
): DicomElement {
  const maxLength = { AS: 4, CS: 16, DS: 16, IS: 12, LO: 64, SH: 16, UI: 64 }[vr];
  for (const part of value.split('\\')) {
    if (part.length > maxLength) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `value "${part}" is longer than ${maxLength} characters allowed in ${vr}`,
      );
    }
  }
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new ImageEncodeError('INVALID_OPTION', `value "${value}" has characters outside printable ASCII`);
  }
  const padded = value.length % 2 === 0 ? value : value + (vr === 'UI' ? '\0' : ' ');
  return { tag: tagNumber, vr, value: new Uint8Array(Buffer.from(padded, 'latin1')) };
}

/** A US element with one or more values. */
export function uint16Element(tagNumber: number, ...values: number[]): DicomElement {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i], true);
  return { tag: tagNumber, vr: 'US', value: bytes };
}

/** A UL element with one value. */
export function uint32Element(tagNumber: number, value: number): DicomElement {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return { tag: tagNumber, vr: 'UL', value: bytes };
}

/**
 * A DS element: each number as the shortest decimal string of at most 16 characters (PS3.5 6.2) that
 * JavaScript reads back as the same double when one exists, else rounded to fit.
 *
 * Raises ImageEncodeError INVALID_OPTION for non-finite values.
 */
export function decimalStringElement(tagNumber: number, ...values: number[]): DicomElement {
  return textElement(tagNumber, 'DS', values.map(formatDecimalString).join('\\'));
}

/**
 * Formats a number as a DICOM Decimal String of at most 16 characters.
 *
 * Returns JavaScript's shortest round-trip representation when it fits, else the longest
 * `toPrecision` / exponential form that fits (relative error below 1e-10 for |v| in [1e-5, 1e10]).
 *
 * Raises ImageEncodeError INVALID_OPTION for NaN or ±Infinity.
 */
export function formatDecimalString(value: number): string {
  if (!Number.isFinite(value)) {
    throw new ImageEncodeError('INVALID_OPTION', `${value} cannot be written as a DICOM decimal string`);
  }
  const shortest = String(value);
  if (shortest.length <= 16) return shortest;
  for (let digits = 15; digits >= 1; digits--) {
    const fixed = Number(value.toPrecision(digits)).toString();
    if (fixed.length <= 16) return fixed;
    const exponential = value.toExponential(digits - 1).replace('e+', 'e');
    if (exponential.length <= 16) return exponential;
  }
  throw new ImageEncodeError('INVALID_OPTION', `${value} does not fit in a 16-character decimal string`);
}

/** An OB/OW element holding raw bytes (padded with a zero byte to even length). */
export function bytesElement(tagNumber: number, vr: 'OB' | 'OW', bytes: Uint8Array): DicomElement {
  if (bytes.length % 2 === 0) return { tag: tagNumber, vr, value: bytes };
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  return { tag: tagNumber, vr, value: padded };
}

/**
 * Encapsulated Pixel Data (PS3.5 A.4): a Basic Offset Table item, one item per fragment, and the
 * sequence delimiter. Fragments are padded to even length with a zero byte.
 *
 * Parameters
 * ----------
 * frames : for each frame, its fragments (one fragment per frame is usual).
 * withOffsetTable : fill the Basic Offset Table with each frame's first-fragment offset (default true);
 *   false writes an empty table item.
 */
export function encapsulatedPixelDataElement(
  frames: readonly (readonly Uint8Array[])[],
  withOffsetTable = true,
): DicomElement {
  const items: Uint8Array[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const fragments of frames) {
    offsets.push(offset);
    for (const fragment of fragments) {
      const length = fragment.length + (fragment.length % 2);
      items.push(itemHeader(0xe000, length), fragment);
      if (fragment.length % 2) items.push(new Uint8Array(1));
      offset += 8 + length;
    }
  }
  const table = new Uint8Array(withOffsetTable ? offsets.length * 4 : 0);
  const tableView = new DataView(table.buffer);
  if (withOffsetTable) for (let i = 0; i < offsets.length; i++) tableView.setUint32(i * 4, offsets[i], true);
  const parts = [itemHeader(0xe000, table.length), table, ...items, itemHeader(0xe0dd, 0)];
  return { tag: tag(0x7fe0, 0x0010), vr: 'OB', value: concatBytes(parts), undefinedLength: true };
}

function itemHeader(element: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, element, true);
  view.setUint32(4, length, true);
  return bytes;
}

/**
 * Serialises elements as a little endian data set, sorted by tag.
 *
 * Parameters
 * ----------
 * elements : the elements (any order; duplicates are an error).
 * explicitVr : explicit VR (PS3.5 7.1.2) or implicit VR (7.1.3) encoding.
 *
 * Raises ImageEncodeError INVALID_OPTION for duplicate tags, encapsulated data in implicit VR, or a
 * short-form value longer than 65534 bytes.
 */
export function serializeDataSet(elements: readonly DicomElement[], explicitVr: boolean): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const element = sorted[i];
    if (i > 0 && sorted[i - 1].tag === element.tag) {
      throw new ImageEncodeError('INVALID_OPTION', `duplicate element ${formatTag(element.tag)}`);
    }
    if (element.undefinedLength && !explicitVr) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        'encapsulated pixel data needs an explicit VR transfer syntax',
      );
    }
    parts.push(elementHeader(element, explicitVr), element.value);
  }
  return concatBytes(parts);
}

function elementHeader(element: DicomElement, explicitVr: boolean): Uint8Array {
  const length = element.undefinedLength ? UNDEFINED_LENGTH : element.value.length;
  const longForm = !explicitVr || LONG_FORM_VRS.has(element.vr);
  const bytes = new Uint8Array(explicitVr && longForm ? 12 : 8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, element.tag >>> 16, true);
  view.setUint16(2, element.tag & 0xffff, true);
  if (!explicitVr) {
    view.setUint32(4, length, true);
  } else if (longForm) {
    bytes[4] = element.vr.charCodeAt(0);
    bytes[5] = element.vr.charCodeAt(1);
    view.setUint32(8, length, true);
  } else {
    if (length > 0xfffe) {
      throw new ImageEncodeError(
        'INVALID_OPTION',
        `${element.vr} value of ${formatTag(element.tag)} is too long`,
      );
    }
    bytes[4] = element.vr.charCodeAt(0);
    bytes[5] = element.vr.charCodeAt(1);
    view.setUint16(6, length, true);
  }
  return bytes;
}

/**
 * A Part 10 file (PS3.10 7.1): 128-byte zero preamble, "DICM", the file meta group (explicit VR little
 * endian, with its group length), then the data set bytes as given.
 *
 * Parameters
 * ----------
 * dataSet : the serialised (and, for deflate, compressed) data set.
 * transferSyntaxUid, sopClassUid, sopInstanceUid : written into the meta group.
 */
export function part10File(
  dataSet: Uint8Array,
  transferSyntaxUid: string,
  sopClassUid: string,
  sopInstanceUid: string,
): Uint8Array {
  const metaElements = [
    bytesElement(tag(0x0002, 0x0001), 'OB', new Uint8Array([0, 1])),
    textElement(tag(0x0002, 0x0002), 'UI', sopClassUid),
    textElement(tag(0x0002, 0x0003), 'UI', sopInstanceUid),
    textElement(tag(0x0002, 0x0010), 'UI', transferSyntaxUid),
    textElement(tag(0x0002, 0x0012), 'UI', IMPLEMENTATION_CLASS_UID),
    textElement(tag(0x0002, 0x0013), 'SH', 'CALCSCOPE_01'),
  ];
  const metaBody = serializeDataSet(metaElements, true);
  const groupLength = serializeDataSet([uint32Element(tag(0x0002, 0x0000), metaBody.length)], true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concatBytes([preamble, groupLength, metaBody, dataSet]);
}

/** Implementation Class UID of files written here (a UUID-derived 2.25 UID, PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.223483127052812838219164227236016315217';

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function formatTag(tagNumber: number): string {
  const hex = tagNumber.toString(16).padStart(8, '0').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}
