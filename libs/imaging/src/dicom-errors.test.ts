import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import {
  bytesElement,
  type DicomElement,
  decimalStringElement,
  part10File,
  serializeDataSet,
  tag,
  textElement,
  uint16Element,
} from './dicom-elements';
import { type DicomWriteOptions, encodeDicom, imageElements, type ResolvedUids } from './dicom-encode';
import { ImageDecodeError, type ImageDecodeErrorCode } from './errors';
import { EXPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax';

const UIDS: ResolvedUids = {
  sopClass: '1.2.840.10008.5.1.4.1.1.7',
  sopInstance: '1.2.3',
  study: '1.2',
  series: '1.2.4',
};
const PIXEL_DATA = tag(0x7fe0, 0x0010);

const BASE: DicomWriteOptions = {
  width: 16,
  height: 8,
  pixels: Uint16Array.from({ length: 128 }, (_, i) => i * 31),
  bitsAllocated: 16,
  bitsStored: 12,
};

/** A file from the writer's elements with some replaced (same tag) or added, and the given pixel bytes. */
function fileWith(
  overrides: DicomElement[],
  pixelBytes: Uint8Array = new Uint8Array(BASE.pixels.buffer),
  transferSyntaxUid = EXPLICIT_VR_LITTLE_ENDIAN,
): Uint8Array {
  const replaced = new Set(overrides.map((e) => e.tag));
  const elements = imageElements(BASE, UIDS).filter((e) => !replaced.has(e.tag));
  elements.push(...overrides, bytesElement(PIXEL_DATA, 'OW', pixelBytes));
  return part10File(serializeDataSet(elements, true), transferSyntaxUid, UIDS.sopClass, UIDS.sopInstance);
}

async function decodeError(
  bytes: Uint8Array,
  options?: Parameters<typeof decodeImage>[1],
): Promise<ImageDecodeError> {
  try {
    await decodeImage(bytes, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageDecodeError);
    return error as ImageDecodeError;
  }
  throw new Error('decodeImage did not throw');
}

async function expectCode(
  bytes: Uint8Array,
  code: ImageDecodeErrorCode,
  options?: Parameters<typeof decodeImage>[1],
) {
  const error = await decodeError(bytes, options);
  expect(error.code).toBe(code);
  return error;
}

describe('decodeImage errors', () => {
  it('the base fixture decodes (so each failure below is caused by its one change)', async () => {
    const image = await decodeImage(fileWith([]));
    expect(image.width).toBe(16);
    expect(image.data[1]).toBeCloseTo(31 / 4095, 6);
  });

  it('EMPTY for zero bytes', async () => {
    await expectCode(new Uint8Array(0), 'EMPTY');
  });

  it('UNSUPPORTED_FORMAT for random and text bytes', async () => {
    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >>> 16;
    });
    await expectCode(random, 'UNSUPPORTED_FORMAT');
    await expectCode(
      new Uint8Array(Buffer.from('%PDF-1.7 not a mammogram at all, just text')),
      'UNSUPPORTED_FORMAT',
    );
    // A JPEG: recognised by nobody here.
    await expectCode(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1]),
      'UNSUPPORTED_FORMAT',
    );
  });

  it('TRUNCATED when the file is cut in the meta header, in the data set header and in the pixel data', async () => {
    const file = fileWith([]);
    const pixelStart = file.length - 16 * 8 * 2;
    await expectCode(file.subarray(0, 140), 'TRUNCATED'); // inside the file meta group
    await expectCode(file.subarray(0, 300), 'TRUNCATED'); // inside the image attributes
    await expectCode(file.subarray(0, pixelStart + 100), 'TRUNCATED'); // inside PixelData
    await expectCode(file.subarray(0, file.length - 1), 'TRUNCATED'); // one byte short
  });

  it('ZERO_SIZE for zero rows or columns', async () => {
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0010), 0)], new Uint8Array(0)), 'ZERO_SIZE');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0011), 0)], new Uint8Array(0)), 'ZERO_SIZE');
  });

  it('TOO_LARGE from the header alone: a 60000×60000 claim with 2 bytes of pixel data fails before allocation', async () => {
    const bomb = fileWith(
      [uint16Element(tag(0x0028, 0x0010), 60000), uint16Element(tag(0x0028, 0x0011), 60000)],
      new Uint8Array(2),
    );
    const before = process.memoryUsage().arrayBuffers;
    const error = await expectCode(bomb, 'TOO_LARGE');
    expect(error.message).toContain('3600000000');
    // 3.6e9 float pixels would be 14 GB; nothing near that was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('TOO_LARGE when the image exceeds maxPixels; exactly maxPixels is accepted', async () => {
    await expectCode(fileWith([]), 'TOO_LARGE', { maxPixels: 127 });
    const image = await decodeImage(fileWith([]), { maxPixels: 128 });
    expect(image.data.length).toBe(128);
  });

  it('INVALID_OPTION for a non-positive maxPixels', async () => {
    await expectCode(fileWith([]), 'INVALID_OPTION', { maxPixels: 0 });
    await expectCode(fileWith([]), 'INVALID_OPTION', { maxPixels: Number.NaN });
  });

  it('UNSUPPORTED_PIXEL_FORMAT for SamplesPerPixel 3, RGB photometric and BitsAllocated 32', async () => {
    const rgb = await expectCode(
      fileWith([uint16Element(tag(0x0028, 0x0002), 3)]),
      'UNSUPPORTED_PIXEL_FORMAT',
    );
    expect(rgb.message).toContain('SamplesPerPixel');
    await expectCode(fileWith([textElement(tag(0x0028, 0x0004), 'CS', 'RGB')]), 'UNSUPPORTED_PIXEL_FORMAT');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0100), 32)]), 'UNSUPPORTED_PIXEL_FORMAT');
  });

  it('INVALID_VALUE for rescale values that would produce NaN', async () => {
    const notANumber = await expectCode(
      fileWith([textElement(tag(0x0028, 0x1053), 'DS', 'abc')]),
      'INVALID_VALUE',
    );
    expect(notANumber.message).toContain('RescaleSlope');
    await expectCode(fileWith([decimalStringElement(tag(0x0028, 0x1053), 0)]), 'INVALID_VALUE');
    await expectCode(fileWith([textElement(tag(0x0028, 0x1052), 'DS', 'NaN')]), 'INVALID_VALUE');
    await expectCode(fileWith([textElement(tag(0x0028, 0x1052), 'DS', '1e999')]), 'INVALID_VALUE');
  });

  it('INVALID_VALUE for impossible bit layouts', async () => {
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0101), 17)]), 'INVALID_VALUE');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0101), 0)]), 'INVALID_VALUE');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0102), 16)]), 'INVALID_VALUE');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0102), 10)]), 'INVALID_VALUE');
    await expectCode(fileWith([uint16Element(tag(0x0028, 0x0103), 2)]), 'INVALID_VALUE');
  });

  it('MISSING_ATTRIBUTE for absent Rows or PixelData', async () => {
    const withoutRows = imageElements(BASE, UIDS).filter((e) => e.tag !== tag(0x0028, 0x0010));
    withoutRows.push(bytesElement(PIXEL_DATA, 'OW', new Uint8Array(256)));
    const noRows = part10File(serializeDataSet(withoutRows, true), EXPLICIT_VR_LITTLE_ENDIAN, '1.2', '1.2.3');
    expect((await expectCode(noRows, 'MISSING_ATTRIBUTE')).message).toContain('Rows');
    const noPixels = part10File(
      serializeDataSet(imageElements(BASE, UIDS), true),
      EXPLICIT_VR_LITTLE_ENDIAN,
      '1.2',
      '1.2.3',
    );
    expect((await expectCode(noPixels, 'MISSING_ATTRIBUTE')).message).toContain('PixelData');
  });

  it('CORRUPT when PixelData is shorter than the header implies (inside a complete file)', async () => {
    const error = await expectCode(fileWith([], new Uint8Array(200)), 'CORRUPT');
    expect(error.message).toContain('256');
  });

  it('CORRUPT when NumberOfFrames promises more frames than PixelData holds', async () => {
    await expectCode(fileWith([textElement(tag(0x0028, 0x0008), 'IS', '3')]), 'CORRUPT');
  });

  it('UNSUPPORTED_TRANSFER_SYNTAX names the UID and the syntax', async () => {
    const cases = [
      ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian'],
      ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)'],
      ['1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction'],
      ['1.2.840.10008.1.2.5', 'RLE Lossless'],
      ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000'],
      ['1.2.3.4.5.6.7', 'unknown transfer syntax'],
    ] as const;
    for (const [uid, name] of cases) {
      const error = await expectCode(fileWith([], undefined, uid), 'UNSUPPORTED_TRANSFER_SYNTAX');
      expect(error.message).toContain(uid);
      expect(error.message).toContain(name);
    }
  });

  it('CORRUPT when a deflated data set is not a deflate stream; TRUNCATED when it is cut', async () => {
    const deflated = encodeDicom({ ...BASE, transferSyntax: 'deflated-explicit-le' });
    await expectCode(deflated.subarray(0, deflated.length - 40), 'TRUNCATED');
    const garbage = deflated.slice();
    // Overwrite the deflate stream right after the meta group with bytes that are no valid block type.
    const dataSetStart = 132 + 12 + new DataView(garbage.buffer).getUint32(140, true);
    garbage.fill(0xff, dataSetStart, dataSetStart + 16);
    await expectCode(garbage, 'CORRUPT');
  });

  it('TOO_LARGE when a deflated data set inflates beyond the pixel budget', async () => {
    const big = encodeDicom({
      width: 1024,
      height: 1024,
      pixels: new Uint16Array(1024 * 1024),
      bitsAllocated: 16,
      bitsStored: 12,
      transferSyntax: 'deflated-explicit-le',
    });
    // Zeros compress ~1000:1: the file is small, its inflated data set is 2 MiB + header.
    expect(big.length).toBeLessThan(16 * 1024);
    const error = await decodeError(big, { maxPixels: 10 });
    // The inflate budget is 10 × 2 + 16 MiB, so inflation passes and the header check refuses it.
    expect(error.code).toBe('TOO_LARGE');
  });
});
