import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { readManifest } from './manifest';

let dir: string;

const truth = {
  pixelSpacingMm: { row: 0.1, col: 0.1 },
  microcalcifications: [],
  clusters: [{ bbox: { x0: 10, y0: 20, x1: 30, y1: 40 } }],
  masses: [
    {
      polygon: [
        { x: 50.2, y: 60 },
        { x: 70, y: 60.4 },
        { x: 60, y: 80.6 },
      ],
    },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calcscope-manifest-'));
  // Validation only checks that files exist; their bytes are never decoded here.
  for (const name of ['a.dcm', 'a.png', 'b.png', 'c.dcm', 'd.dcm']) await writeFile(join(dir, name), 'x');
  await writeFile(join(dir, 'a.truth.json'), JSON.stringify(truth));
  await writeFile(join(dir, 'broken.truth.json'), '{"clusters": [');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function problemsOf(path: string, options = {}) {
  const error = await readManifest(path, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  return (error as DatasetError).problems;
}

describe('readManifest', () => {
  it('reads a good manifest: absolute paths, dicom preferred, labels, splits, truth region', async () => {
    const path = await write('good.csv', [
      'id,dicom,png,truth,label,subtype,split',
      'a,a.dcm,a.png,a.truth.json,malignant,IDC,train',
      'b,,b.png,,0,fibroadenoma,',
      'c,c.dcm,,,1,,TEST',
    ]);
    const manifest = await readManifest(path);
    expect(manifest.task).toBe('malignancy');
    expect(manifest.positiveClass).toBe('malignant');
    const [a, b, c] = manifest.rows;
    expect(a).toMatchObject({ row: 2, id: 'a', imagePath: join(dir, 'a.dcm'), imageColumn: 'dicom', y: 1 });
    expect(a.labelName).toBe('malignant');
    expect(a.columns.subtype).toBe('IDC');
    // Union of the cluster box [10,30)×[20,40) and the polygon's pixels: columns 50–70, rows 60–81.
    expect(a.region).toEqual({ source: 'truth', units: 'px', x: 10, y: 20, width: 61, height: 62 });
    expect(b).toMatchObject({
      imagePath: join(dir, 'b.png'),
      imageColumn: 'png',
      y: 0,
      split: 'none',
      region: null,
    });
    expect(c).toMatchObject({ y: 1, split: 'test' });
  });

  it('collects every bad row with its row number before any work', async () => {
    const path = await write('bad.csv', [
      'id,dicom,png,truth,label,split',
      'a,a.dcm,,,benign,train', // row 2: fine
      'a,c.dcm,,,benign,train', // row 3: duplicate id
      'b,missing.dcm,,,malignant,test', // row 4: missing file
      'c,c.dcm,,,maybe,train', // row 5: unknown label
      'd,d.dcm,,train', // row 6: wrong column count
      'e,,,,benign,train', // row 7: no image
      'f,d.dcm,,broken.truth.json,benign,validation', // row 8: bad truth JSON and bad split
      ',d.dcm,,,benign,train', // row 9: empty id
    ]);
    const problems = await problemsOf(path);
    const byRow = new Map<number, string[]>();
    for (const p of problems)
      byRow.set(p.row, [...(byRow.get(p.row) ?? []), `${p.column ?? ''}:${p.message}`]);
    expect([...byRow.keys()]).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(byRow.get(3)![0]).toMatch(/^id:duplicate id 'a' \(first on row 2\)/);
    expect(byRow.get(4)![0]).toMatch(/^dicom:file not found/);
    expect(byRow.get(5)![0]).toMatch(/^label:unknown label 'maybe'/);
    expect(byRow.get(6)![0]).toMatch(/4 fields, the header has 6/);
    expect(byRow.get(7)![0]).toMatch(/no image/);
    expect(byRow.get(8)!.sort()).toEqual([
      expect.stringMatching(/^split:unknown split 'validation'/),
      expect.stringMatching(/^truth:truth file is not valid JSON/),
    ]);
    expect(byRow.get(9)![0]).toMatch(/^id:empty id/);
  });

  it('reports missing required columns from the header', async () => {
    const path = await write('header.csv', ['name,label,roi_x', 'a,benign,1']);
    const messages = (await problemsOf(path)).map((p) => p.message);
    expect(messages).toEqual([
      "required column 'id' is missing",
      "no image column: the header needs 'dicom' or 'png'",
      'ROI columns need all of roi_x, roi_y, roi_w, roi_h; missing roi_y, roi_w, roi_h',
    ]);
  });

  it('applies the ROI units rule: the roi_units cell wins, the option is the default, neither is an error', async () => {
    const path = await write('roi.csv', [
      'id,dicom,label,roi_x,roi_y,roi_w,roi_h,roi_units',
      'a,a.dcm,benign,1.5,2,3,4,mm',
      'c,c.dcm,malignant,10,20,30,40,',
      'd,d.dcm,benign,,,,,',
    ]);
    const manifest = await readManifest(path, { roiUnits: 'px' });
    expect(manifest.rows.map((r) => r.region)).toEqual([
      { source: 'roi', units: 'mm', x: 1.5, y: 2, width: 3, height: 4 },
      { source: 'roi', units: 'px', x: 10, y: 20, width: 30, height: 40 },
      null,
    ]);
    const problems = await problemsOf(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: 3, column: 'roi_units' });
  });

  it('reports bad ROI numbers cell by cell', async () => {
    const path = await write('roi-bad.csv', [
      'id,dicom,label,roi_x,roi_y,roi_w,roi_h,roi_units',
      'a,a.dcm,benign,-1,2,0,4,px',
      'c,c.dcm,malignant,x,2,3,,px',
      'd,d.dcm,benign,1,2,3,4,cm',
    ]);
    const problems = await problemsOf(path);
    expect(problems.map((p) => `${p.row}:${p.column}`)).toEqual([
      '2:roi_x',
      '2:roi_w',
      '3:roi_x',
      '3:roi_h',
      '4:roi_units',
    ]);
  });

  it('ROI wins over the truth file', async () => {
    const path = await write('roi-truth.csv', [
      'id,dicom,truth,label,roi_x,roi_y,roi_w,roi_h,roi_units',
      'a,a.dcm,a.truth.json,benign,5,6,7,8,px',
      'c,c.dcm,,malignant,,,,,',
    ]);
    expect((await readManifest(path)).rows[0].region).toMatchObject({ source: 'roi', x: 5 });
  });

  it('detects the DCIS/IDC task and flags rows of the other task', async () => {
    const good = await write('dcis.csv', ['id,dicom,label', 'a,a.dcm,DCIS', 'c,c.dcm,idc']);
    const manifest = await readManifest(good);
    expect(manifest.task).toBe('dcis-idc');
    expect(manifest.positiveClass).toBe('IDC');
    expect(manifest.rows.map((r) => [r.labelName, r.y])).toEqual([
      ['DCIS', 0],
      ['IDC', 1],
    ]);
    const mixed = await write('mixed.csv', [
      'id,dicom,label',
      'a,a.dcm,DCIS',
      'c,c.dcm,IDC',
      'd,d.dcm,benign',
    ]);
    const problems = await problemsOf(mixed);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: 4, column: 'label' });
  });

  it('reads the class from another column and refuses a manifest of one class', async () => {
    // The dcis-idc phantom cohort: every label 'malignant', the class in 'subtype'.
    const path = await write('subtype.csv', [
      'id,dicom,label,subtype',
      'a,a.dcm,malignant,DCIS',
      'c,c.dcm,malignant,IDC',
    ]);
    const problems = await problemsOf(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: 0, column: 'label' });
    expect(problems[0].message).toMatch(/every labelled row is 'malignant'.*'subtype'/);
    const manifest = await readManifest(path, { labelColumn: 'subtype' });
    expect(manifest.task).toBe('dcis-idc');
    expect(manifest.rows.map((r) => r.y)).toEqual([0, 1]);
  });

  it('refuses a missing or empty manifest', async () => {
    await expect(readManifest(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
    const empty = await write('empty.csv', ['id,dicom,label']);
    await expect(readManifest(empty)).rejects.toThrow(/no data rows/);
  });
});
