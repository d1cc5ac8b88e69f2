import { parseDicom } from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { formatDecimalString, serializeDataSet, tag, textElement, uint16Element } from './dicom-elements';
import { type DicomWriteOptions, encodeDicom } from './dicom-encode';
import { ImageEncodeError } from './errors';

function encodeErrorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageEncodeError);
    return (error as ImageEncodeError).code;
  }
  return 'no error';
}

describe('formatDecimalString', () => {
  it('keeps short values exact and fits long ones in 16 characters', () => {
    expect(formatDecimalString(0.07)).toBe('0.07');
    expect(formatDecimalString(-1024)).toBe('-1024');
    for (const v of [1 / 3, 25.4 / 363, 123456789 + 1 / 7, -0.000012345678901234, 1e-300, 6.02214076e23]) {
      const s = formatDecimalString(v);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - v) / Math.abs(v)).toBeLessThan(1e-9);
    }
  });

  it('refuses non-finite values', () => {
    expect(encodeErrorCode(() => formatDecimalString(Number.NaN))).toBe('INVALID_OPTION');
    expect(encodeErrorCode(() => formatDecimalString(Number.POSITIVE_INFINITY))).toBe('INVALID_OPTION');
  });
});

describe('element serialisation', () => {
  it('pads text to even length (UI with NUL, others with space) and dicom-parser reads it back', () => {
    const elements = [
      textElement(tag(0x0008, 0x0018), 'UI', '1.2.345'),
      textElement(tag(0x0008, 0x0060), 'CS', 'MG'),
      textElement(tag(0x0008, 0x0070), 'LO', 'ACME'),
      uint16Element(tag(0x0028, 0x0010), 513),
    ];
    expect(elements[0].value).toEqual(new Uint8Array(Buffer.from('1.2.345\0')));
    for (const explicitVr of [true, false]) {
      // Shuffled input: serialisation sorts by tag.
      const bytes = serializeDataSet([elements[3], elements[1], elements[0], elements[2]], explicitVr);
      const dataSet = parseDicom(bytes, {
        TransferSyntaxUID: explicitVr ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2',
      });
      expect(dataSet.string('x00080018')).toBe('1.2.345');
      expect(dataSet.string('x00080060')).toBe('MG');
      expect(dataSet.uint16('x00280010')).toBe(513);
    }
  });

  it('refuses duplicate tags and over-long values', () => {
    const rows = uint16Element(tag(0x0028, 0x0010), 1);
    expect(encodeErrorCode(() => serializeDataSet([rows, rows], true))).toBe('INVALID_OPTION');
    expect(encodeErrorCode(() => textElement(tag(0x0008, 0x0060), 'CS', 'A'.repeat(17)))).toBe(
      'INVALID_OPTION',
    );
    expect(encodeErrorCode(() => textElement(tag(0x0008, 0x0070), 'LO', 'naïve'))).toBe('INVALID_OPTION');
  });
});

describe('encodeDicom validation', () => {
  const base: DicomWriteOptions = {
    width: 2,
    height: 2,
    pixels: new Uint16Array(4),
    bitsAllocated: 16,
    bitsStored: 12,
  };
  it.each([
    ['zero width', { width: 0, pixels: new Uint16Array(0) }],
    ['fractional height', { height: 1.5 }],
    ['pixel count mismatch', { pixels: new Uint16Array(3) }],
    ['bitsStored above bitsAllocated', { bitsStored: 17 }],
    ['value above bitsStored range', { pixels: new Uint16Array([0, 4096, 0, 0]) }],
    ['negative value unsigned', { pixels: new Int16Array([0, -1, 0, 0]) }],
    ['signed value out of range', { signed: true, pixels: new Int16Array([0, -2049, 0, 0]) }],
    ['zero spacing', { pixelSpacingMm: [0, 0.1] as [number, number] }],
    ['zero rescale slope', { rescale: { slope: 0, intercept: 0 } }],
    ['window width below 1', { window: { center: 10, width: 0.5 } }],
    ['malformed patient age', { tags: { patientAge: '54 years' } }],
  ])('refuses %s', (_name, override) => {
    expect(encodeErrorCode(() => encodeDicom({ ...base, ...override } as DicomWriteOptions))).toBe(
      'INVALID_OPTION',
    );
  });
});
