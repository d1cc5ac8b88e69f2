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
} from './dicom-elements';
import { type DicomWriteOptions, encodeDicom, imageElements, type ResolvedUids } from './dicom-encode';
import { voiLinear, voiLinearExact, voiSigmoid } from './voi';

const UIDS: ResolvedUids = {
  sopClass: '1.2.840.10008.5.1.4.1.1.7',
  sopInstance: '1.2.3',
  study: '1.2',
  series: '1.2.4',
};
const VALUES = Array.from({ length: 64 }, (_, i) => i * 65);
const BASE: DicomWriteOptions = {
  width: 8,
  height: 8,
  pixels: Uint16Array.from(VALUES),
  bitsAllocated: 16,
  bitsStored: 12,
};

function fileWith(
  overrides: DicomElement[],
  options: DicomWriteOptions = BASE,
  drop: number[] = [],
): Uint8Array {
  const replaced = new Set([...overrides.map((e) => e.tag), ...drop]);
  const elements = imageElements(options, UIDS).filter((e) => !replaced.has(e.tag));
  elements.push(...overrides, bytesElement(tag(0x7fe0, 0x0010), 'OW', new Uint8Array(options.pixels.buffer)));
  return part10File(serializeDataSet(elements, true), '1.2.840.10008.1.2.1', UIDS.sopClass, UIDS.sopInstance);
}

describe('DICOM VOI windowing on decode', () => {
  it('applies the first window with the LINEAR function when asked, and only then', async () => {
    const file = encodeDicom({ ...BASE, window: { center: 1500, width: 2001 } });
    const windowed = await decodeImage(file, { applyVoiWindow: true });
    const plain = await decodeImage(file);
    expect(windowed.meta.normalization).toEqual({
      kind: 'voi',
      window: { center: 1500, width: 2001 },
      lutFunction: 'LINEAR',
      inverted: false,
    });
    expect(plain.meta.normalization.kind).toBe('range');
    for (let i = 0; i < VALUES.length; i++) {
      expect(windowed.data[i]).toBeCloseTo(voiLinear(VALUES[i], 1500, 2001), 6);
      expect(plain.data[i]).toBeCloseTo(VALUES[i] / 4095, 6);
    }
    expect(windowed.data[0]).toBe(0);
    expect(windowed.data[63]).toBe(1);
  });

  it('windows rescaled values, then inverts MONOCHROME1', async () => {
    const file = encodeDicom({
      ...BASE,
      photometric: 'MONOCHROME1',
      rescale: { slope: 0.5, intercept: 100 },
      window: { center: 800, width: 1000 },
    });
    const image = await decodeImage(file, { applyVoiWindow: true });
    for (let i = 0; i < VALUES.length; i++) {
      expect(image.data[i]).toBeCloseTo(1 - voiLinear(0.5 * VALUES[i] + 100, 800, 1000), 6);
    }
  });

  it('uses LINEAR_EXACT and SIGMOID from (0028,1056)', async () => {
    const withWindow = { ...BASE, window: { center: 2000, width: 3000 } };
    for (const [name, fn] of [
      ['LINEAR_EXACT', voiLinearExact],
      ['SIGMOID', voiSigmoid],
    ] as const) {
      const file = fileWith([textElement(tag(0x0028, 0x1056), 'CS', name)], withWindow);
      const image = await decodeImage(file, { applyVoiWindow: true });
      expect(image.meta.voiLutFunction).toBe(name);
      for (let i = 0; i < VALUES.length; i++) expect(image.data[i]).toBeCloseTo(fn(VALUES[i], 2000, 3000), 6);
    }
  });

  it('reads every window and uses the first; without a window it falls back to the range with a warning', async () => {
    const file = fileWith([
      textElement(tag(0x0028, 0x1050), 'DS', '1000\\3000'),
      textElement(tag(0x0028, 0x1051), 'DS', '500\\2000'),
      textElement(tag(0x0028, 0x1055), 'LO', 'SOFT\\HARD'),
    ]);
    const image = await decodeImage(file, { applyVoiWindow: true });
    expect(image.meta.windows).toEqual([
      { center: 1000, width: 500, explanation: 'SOFT' },
      { center: 3000, width: 2000, explanation: 'HARD' },
    ]);
    expect(image.data[20]).toBeCloseTo(voiLinear(VALUES[20], 1000, 500), 6);

    const none = await decodeImage(encodeDicom(BASE), { applyVoiWindow: true });
    expect(none.meta.normalization.kind).toBe('range');
    expect(none.meta.warnings.join(' ')).toMatch(/no valid window/);
  });

  it('drops an invalid window (width < 1 for LINEAR) with a warning', async () => {
    const file = fileWith([
      decimalStringElement(tag(0x0028, 0x1050), 100),
      decimalStringElement(tag(0x0028, 0x1051), 0.5),
    ]);
    const image = await decodeImage(file, { applyVoiWindow: true });
    expect(image.meta.windows).toEqual([]);
    expect(image.meta.normalization.kind).toBe('range');
    expect(image.meta.warnings.some((w) => w.includes('invalid'))).toBe(true);
  });
});

