import { describe, expect, it } from 'vitest';
import { type CodecName, encodeCodecFrame } from './codecs';
import { decodeImage } from './decode';
import {
  encapsulatedPixelDataElement,
  part10File,
  serializeDataSet,
  tag,
  textElement,
  uint16Element,
} from './dicom-elements';
import {
  type DicomWriteOptions,
  encodeDicomCompressed,
  imageElements,
  type ResolvedUids,
} from './dicom-encode';
import { ImageDecodeError } from './errors';
import { JPEG_2000, JPEG_2000_LOSSLESS, JPEG_LS_LOSSLESS, JPEG_LS_NEAR_LOSSLESS } from './transfer-syntax';

const UIDS: ResolvedUids = {
  sopClass: '1.2.840.10008.5.1.4.1.1.7',
  sopInstance: '1.2.3',
  study: '1.2',
  series: '1.2.4',
};
const WIDTH = 40;
const HEIGHT = 24;

/** Frame k of a test series: a pattern that differs between frames and spans the 12-bit range. */
function framePixels(k: number, bits = 12): Uint16Array {
  const max = 2 ** bits - 1;
  return Uint16Array.from({ length: WIDTH * HEIGHT }, (_, i) => ((i * 37 + k * 1000) * 13) % (max + 1));
}

function expectPixels(data: Float32Array, pixels: ArrayLike<number>, max: number) {
  expect(data.length).toBe(pixels.length);
  const back = Array.from(data, (v) => Math.round(v * max));
  expect(back).toEqual(Array.from(pixels));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImageDecodeError);
    return (error as ImageDecodeError).code;
  }
  return 'no error';
}

/** A multi-frame file: each frame split into `fragmentsPerFrame` fragments. */
async function multiFrameFile(
  codec: CodecName,
  frames: Uint16Array[],
  options: { fragmentsPerFrame?: number; withOffsetTable?: boolean; syntaxUid?: string } = {},
): Promise<Uint8Array> {
  const encodedFrames: Uint8Array[][] = [];
  for (const frame of frames) {
    const encoded = await encodeCodecFrame(codec, frame, WIDTH, HEIGHT, 12, false);
    const parts = options.fragmentsPerFrame ?? 1;
    // Fragments other than the last must have even length (PS3.5 A.4), or padding would split the stream.
    const size = 2 * Math.ceil(encoded.length / parts / 2);
    const fragments: Uint8Array[] = [];
    for (let at = 0; at < encoded.length; at += size) fragments.push(encoded.subarray(at, at + size));
    encodedFrames.push(fragments);
  }
  const base: DicomWriteOptions = {
    width: WIDTH,
    height: HEIGHT,
    pixels: frames[0],
    bitsAllocated: 16,
    bitsStored: 12,
  };
  const elements = [
    ...imageElements(base, UIDS),
    textElement(tag(0x0028, 0x0008), 'IS', String(frames.length)),
    encapsulatedPixelDataElement(encodedFrames, options.withOffsetTable ?? true),
  ];
  const syntax = options.syntaxUid ?? (codec === 'jpeg2000' ? JPEG_2000_LOSSLESS : JPEG_LS_LOSSLESS);
  return part10File(serializeDataSet(elements, true), syntax, UIDS.sopClass, UIDS.sopInstance);
}

