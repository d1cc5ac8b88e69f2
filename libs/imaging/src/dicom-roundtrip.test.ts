import { parseDicom } from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import { type DicomWriteOptions, encodeDicom } from './dicom-encode';

/** A deterministic ramp that touches both ends of the stored range and many values between. */
function ramp(count: number, min: number, max: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < count; i++)
    values.push(min + Math.round(((max - min) * ((i * 7919) % count)) / (count - 1)));
  values[0] = min;
  values[1] = max;
  return values;
}

/** The normalisation the README promises for full-range decoding, computed independently of the decoder. */
function expectedIntensity(
  stored: number,
  bitsStored: number,
  signed: boolean,
  slopeSign: number,
  mono1: boolean,
) {
  const min = signed ? -(2 ** (bitsStored - 1)) : 0;
  const span = 2 ** bitsStored - 1;
  let y = (stored - min) / span;
  if (slopeSign < 0) y = 1 - y;
  return mono1 ? 1 - y : y;
}

const WIDTH = 23;
const HEIGHT = 17;

const depths = [
  { bitsAllocated: 8, bitsStored: 8 },
  { bitsAllocated: 16, bitsStored: 12 },
  { bitsAllocated: 16, bitsStored: 16 },
] as const;
const syntaxes = ['explicit-le', 'implicit-le', 'deflated-explicit-le'] as const;
const photometrics = ['MONOCHROME2', 'MONOCHROME1'] as const;