describe('DICOM header rules', () => {
  it('falls back from an invalid PixelSpacing to ImagerPixelSpacing, then to the default', async () => {
    const bad = textElement(tag(0x0028, 0x0030), 'DS', '0\\0.1');
    const imager = decimalStringElement(tag(0x0018, 0x1164), 0.085, 0.085);
    const both = await decodeImage(fileWith([bad, imager]));
    expect(both.pixelSpacingMm).toEqual({ row: 0.085, col: 0.085 });
    expect(both.meta.spacingSource).toBe('ImagerPixelSpacing');
    expect(both.meta.warnings.some((w) => w.includes('PixelSpacing'))).toBe(true);

    const single = await decodeImage(fileWith([textElement(tag(0x0028, 0x0030), 'DS', '0.1')]));
    expect(single.spacingAssumed).toBe(true);
    expect(single.meta.spacingSource).toBe('default');
  });

  it('prefers PixelSpacing over ImagerPixelSpacing and reports the magnification factor', async () => {
    const image = await decodeImage(
      fileWith([
        decimalStringElement(tag(0x0028, 0x0030), 0.065, 0.066),
        decimalStringElement(tag(0x0018, 0x1164), 0.07, 0.07),
        decimalStringElement(tag(0x0018, 0x1114), 1.08),
      ]),
    );
    expect(image.pixelSpacingMm).toEqual({ row: 0.065, col: 0.066 });
    expect(image.meta.estimatedMagnificationFactor).toBe(1.08);
  });

  it('defaults absent bit layout attributes with warnings and decodes the same pixels', async () => {
    const stripped = fileWith([], BASE, [
      tag(0x0028, 0x0101),
      tag(0x0028, 0x0102),
      tag(0x0028, 0x0103),
      tag(0x0028, 0x0002),
    ]);
    const image = await decodeImage(stripped);
    // BitsStored defaults to BitsAllocated (16), so values scale by 65535.
    expect(image.bitsStored).toBe(16);
    expect(image.data[10]).toBeCloseTo(VALUES[10] / 65535, 7);
    expect(image.meta.warnings.length).toBe(4);
  });

  it('reads Laterality (0020,0060) when Image Laterality is absent', async () => {
    const image = await decodeImage(fileWith([textElement(tag(0x0020, 0x0060), 'CS', 'R')]));
    expect(image.meta.imageLaterality).toBe('R');
  });

  it('reads a HighBit above BitsStored − 1 (values stored in the upper bits)', async () => {
    const shifted = Uint16Array.from(VALUES, (v) => (v << 4) | 0x5);
    const options: DicomWriteOptions = { ...BASE, pixels: shifted, bitsStored: 16 };
    const file = fileWith(
      [
        { tag: tag(0x0028, 0x0101), vr: 'US', value: new Uint8Array([12, 0]) },
        { tag: tag(0x0028, 0x0102), vr: 'US', value: new Uint8Array([15, 0]) },
      ],
      options,
    );
    const image = await decodeImage(file);
    for (let i = 0; i < VALUES.length; i++) expect(image.data[i]).toBeCloseTo(VALUES[i] / 4095, 6);
  });
});