describe('compressed DICOM', () => {
  const depths = [
    { bitsAllocated: 8, bitsStored: 8 },
    { bitsAllocated: 16, bitsStored: 12 },
    { bitsAllocated: 16, bitsStored: 16 },
  ] as const;
  for (const compression of ['jpeg2000', 'jpeg-ls'] as const) {
    for (const { bitsAllocated, bitsStored } of depths) {
      it(`${compression} ${bitsStored}-bit round trip is lossless`, async () => {
        const max = 2 ** bitsStored - 1;
        const values = Array.from({ length: WIDTH * HEIGHT }, (_, i) => (i * 7919) % (max + 1));
        values[0] = max;
        const pixels = bitsAllocated === 8 ? Uint8Array.from(values) : Uint16Array.from(values);
        const file = await encodeDicomCompressed({
          width: WIDTH,
          height: HEIGHT,
          pixels,
          bitsAllocated,
          bitsStored,
          pixelSpacingMm: [0.05, 0.05],
          compression,
        });
        const image = await decodeImage(file);
        expect(image.meta.transferSyntaxUid).toBe(
          compression === 'jpeg2000' ? JPEG_2000_LOSSLESS : JPEG_LS_LOSSLESS,
        );
        expect(image.pixelSpacingMm).toEqual({ row: 0.05, col: 0.05 });
        expectPixels(image.data, values, max);
      });
    }

    it(`${compression} signed 12-bit MONOCHROME1 round trip`, async () => {
      const values = Array.from({ length: WIDTH * HEIGHT }, (_, i) => ((i * 7919) % 4096) - 2048);
      const file = await encodeDicomCompressed({
        width: WIDTH,
        height: HEIGHT,
        pixels: Int16Array.from(values),
        bitsAllocated: 16,
        bitsStored: 12,
        signed: true,
        photometric: 'MONOCHROME1',
        compression,
      });
      const image = await decodeImage(file);
      expect(image.meta.pixelRepresentation).toBe('signed');
      for (let i = 0; i < values.length; i++) {
        expect(image.data[i]).toBeCloseTo(1 - (values[i] + 2048) / 4095, 6);
      }
    });

    it(`${compression}: takes frame 0 of a multi-frame file with and without offset table and fragments`, async () => {
      const frames = [framePixels(0), framePixels(1), framePixels(2)];
      const variants = [
        { withOffsetTable: true, fragmentsPerFrame: 1 },
        { withOffsetTable: true, fragmentsPerFrame: 3 },
        { withOffsetTable: false, fragmentsPerFrame: 1 },
        { withOffsetTable: false, fragmentsPerFrame: 3 },
      ];
      for (const variant of variants) {
        const image = await decodeImage(await multiFrameFile(compression, frames, variant));
        expect(image.meta.numberOfFrames).toBe(3);
        expect(image.meta.multiFrame).toBe(true);
        expectPixels(image.data, frames[0], 4095);
      }
    });

    it(`${compression}: TRUNCATED when the file is cut inside the codestream`, async () => {
      const file = await encodeDicomCompressed({
        width: WIDTH,
        height: HEIGHT,
        pixels: framePixels(0),
        bitsAllocated: 16,
        bitsStored: 12,
        compression,
      });
      expect(await codeOf(decodeImage(file.subarray(0, file.length - 200)))).toBe('TRUNCATED');
      expect(await codeOf(decodeImage(file.subarray(0, file.length - 9)))).toBe('TRUNCATED');
    });

    it(`${compression}: CORRUPT when the codestream size or depth disagrees with the header`, async () => {
      const file = await multiFrameFile(compression, [framePixels(0)]);
      // Same stream, header claims one column more.
      const encoded = await encodeCodecFrame(compression, framePixels(0), WIDTH, HEIGHT, 12, false);
      const base: DicomWriteOptions = {
        width: WIDTH + 1,
        height: HEIGHT,
        pixels: new Uint16Array((WIDTH + 1) * HEIGHT),
        bitsAllocated: 16,
        bitsStored: 12,
      };
      const syntax = compression === 'jpeg2000' ? JPEG_2000_LOSSLESS : JPEG_LS_LOSSLESS;
      const wrongSize = part10File(
        serializeDataSet([...imageElements(base, UIDS), encapsulatedPixelDataElement([[encoded]])], true),
        syntax,
        UIDS.sopClass,
        UIDS.sopInstance,
      );
      expect(await codeOf(decodeImage(wrongSize))).toBe('CORRUPT');
      // Header says 10 bits stored; the stream carries 12.
      const tenBit = { ...base, width: WIDTH, bitsStored: 10 };
      const wrongDepth = part10File(
        serializeDataSet([...imageElements(tenBit, UIDS), encapsulatedPixelDataElement([[encoded]])], true),
        syntax,
        UIDS.sopClass,
        UIDS.sopInstance,
      );
      expect(await codeOf(decodeImage(wrongDepth))).toBe('CORRUPT');
      // Header says 8 bits allocated; the stream has 2-byte samples.
      const eightBit = { ...tenBit, bitsAllocated: 8 as const, bitsStored: 8 };
      const wrongCells = part10File(
        serializeDataSet([...imageElements(eightBit, UIDS), encapsulatedPixelDataElement([[encoded]])], true),
        syntax,
        UIDS.sopClass,
        UIDS.sopInstance,
      );
      expect(await codeOf(decodeImage(wrongCells))).toBe('CORRUPT');
      expect((await decodeImage(file)).width).toBe(WIDTH);
    });
  }

  it('decodes the lossy UIDs (.4.91, .4.81) with the same codecs', async () => {
    const j2k = await multiFrameFile('jpeg2000', [framePixels(4)], { syntaxUid: JPEG_2000 });
    expectPixels((await decodeImage(j2k)).data, framePixels(4), 4095);
    const jls = await multiFrameFile('jpeg-ls', [framePixels(5)], { syntaxUid: JPEG_LS_NEAR_LOSSLESS });
    expectPixels((await decodeImage(jls)).data, framePixels(5), 4095);
  });

  it('CORRUPT when a compressed syntax carries native pixel data, and when the stream is garbage', async () => {
    const base: DicomWriteOptions = {
      width: 4,
      height: 4,
      pixels: new Uint16Array(16),
      bitsAllocated: 16,
      bitsStored: 12,
    };
    const native = part10File(
      serializeDataSet(
        [...imageElements(base, UIDS), { tag: tag(0x7fe0, 0x0010), vr: 'OW', value: new Uint8Array(32) }],
        true,
      ),
      JPEG_2000_LOSSLESS,
      UIDS.sopClass,
      UIDS.sopInstance,
    );
    expect(await codeOf(decodeImage(native))).toBe('CORRUPT');
    const garbageStream = new Uint8Array(64).fill(0x5a);
    garbageStream.set([0xff, 0x4f], 0);
    garbageStream.set([0xff, 0xd9], 62);
    const garbage = part10File(
      serializeDataSet([...imageElements(base, UIDS), encapsulatedPixelDataElement([[garbageStream]])], true),
      JPEG_2000_LOSSLESS,
      UIDS.sopClass,
      UIDS.sopInstance,
    );
    expect(await codeOf(decodeImage(garbage))).toBe('CORRUPT');
  });

  it('the 12-bit J2K codestream really is compressed (the fixture exercises the codec)', async () => {
    const smooth = Uint16Array.from({ length: WIDTH * HEIGHT }, (_, i) => 1000 + (i % WIDTH));
    const encoded = await encodeCodecFrame('jpeg2000', smooth, WIDTH, HEIGHT, 12, false);
    expect(encoded[0]).toBe(0xff);
    expect(encoded[1]).toBe(0x4f);
    expect(encoded.length).toBeLessThan(smooth.byteLength / 2);
    const ls = await encodeCodecFrame('jpeg-ls', smooth, WIDTH, HEIGHT, 12, false);
    expect([ls[0], ls[1]]).toEqual([0xff, 0xd8]);
    expect(ls.length).toBeLessThan(smooth.byteLength / 2);
    // uint16Element is used only to keep the import list honest about what the file writer offers.
    expect(uint16Element(tag(0x0028, 0x0010), 3).value).toEqual(new Uint8Array([3, 0]));
  });
});