describe('encodeDicom → decodeImage round trips', () => {
  for (const { bitsAllocated, bitsStored } of depths) {
    for (const transferSyntax of syntaxes) {
      for (const photometric of photometrics) {
        for (const signed of [false, true]) {
          it(`${bitsStored}/${bitsAllocated}-bit ${signed ? 'signed' : 'unsigned'} ${photometric} ${transferSyntax}`, async () => {
            const min = signed ? -(2 ** (bitsStored - 1)) : 0;
            const max = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
            const values = ramp(WIDTH * HEIGHT, min, max);
            const pixels = signed
              ? bitsAllocated === 8
                ? Int8Array.from(values)
                : Int16Array.from(values)
              : bitsAllocated === 8
                ? Uint8Array.from(values)
                : Uint16Array.from(values);
            const file = encodeDicom({
              width: WIDTH,
              height: HEIGHT,
              pixels,
              bitsAllocated,
              bitsStored,
              signed,
              photometric,
              pixelSpacingMm: [0.07, 0.085],
              transferSyntax,
            });
            const image = await decodeImage(file);
            expect(image.format).toBe('dicom');
            expect(image.width).toBe(WIDTH);
            expect(image.height).toBe(HEIGHT);
            expect(image.bitsStored).toBe(bitsStored);
            expect(image.pixelSpacingMm).toEqual({ row: 0.07, col: 0.085 });
            expect(image.spacingAssumed).toBe(false);
            expect(image.meta.photometric).toBe(photometric);
            expect(image.meta.pixelRepresentation).toBe(signed ? 'signed' : 'unsigned');
            expect(image.meta.bitsAllocated).toBe(bitsAllocated);
            for (let i = 0; i < values.length; i++) {
              const want = expectedIntensity(values[i], bitsStored, signed, 1, photometric === 'MONOCHROME1');
              expect(image.data[i]).toBeCloseTo(want, 6);
            }
          });
        }
      }
    }
  }

  it('keeps stored values exactly: quantising back gives the written pixels', async () => {
    const values = ramp(WIDTH * HEIGHT, 0, 4095);
    const file = encodeDicom({
      width: WIDTH,
      height: HEIGHT,
      pixels: Uint16Array.from(values),
      bitsAllocated: 16,
      bitsStored: 12,
    });
    const image = await decodeImage(file);
    const back = Array.from(image.data, (v) => Math.round(v * 4095));
    expect(back).toEqual(values);
  });

  it('decodes 16-bit pixel data that sits at an odd memory address (copy path) to the same values', async () => {
    const values = ramp(WIDTH * HEIGHT, 0, 65535);
    const file = encodeDicom({
      width: WIDTH,
      height: HEIGHT,
      pixels: Uint16Array.from(values),
      bitsAllocated: 16,
      bitsStored: 16,
    });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const image = await decodeImage(shifted.subarray(1));
    expect(Array.from(image.data, (v) => Math.round(v * 65535))).toEqual(values);
  });

  it('applies the rescale: a negative slope inverts, a positive slope and any intercept cancel in the range', async () => {
    const values = ramp(WIDTH * HEIGHT, 0, 4095);
    const base: DicomWriteOptions = {
      width: WIDTH,
      height: HEIGHT,
      pixels: Uint16Array.from(values),
      bitsAllocated: 16,
      bitsStored: 12,
    };
    const positive = await decodeImage(encodeDicom({ ...base, rescale: { slope: 2.5, intercept: -1024 } }));
    const negative = await decodeImage(encodeDicom({ ...base, rescale: { slope: -1, intercept: 4095 } }));
    expect(positive.meta.rescale).toEqual({ slope: 2.5, intercept: -1024, type: 'US' });
    expect(positive.meta.normalization).toEqual({
      kind: 'range',
      low: -1024,
      high: 4095 * 2.5 - 1024,
      inverted: false,
    });
    expect(negative.meta.normalization).toEqual({ kind: 'range', low: 0, high: 4095, inverted: false });
    for (let i = 0; i < values.length; i++) {
      expect(positive.data[i]).toBeCloseTo(values[i] / 4095, 6);
      expect(negative.data[i]).toBeCloseTo(1 - values[i] / 4095, 6);
    }
  });

  it('reads ImagerPixelSpacing when PixelSpacing is absent, row first', async () => {
    const file = encodeDicom({
      width: 4,
      height: 3,
      pixels: new Uint16Array(12),
      bitsAllocated: 16,
      bitsStored: 14,
      pixelSpacingMm: [0.05, 0.0625],
      spacingTag: 'ImagerPixelSpacing',
    });
    const image = await decodeImage(file);
    expect(image.pixelSpacingMm).toEqual({ row: 0.05, col: 0.0625 });
    expect(image.meta.spacingSource).toBe('ImagerPixelSpacing');
    expect(image.spacingAssumed).toBe(false);
  });

  it('assumes 0.1 mm and says so when the file has no spacing', async () => {
    const image = await decodeImage(
      encodeDicom({ width: 2, height: 2, pixels: new Uint8Array(4), bitsAllocated: 8, bitsStored: 8 }),
    );
    expect(image.pixelSpacingMm).toEqual({ row: 0.1, col: 0.1 });
    expect(image.spacingAssumed).toBe(true);
    expect(image.meta.spacingSource).toBe('default');
  });

  it('writes and reads the descriptive tags and identifiers', async () => {
    const file = encodeDicom({
      width: 2,
      height: 2,
      pixels: new Uint16Array([0, 1, 2, 3]),
      bitsAllocated: 16,
      bitsStored: 12,
      window: { center: 2048, width: 4096 },
      tags: {
        patientId: 'PHANTOM-0007',
        patientAge: '054Y',
        studyInstanceUid: '1.2.3.4',
        seriesInstanceUid: '1.2.3.4.5',
        sopInstanceUid: '1.2.3.4.5.6',
        viewPosition: 'MLO',
        imageLaterality: 'L',
        manufacturer: 'Calcscope Phantom',
      },
    });
    const image = await decodeImage(file);
    expect(image.meta).toMatchObject({
      modality: 'MG',
      manufacturer: 'Calcscope Phantom',
      viewPosition: 'MLO',
      imageLaterality: 'L',
      presentationIntentType: 'FOR PRESENTATION',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      transferSyntaxName: 'Explicit VR Little Endian',
      windows: [{ center: 2048, width: 4096 }],
      identifiers: {
        patientId: 'PHANTOM-0007',
        patientAge: '054Y',
        studyInstanceUid: '1.2.3.4',
        seriesInstanceUid: '1.2.3.4.5',
        sopInstanceUid: '1.2.3.4.5.6',
      },
      numberOfFrames: 1,
      multiFrame: false,
      warnings: [],
    });
  });

  it('derives valid, deterministic UIDs and a meta group dicom-parser accepts', () => {
    const options: DicomWriteOptions = {
      width: 3,
      height: 1,
      pixels: new Uint8Array([1, 2, 3]),
      bitsAllocated: 8,
      bitsStored: 8,
      tags: { modality: 'OT' },
    };
    const a = encodeDicom(options);
    const b = encodeDicom(options);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const dataSet = parseDicom(a);
    const sop = dataSet.string('x00080018') ?? '';
    expect(sop).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
    expect(dataSet.string('x00020003')).toBe(sop);
    expect(dataSet.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(dataSet.string('x00020010')).toBe('1.2.840.10008.1.2.1');
    // Group length = bytes from the end of (0002,0000) to the first non-meta element.
    const groupLength = dataSet.uint32('x00020000') ?? 0;
    const firstDataElement = dataSet.elements.x00080008;
    expect(firstDataElement.dataOffset - 8).toBe(132 + 12 + groupLength);
    const other = encodeDicom({ ...options, pixels: new Uint8Array([1, 2, 4]) });
    expect(parseDicom(other).string('x00080018')).not.toBe(sop);
  });
});
