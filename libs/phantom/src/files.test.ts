import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@calcscope/imaging';
import { afterAll, describe, expect, it } from 'vitest';
import { mixedSpecs } from './cohorts';
import {
  encodePhantomFiles,
  MANIFEST_COLUMNS,
  manifestCsv,
  pseudonymousPatientId,
  seededUid,
  writePhantomDataset,
} from './files';
import { generatePhantom, toGrayImage } from './phantom';
import type { PhantomTruth } from './types';
import { phantomSpec } from './validate';

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

describe('writePhantomDataset', () => {
  it('writes byte-identical files for the same seed, with the exact manifest columns', async () => {
    const specs = mixedSpecs(2, 77);
    const a = await mkdtemp(join(tmpdir(), 'phantom-a-'));
    const b = await mkdtemp(join(tmpdir(), 'phantom-b-'));
    folders.push(a, b);
    const progress: number[] = [];
    const rows = await writePhantomDataset(specs, a, (done) => progress.push(done));
    await writePhantomDataset(specs, b);
    expect(progress).toEqual([1, 2]);
    const files = (await readdir(a)).sort();
    expect(files).toEqual(
      ['manifest.csv', ...specs.flatMap((s) => [`${s.id}.dcm`, `${s.id}.png`, `${s.id}.truth.json`])].sort(),
    );
    for (const f of files) expect((await readFile(join(a, f))).equals(await readFile(join(b, f)))).toBe(true);
    const csv = (await readFile(join(a, 'manifest.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toBe('id,dicom,png,truth,label,subtype,lesion_type,birads,age,view,laterality,split');
    expect(csv.length).toBe(3);
    const first = csv[1].split(',');
    expect(first.length).toBe(MANIFEST_COLUMNS.length);
    expect(first.slice(0, 4)).toEqual([
      specs[0].id,
      `${specs[0].id}.dcm`,
      `${specs[0].id}.png`,
      `${specs[0].id}.truth.json`,
    ]);
    expect(first[MANIFEST_COLUMNS.indexOf('lesion_type')]).toBe(specs[0].lesionType);
    expect(first[MANIFEST_COLUMNS.indexOf('age')]).toBe(String(specs[0].age));
    expect(rows[1].split).toBe('none');
    const truth = JSON.parse(await readFile(join(a, `${specs[1].id}.truth.json`), 'utf8')) as PhantomTruth;
    expect(truth.id).toBe(specs[1].id);
    expect(truth.width).toBe(1024);
  });
});

describe('encodePhantomFiles', () => {
  it('round-trips the 8-bit image through DICOM and PNG with its tags', async () => {
    const phantom = generatePhantom(
      phantomSpec({ seed: 31, view: 'MLO', laterality: 'R', age: 61, vendor: 'siemens-like' }),
    );
    const files = await encodePhantomFiles(phantom);
    const expected = toGrayImage(phantom).data;
    const dicom = await decodeImage(files.dicom);
    expect(dicom.format).toBe('dicom');
    expect([dicom.width, dicom.height, dicom.bitsStored]).toEqual([1024, 1024, 8]);
    expect(dicom.pixelSpacingMm.row).toBeCloseTo(0.1, 10);
    expect(dicom.spacingAssumed).toBe(false);
    expect(dicom.meta.viewPosition).toBe('MLO');
    expect(dicom.meta.imageLaterality).toBe('R');
    expect(dicom.meta.manufacturer).toBe('siemens-like');
    expect(dicom.meta.identifiers?.patientAge).toBe('061Y');
    expect(dicom.meta.identifiers?.patientId).toBe(pseudonymousPatientId(31));
    expect(dicom.meta.identifiers?.sopInstanceUid).toBe(seededUid(31, 'instance'));
    const png = await decodeImage(files.png);
    for (let i = 0; i < expected.length; i += 101) {
      expect(dicom.data[i]).toBeCloseTo(expected[i], 6);
      expect(png.data[i]).toBeCloseTo(expected[i], 6);
    }
  });

  it("round-trips a 'full' image: 12 bits in DICOM, rescaled 16 bits in PNG", async () => {
    const phantom = generatePhantom(phantomSpec({ seed: 32, size: 'full', lesionType: 'mass' }));
    const files = await encodePhantomFiles(phantom);
    const dicom = await decodeImage(files.dicom);
    expect([dicom.width, dicom.height, dicom.bitsStored, dicom.meta.bitsAllocated]).toEqual([
      3328, 4096, 12, 16,
    ]);
    expect(dicom.pixelSpacingMm.col).toBeCloseTo(0.07, 10);
    const png = await decodeImage(files.png);
    expect(png.bitsStored).toBe(16);
    for (let i = 0; i < phantom.pixels.length; i += 4099) {
      expect(dicom.data[i]).toBeCloseTo(phantom.pixels[i] / 4095, 6);
      // round(v · 65535 / 4095): within half a 16-bit step.
      expect(Math.abs(png.data[i] - phantom.pixels[i] / 4095)).toBeLessThan(0.51 / 65535 + 1e-7);
    }
  });
});

describe('manifestCsv', () => {
  it('quotes fields with commas or quotes', () => {
    const row = Object.fromEntries(MANIFEST_COLUMNS.map((c) => [c, c])) as Record<
      (typeof MANIFEST_COLUMNS)[number],
      string
    >;
    const csv = manifestCsv([{ ...row, subtype: 'a,"b"' }]);
    expect(csv.split('\n')[1]).toContain('"a,""b"""');
  });

  it('makes valid, distinct DICOM UIDs from seeds', () => {
    const uid = seededUid(5, 'study');
    expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(uid).not.toBe(seededUid(5, 'series'));
    expect(uid).toBe(seededUid(5, 'study'));
  });
});
