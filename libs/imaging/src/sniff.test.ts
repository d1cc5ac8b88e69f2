import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import { bytesElement, serializeDataSet, tag } from './dicom-elements';
import { type DicomWriteOptions, encodeDicom, imageElements, type ResolvedUids } from './dicom-encode';
import { sniffFormat } from './sniff';

const UIDS: ResolvedUids = {
  sopClass: '1.2.840.10008.5.1.4.1.1.7',
  sopInstance: '1.2.3',
  study: '1.2',
  series: '1.2.4',
};
const BASE: DicomWriteOptions = {
  width: 6,
  height: 5,
  pixels: Uint16Array.from({ length: 30 }, (_, i) => i * 100),
  bitsAllocated: 16,
  bitsStored: 12,
  pixelSpacingMm: [0.1, 0.2],
};

/** A data set without preamble and meta group, as some PACS exports write it. */
function bareDataSet(explicitVr: boolean): Uint8Array {
  const elements = imageElements(BASE, UIDS);
  elements.push(bytesElement(tag(0x7fe0, 0x0010), 'OW', new Uint8Array(BASE.pixels.buffer)));
  return serializeDataSet(elements, explicitVr);
}

describe('sniffFormat', () => {
  it('recognises Part 10, PNG and both TIFF byte orders', () => {
    expect(sniffFormat(encodeDicom(BASE))).toEqual({ format: 'dicom', layout: 'part10' });
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toEqual({
      format: 'png',
    });
    expect(sniffFormat(new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toEqual({ format: 'tiff' });
    expect(sniffFormat(new Uint8Array([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toEqual({ format: 'tiff' });
  });

  it('recognises bare explicit and implicit VR data sets and a meta group without preamble', () => {
    expect(sniffFormat(bareDataSet(true))).toEqual({
      format: 'dicom',
      layout: 'raw-dataset',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
    });
    expect(sniffFormat(bareDataSet(false))).toEqual({
      format: 'dicom',
      layout: 'raw-dataset',
      transferSyntaxUid: '1.2.840.10008.1.2',
    });
    expect(sniffFormat(encodeDicom(BASE).subarray(132))).toEqual({
      format: 'dicom',
      layout: 'meta-without-preamble',
    });
  });

  it('rejects near misses: "DICM" one byte off, a lone group-8 tag, short and random input', () => {
    const shifted = new Uint8Array(200);
    shifted.set([0x44, 0x49, 0x43, 0x4d], 129);
    expect(sniffFormat(shifted)).toBeUndefined();
    // Group 0008 tag followed by an implicit length far beyond the file.
    expect(
      sniffFormat(new Uint8Array([0x08, 0, 0x16, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
    ).toBeUndefined();
    expect(sniffFormat(new Uint8Array([0x89, 0x50]))).toBeUndefined();
    expect(sniffFormat(new Uint8Array(Buffer.from('GIF89a.........................')))).toBeUndefined();
  });

  it('decodes bare data sets and a preamble-less meta group to the same pixels as the Part 10 file', async () => {
    const reference = await decodeImage(encodeDicom(BASE));
    for (const bytes of [bareDataSet(true), bareDataSet(false), encodeDicom(BASE).subarray(132)]) {
      const image = await decodeImage(bytes);
      expect(image.width).toBe(6);
      expect(image.pixelSpacingMm).toEqual({ row: 0.1, col: 0.2 });
      expect(Array.from(image.data)).toEqual(Array.from(reference.data));
    }
  });
});
