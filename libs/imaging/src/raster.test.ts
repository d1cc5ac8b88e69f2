import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import { ImageDecodeError } from './errors';
import { encodePng, encodeTiff } from './raster-encode';
import { readPngResolution, readTiffResolution } from './raster-resolution';

const WIDTH = 19;
const HEIGHT = 11;

function pixels(bits: 8 | 16): Uint8Array | Uint16Array {
  const max = 2 ** bits - 1;
  const values = Array.from({ length: WIDTH * HEIGHT }, (_, i) =>
    Math.round(((i * 7919) % 1000) * (max / 999)),
  );
  values[0] = max;
  return bits === 8 ? Uint8Array.from(values) : Uint16Array.from(values);
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

/** Inserts a chunk right after IHDR (signature 8 bytes + IHDR 25 bytes), with a valid CRC. */
function withChunk(png: Uint8Array, type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(Buffer.from(type, 'latin1'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/**
 * A 2×2 single-strip uncompressed little endian TIFF with the given samples (TIFF 6.0 baseline tags plus
 * SampleFormat: 1 unsigned integer, 3 IEEE float).
 */
function minimalTiff(samples: Uint8Array, bitsPerSample: number, sampleFormat: number): Uint8Array {
  const tags: [number, number, number][] = [
    [256, 3, 2], // ImageWidth
    [257, 3, 2], // ImageLength
    [258, 3, bitsPerSample],
    [259, 3, 1], // Compression: none
    [262, 3, 1], // PhotometricInterpretation: BlackIsZero
    [273, 4, 0], // StripOffsets, patched below
    [277, 3, 1], // SamplesPerPixel
    [278, 3, 2], // RowsPerStrip
    [279, 4, samples.length], // StripByteCounts
    [339, 3, sampleFormat],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const bytes = new Uint8Array(dataOffset + samples.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  view.setUint16(8, tags.length, true);
  tags.forEach(([id, type, value], k) => {
    const at = 10 + k * 12;
    view.setUint16(at, id, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, id === 273 ? dataOffset : value, true);
  });
  bytes.set(samples, dataOffset);
  return bytes;
}

function physChunk(ppmX: number, ppmY: number, unit: number): Uint8Array {
  const data = new Uint8Array(9);
  const view = new DataView(data.buffer);
  view.setUint32(0, ppmX);
  view.setUint32(4, ppmY);
  data[8] = unit;
  return data;
}

describe('PNG and TIFF round trips', () => {
  for (const [format, encode] of [
    ['png', encodePng],
    ['tiff', encodeTiff],
  ] as const) {
    for (const bits of [8, 16] as const) {
      it(`${format} ${bits}-bit: same pixels, bitsStored ${bits}, spacing from the density`, async () => {
        const source = pixels(bits);
        const file = await encode({
          width: WIDTH,
          height: HEIGHT,
          pixels: source,
          bits,
          pixelSpacingMm: 0.05,
        });
        const image = await decodeImage(file);
        expect(image.format).toBe(format);
        expect(image.width).toBe(WIDTH);
        expect(image.height).toBe(HEIGHT);
        expect(image.bitsStored).toBe(bits);
        expect(image.meta.sourceChannels).toBe(1);
        expect(image.spacingAssumed).toBe(false);
        expect(image.meta.spacingSource).toBe('density');
        expect(image.pixelSpacingMm.row).toBeCloseTo(0.05, 9);
        expect(image.pixelSpacingMm.col).toBeCloseTo(0.05, 9);
        const max = 2 ** bits - 1;
        expect(Array.from(image.data, (v) => Math.round(v * max))).toEqual(Array.from(source));
      });
    }

    it(`${format} without density: 0.1 mm assumed`, async () => {
      const image = await decodeImage(
        await encode({ width: 4, height: 4, pixels: new Uint8Array(16), bits: 8 }),
      );
      expect(image.spacingAssumed).toBe(true);
      expect(image.pixelSpacingMm).toEqual({ row: 0.1, col: 0.1 });
    });

    it(`${format} at 72 dpi: the software default is ignored with a warning`, async () => {
      const file = await encode({
        width: 4,
        height: 4,
        pixels: new Uint8Array(16),
        bits: 8,
        pixelSpacingMm: 25.4 / 72,
      });
      const image = await decodeImage(file);
      expect(image.spacingAssumed).toBe(true);
      expect(image.meta.warnings.join(' ')).toMatch(/software default/);
    });
  }

  it('PNG spacing that is no whole number of pixels per metre reads back within the pHYs rounding', async () => {
    const file = await encodePng({
      width: 4,
      height: 4,
      pixels: new Uint8Array(16),
      bits: 8,
      pixelSpacingMm: 0.07,
    });
    const image = await decodeImage(file);
    expect(image.pixelSpacingMm.col).toBeCloseTo(1000 / Math.round(1000 / 0.07), 12);
    expect(Math.abs(image.pixelSpacingMm.col - 0.07)).toBeLessThan(1e-5);
  });
});

describe('PNG/TIFF resolution headers', () => {
  it('reads an anisotropic pHYs chunk: x is columns, y is rows; unit 0 is ignored', async () => {
    const png = await encodePng({ width: 4, height: 4, pixels: new Uint8Array(16), bits: 8 });
    const anisotropic = withChunk(png, 'pHYs', physChunk(20000, 12500, 1));
    expect(readPngResolution(anisotropic)).toMatchObject({ colSpacingMm: 0.05, rowSpacingMm: 0.08 });
    const image = await decodeImage(anisotropic);
    expect(image.pixelSpacingMm).toEqual({ row: 0.08, col: 0.05 });
    expect(readPngResolution(withChunk(png, 'pHYs', physChunk(20000, 20000, 0)))).toEqual({});
  });

  it('reads TIFF resolution in pixels per centimetre and per inch, per axis', async () => {
    const raw = sharp(new Uint8Array(16), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('b-w');
    // xres/yres are pixels per mm for sharp: 20 px/mm = 0.05 mm, 12.5 px/mm = 0.08 mm.
    const cm = await raw.clone().tiff({ xres: 20, yres: 12.5, resolutionUnit: 'cm' }).toBuffer();
    const inch = await raw.clone().tiff({ xres: 20, yres: 12.5, resolutionUnit: 'inch' }).toBuffer();
    for (const file of [cm, inch]) {
      const resolution = readTiffResolution(file);
      expect(resolution.colSpacingMm).toBeCloseTo(0.05, 6);
      expect(resolution.rowSpacingMm).toBeCloseTo(0.08, 6);
    }
    const image = await decodeImage(cm);
    expect(image.pixelSpacingMm.row).toBeCloseTo(0.08, 6);
    expect(image.pixelSpacingMm.col).toBeCloseTo(0.05, 6);
  });
});

describe('colour and alpha inputs', () => {
  it('8-bit RGB with equal channels keeps its gray values; colours map to luminance (G > R > B)', async () => {
    const rgb = new Uint8Array(4 * 3);
    rgb.set([200, 200, 200, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const png = await sharp(rgb, { raw: { width: 4, height: 1, channels: 3 } })
      .png()
      .toBuffer();
    const image = await decodeImage(png);
    expect(image.meta.sourceChannels).toBe(3);
    expect(image.bitsStored).toBe(8);
    expect(Math.round(image.data[0] * 255)).toBe(200);
    const [red, green, blue] = [image.data[1], image.data[2], image.data[3]];
    expect(green).toBeGreaterThan(red);
    expect(red).toBeGreaterThan(blue);
    expect(blue).toBeGreaterThan(0);
  });

  it('drops alpha without compositing (gray + alpha and RGBA)', async () => {
    const grayAlpha = new Uint8Array([10, 0, 120, 128, 250, 255]);
    const la = await sharp(grayAlpha, { raw: { width: 3, height: 1, channels: 2 } })
      .png()
      .toBuffer();
    const image = await decodeImage(la);
    expect(Array.from(image.data, (v) => Math.round(v * 255))).toEqual([10, 120, 250]);
    const rgba = new Uint8Array([30, 30, 30, 0, 90, 90, 90, 255]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    expect(Array.from((await decodeImage(png)).data, (v) => Math.round(v * 255))).toEqual([30, 90]);
  });

  it('16-bit RGB with equal channels keeps its 16-bit gray values', async () => {
    const rgb16 = new Uint16Array([1000, 1000, 1000, 60000, 60000, 60000]);
    const png = await sharp(rgb16, { raw: { width: 2, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const image = await decodeImage(png);
    expect(image.bitsStored).toBe(16);
    expect(Array.from(image.data, (v) => Math.round(v * 65535))).toEqual([1000, 60000]);
  });
});

describe('PNG/TIFF errors', () => {
  it('TRUNCATED for a PNG cut in its header, in its image data or before IEND', async () => {
    const png = await encodePng({ width: WIDTH, height: HEIGHT, pixels: pixels(16), bits: 16 });
    expect(await codeOf(decodeImage(png.subarray(0, 20)))).toBe('TRUNCATED');
    expect(await codeOf(decodeImage(png.subarray(0, Math.floor(png.length / 2))))).toBe('TRUNCATED');
    expect(await codeOf(decodeImage(png.subarray(0, png.length - 12)))).toBe('TRUNCATED');
  });

  it('a typed error for a PNG with damaged image data', async () => {
    const png = (await encodePng({ width: WIDTH, height: HEIGHT, pixels: pixels(16), bits: 16 })).slice();
    const idat = Buffer.from(png).indexOf('IDAT');
    png.fill(0xaa, idat + 6, idat + 30);
    expect(['CORRUPT', 'TRUNCATED']).toContain(await codeOf(decodeImage(png)));
  });

  it('a typed error for a TIFF cut in half', async () => {
    const tiff = await encodeTiff({ width: WIDTH, height: HEIGHT, pixels: pixels(16), bits: 16 });
    expect(['CORRUPT', 'TRUNCATED']).toContain(await codeOf(decodeImage(tiff.subarray(0, tiff.length / 2))));
  });

  it('TOO_LARGE above maxPixels, checked from the header', async () => {
    const png = await encodePng({ width: WIDTH, height: HEIGHT, pixels: pixels(8), bits: 8 });
    expect(await codeOf(decodeImage(png, { maxPixels: WIDTH * HEIGHT - 1 }))).toBe('TOO_LARGE');
    expect((await decodeImage(png, { maxPixels: WIDTH * HEIGHT })).width).toBe(WIDTH);
  });

  it('UNSUPPORTED_PIXEL_FORMAT for a float TIFF', async () => {
    const tiff = minimalTiff(new Uint8Array(new Float32Array([0, 0.5, 1, 0.25]).buffer), 32, 3);
    expect(await codeOf(decodeImage(tiff))).toBe('UNSUPPORTED_PIXEL_FORMAT');
    // The same builder with 8-bit unsigned samples gives a readable TIFF, so the float is what fails.
    const ok = await decodeImage(minimalTiff(new Uint8Array([0, 51, 255, 102]), 8, 1));
    expect(Array.from(ok.data, (v) => Math.round(v * 255))).toEqual([0, 51, 255, 102]);
  });
});
