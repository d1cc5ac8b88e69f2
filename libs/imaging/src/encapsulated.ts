import type { DataSet, Element, Fragment } from 'dicom-parser';
import type { CodecName } from './codecs';
import { ImageDecodeError } from './errors';

/**
 * First bytes of a frame. J2K: SOC then SIZ (FF 4F FF 51), since FF 4F alone can occur in coded data
 * (J2K stuffing only keeps the byte after FF below 0x90). JPEG-LS: SOI (FF D8), which its stuffing rules
 * out inside coded data.
 */
const START_MARKER: Record<CodecName, readonly number[]> = {
  jpeg2000: [0xff, 0x4f, 0xff, 0x51],
  'jpeg-ls': [0xff, 0xd8],
};

/**
 * Extracts the compressed bytes of frame 0 from encapsulated pixel data (PS3.5 A.4).
 *
 * Frame 0 is: all fragments when the file has one frame; the fragments before the second Basic Offset
 * Table entry when the table is filled; fragment 0 when there is one fragment per frame; otherwise
 * fragment 0 and the fragments after it up to the next one that starts with the codec's start marker
 * (J2K SOC + SIZ, JPEG-LS SOI).
 *
 * Parameters
 * ----------
 * dataSet : the parsed data set (its byteArray holds the fragments).
 * element : the (7FE0,0010) element, parsed as encapsulated (undefined length).
 * numberOfFrames : NumberOfFrames of the header.
 * codec : selects the start marker used to find frame boundaries without an offset table.
 *
 * Returns the frame's bytes: a view when it is one fragment, else a concatenated copy.
 *
 * Raises ImageDecodeError TRUNCATED when a fragment runs past the end of the file or the sequence
 * delimiter is missing, CORRUPT when there are no fragments or the offset table points nowhere.
 */
export function extractFirstFrame(
  dataSet: DataSet,
  element: Element,
  numberOfFrames: number,
  codec: CodecName,
): Uint8Array {
  const bytes = dataSet.byteArray;
  const fragments: Fragment[] = element.fragments ?? [];
  if (fragments.length === 0)
    throw new ImageDecodeError('CORRUPT', 'encapsulated PixelData has no fragments');
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > bytes.length) {
      throw new ImageDecodeError(
        'TRUNCATED',
        `PixelData fragment at byte ${fragment.position} announces ${fragment.length} bytes; the file ends at ${bytes.length}`,
      );
    }
  }
  if (dataSet.warnings.some((w) => /delimit/i.test(w))) {
    throw new ImageDecodeError(
      'TRUNCATED',
      `encapsulated PixelData is not terminated (${dataSet.warnings.join('; ')})`,
    );
  }

  const frameFragments = firstFrameFragments(
    fragments,
    element.basicOffsetTable ?? [],
    numberOfFrames,
    bytes,
    codec,
  );
  if (frameFragments.length === 1) {
    const only = frameFragments[0];
    return subarray(bytes, only.position, only.length);
  }
  const total = frameFragments.reduce((sum, f) => sum + f.length, 0);
  const frame = new Uint8Array(total);
  let at = 0;
  for (const fragment of frameFragments) {
    frame.set(subarray(bytes, fragment.position, fragment.length), at);
    at += fragment.length;
  }
  return frame;
}

function firstFrameFragments(
  fragments: Fragment[],
  offsetTable: number[],
  numberOfFrames: number,
  bytes: Uint8Array,
  codec: CodecName,
): Fragment[] {
  if (numberOfFrames === 1) return fragments;
  if (offsetTable.length > 1) {
    const start = offsetTable[0];
    const end = offsetTable[1];
    const inFrame = fragments.filter((f) => f.offset >= start && f.offset < end);
    if (inFrame.length === 0 || inFrame[0].offset !== start) {
      throw new ImageDecodeError('CORRUPT', `Basic Offset Table entry ${start} matches no fragment`);
    }
    return inFrame;
  }
  if (fragments.length === numberOfFrames) return [fragments[0]];
  const marker = START_MARKER[codec];
  const frame = [fragments[0]];
  for (let k = 1; k < fragments.length; k++) {
    const f = fragments[k];
    if (f.length >= marker.length && marker.every((b, i) => bytes[f.position + i] === b)) break;
    frame.push(f);
  }
  return frame;
}

/**
 * Checks that a JPEG 2000 codestream or JPEG-LS bitstream ends with its end marker (EOC / EOI, FF D9),
 * after DICOM's even-length zero padding. Both codecs tolerate a cut stream and return partly empty
 * pixels, so this is what keeps a truncated frame from passing as an image.
 *
 * Raises ImageDecodeError TRUNCATED when the end marker is missing.
 */
export function assertCompleteCodestream(frame: Uint8Array, codec: CodecName): void {
  let end = frame.length;
  // Encoders pad the last fragment with zero bytes to an even length (PS3.5 A.4); allow a few.
  while (end > 0 && frame.length - end < 4 && frame[end - 1] === 0) end--;
  if (end < 2 || frame[end - 2] !== 0xff || frame[end - 1] !== 0xd9) {
    throw new ImageDecodeError(
      'TRUNCATED',
      `${codec} frame of ${frame.length} bytes does not end with its end marker FF D9`,
    );
  }
}

function subarray(bytes: Uint8Array, position: number, length: number): Uint8Array {
  return bytes.subarray(position, position + length);
}
