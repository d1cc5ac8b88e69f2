/**
 * Writing phantoms to disk: `<id>.dcm`, `<id>.png`, `<id>.truth.json` per image and `manifest.csv`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeDicom, encodePng } from '@calcscope/imaging';
import { generatePhantom } from './phantom';
import { deriveSeed } from './random';
import type { Phantom, PhantomSpec, PhantomTruth } from './types';

/** The manifest's columns, in order. Paths are relative to the manifest's folder. */
export const MANIFEST_COLUMNS = [
  'id',
  'dicom',
  'png',
  'truth',
  'label',
  'subtype',
  'lesion_type',
  'birads',
  'age',
  'view',
  'laterality',
  'split',
] as const;

export type ManifestColumn = (typeof MANIFEST_COLUMNS)[number];
export type ManifestRow = Readonly<Record<ManifestColumn, string>>;

/** The three files of one phantom, as bytes. */
export interface PhantomFiles {
  readonly dicom: Uint8Array;
  readonly png: Uint8Array;
  readonly truthJson: string;
}

/**
 * Encodes a phantom as DICOM (MG, For Presentation, explicit VR little endian; 8 bits for '1024',
 * 12 bits stored in 16 for 'full'; PixelSpacing, view, laterality, pseudonymous patient ID, age,
 * Manufacturer = vendor profile name, UIDs derived from the seed), PNG (8-bit, or 16-bit with the
 * 12-bit values rescaled to the full 16-bit range, round(v · 65535 / 4095), so both files decode to
 * the same [0, 1] intensities within half a 16-bit step) and truth JSON (numbers rounded to 4 decimals).
 *
 * @returns the encoded files.
 * @throws ImageEncodeError from the imaging writers (not expected for generated phantoms).
 */
export async function encodePhantomFiles(phantom: Phantom): Promise<PhantomFiles> {
  const { truth } = phantom;
  const spacing = truth.pixelSpacingMm;
  const maxValue = (1 << phantom.bitsStored) - 1;
  const dicom = encodeDicom({
    width: phantom.width,
    height: phantom.height,
    pixels: phantom.pixels,
    bitsAllocated: phantom.bitsStored === 8 ? 8 : 16,
    bitsStored: phantom.bitsStored,
    photometric: 'MONOCHROME2',
    pixelSpacingMm: [spacing.row, spacing.col],
    window: { center: (maxValue + 1) / 2, width: maxValue + 1 },
    transferSyntax: 'explicit-le',
    tags: {
      patientId: pseudonymousPatientId(truth.seed),
      patientAge: `${String(Math.round(truth.age)).padStart(3, '0')}Y`,
      studyInstanceUid: seededUid(truth.seed, 'study'),
      seriesInstanceUid: seededUid(truth.seed, 'series'),
      sopInstanceUid: seededUid(truth.seed, 'instance'),
      viewPosition: truth.view,
      imageLaterality: truth.laterality,
      manufacturer: truth.vendor,
      modality: 'MG',
    },
  });
  let pngPixels: Uint8Array | Uint16Array = phantom.pixels;
  if (phantom.bitsStored === 12) {
    const wide = new Uint16Array(phantom.pixels.length);
    const scale = 65535 / maxValue;
    for (let i = 0; i < wide.length; i++) wide[i] = Math.round(phantom.pixels[i] * scale);
    pngPixels = wide;
  }
  const png = await encodePng({
    width: phantom.width,
    height: phantom.height,
    pixels: pngPixels,
    bits: phantom.bitsStored === 8 ? 8 : 16,
    pixelSpacingMm: spacing.col,
  });
  return { dicom, png, truthJson: truthToJson(truth) };
}

/** Serialises a truth with non-integer numbers rounded to 4 decimals (pixel coordinates to 1e-4 px). */
export function truthToJson(truth: PhantomTruth): string {
  return `${JSON.stringify(truth, (_key, value) =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e4) / 1e4 : value,
  )}\n`;
}

/** A pseudonymous patient ID derived from the seed: "PH" + 8 hex digits. */
export function pseudonymousPatientId(seed: number): string {
  return `PH${deriveSeed(seed, 'patient').toString(16).padStart(8, '0').toUpperCase()}`;
}

/** A DICOM UID in the 2.25 (UUID-derived) form built from 128 seed-derived bits. */
export function seededUid(seed: number, purpose: string): string {
  let value = 0n;
  for (let k = 0; k < 4; k++) value = (value << 32n) | BigInt(deriveSeed(seed, 'uid', purpose, k));
  return `2.25.${value.toString()}`;
}

/** The manifest row of a phantom whose files are `<id>.dcm`, `<id>.png`, `<id>.truth.json`. */
export function manifestRow(truth: PhantomTruth): ManifestRow {
  return {
    id: truth.id,
    dicom: `${truth.id}.dcm`,
    png: `${truth.id}.png`,
    truth: `${truth.id}.truth.json`,
    label: truth.label,
    subtype: truth.subtype,
    lesion_type: truth.lesionType,
    birads: String(truth.birads),
    age: String(truth.age),
    view: truth.view,
    laterality: truth.laterality,
    split: truth.split,
  };
}

/** The manifest as CSV text (header + rows, RFC 4180 quoting where needed, '\n' line ends). */
export function manifestCsv(rows: readonly ManifestRow[]): string {
  const lines = [MANIFEST_COLUMNS.join(',')];
  for (const row of rows) lines.push(MANIFEST_COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Progress of `writePhantomDataset`: images done, total, and seconds elapsed. */
export type ProgressListener = (done: number, total: number, elapsedSeconds: number) => void;

/**
 * Generates and writes every spec's files into `outDir` (created if missing), then `manifest.csv`.
 *
 * @param specs - what to generate (ids must be unique).
 * @param outDir - destination folder.
 * @param onProgress - called after each image.
 * @returns the manifest rows, in spec order.
 * @throws Error for duplicate ids; file-system errors as thrown by node:fs.
 */
export async function writePhantomDataset(
  specs: readonly PhantomSpec[],
  outDir: string,
  onProgress?: ProgressListener,
): Promise<ManifestRow[]> {
  const ids = new Set(specs.map((s) => s.id));
  if (ids.size !== specs.length) throw new Error('writePhantomDataset: spec ids are not unique');
  await mkdir(outDir, { recursive: true });
  const started = process.hrtime.bigint();
  const rows: ManifestRow[] = [];
  for (const spec of specs) {
    const phantom = generatePhantom(spec);
    const files = await encodePhantomFiles(phantom);
    const row = manifestRow(phantom.truth);
    await writeFile(join(outDir, row.dicom), files.dicom);
    await writeFile(join(outDir, row.png), files.png);
    await writeFile(join(outDir, row.truth), files.truthJson);
    rows.push(row);
    onProgress?.(rows.length, specs.length, Number(process.hrtime.bigint() - started) / 1e9);
  }
  await writeFile(join(outDir, 'manifest.csv'), manifestCsv(rows));
  return rows;
}
