import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_SCHEMA_HASH, MC_FEATURE_NAMES } from '@calcscope/features';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { readFeatureTable, tableSchemaHash } from './feature-table-csv';
import { validateSplit } from './split-json';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calcscope-table-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

/** n rows: id, two features, label benign/malignant alternating (n/2 of each when n is even). */
function table(n: number): string {
  const lines = ['case_id,area,contrast,outcome'];
  for (let i = 0; i < n; i++)
    lines.push(`${i === 0 ? 'ID-0' : `c${i}`},${i}.5,${-i}e-1,${i % 2 ? 'malignant' : 'benign'}`);
  return `${lines.join('\n')}\n`;
}

describe('readFeatureTable', () => {
  it('reads numeric columns as features in header order, with a stratified 80/20 split by seed', async () => {
    const path = await write('t.csv', table(20));
    const loaded = await readFeatureTable(path, 'outcome', null, 7, { idColumn: 'case_id' });
    const { table: t } = loaded;
    expect(t).toMatchObject({ scenario: 'table', task: 'malignancy', rows: 20, positiveClass: 'malignant' });
    expect(t.featureNames).toEqual(['area', 'contrast']);
    expect(t.schemaHash).toBe(createHash('sha256').update('["area","contrast"]').digest('hex'));
    expect(t.ids.slice(0, 2)).toEqual(['ID-0', 'c1']);
    expect([...t.x.subarray(6, 8)]).toEqual([3.5, -0.3]);
    expect([...t.y.subarray(0, 4)]).toEqual([0, 1, 0, 1]);
    // 10 per class → 2 of each in test.
    expect(loaded.split.test).toHaveLength(4);
    expect(loaded.split.train).toHaveLength(16);
    expect([...loaded.split.test].reduce((s, i) => s + t.y[i], 0)).toBe(2);
    expect(t.split.filter((s) => s === 'test')).toHaveLength(4);
    expect(loaded.splitSource).toBe('stratified');
    // Same seed, same split.
    const again = await readFeatureTable(path, 'outcome', undefined, 7, { idColumn: 'case_id' });
    expect([...again.split.test]).toEqual([...loaded.split.test]);
  });

  it('uses a column named id without being told and numbers rows without one', async () => {
    const withId = await write('id.csv', 'ID,f,label\na,1,0\nb,2,1\nc,3,0\nd,4,1\ne,5,0\n');
    expect((await readFeatureTable(withId, 'label', null, 1)).table.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    const noId = await write('noid.csv', 'f,label\n1,0\n2,1\n3,0\n4,1\n5,1\n');
    const loaded = await readFeatureTable(noId, 'label', null, 1);
    expect(loaded.table.ids).toEqual(['0', '1', '2', '3', '4']);
    expect(loaded.positiveLabel).toBe('1');
  });

  it('chooses the positive class: explicit, 1, malignant, IDC, else the larger string', async () => {
    const labelled = async (a: string, b: string, positive?: string) => {
      const path = await write(`l-${a}-${b}.csv`, `f,y\n1,${a}\n2,${b}\n3,${a}\n4,${b}\n5,${a}\n`);
      return readFeatureTable(path, 'y', null, 3, positive ? { positiveLabel: positive } : {});
    };
    expect((await labelled('Malignant', 'Benign')).positiveLabel).toBe('Malignant');
    const dcis = await labelled('IDC', 'DCIS');
    expect([dcis.positiveLabel, dcis.table.task]).toEqual(['IDC', 'dcis-idc']);
    expect((await labelled('no', 'yes')).positiveLabel).toBe('yes');
    const explicit = await labelled('no', 'yes', 'no');
    expect(explicit.positiveLabel).toBe('no');
    expect([...explicit.table.y]).toEqual([1, 0, 1, 0, 1]);
  });

  it('lists non-numeric columns, bad cells with rows, bad labels and ragged rows in one error', async () => {
    const path = await write(
      'bad.csv',
      [
        'id,a,b,note,kind,label',
        'r1,1,2,ok,x,0',
        'r2,,3,fine,y,1', // row 3: empty a
        'r3,NaN,inf,hmm,z,1', // row 4: NaN a, Inf b
        'r4,1,2,3', // row 5: ragged
        'r5,1,1e999,yes,w,', // row 6: 1e999 overflows, empty label
      ].join('\n'),
    );
    const error = await failure(readFeatureTable(path, 'label', null, 1));
    expect(error.code).toBe('INVALID_TABLE');
    const found = error.problems.map((p) => `${p.row}|${p.column ?? ''}|${p.message}`);
    expect(found).toEqual([
      "1||non-numeric column(s) that are neither label nor id: note (row 2: 'ok'), kind (row 2: 'x')",
      '3|a|empty cell',
      "4|a|'NaN' is not finite",
      "4|b|'inf' is not finite",
      '5||4 fields, the header has 6',
      "6|b|'1e999' is not finite",
      '6|label|empty label',
    ]);
  });

  it('refuses a label column with one or three classes and a missing label column', async () => {
    const three = await write('three.csv', 'f,y\n1,a\n2,b\n3,c\n3,c\n');
    expect((await failure(readFeatureTable(three, 'y', null, 1))).problems[0].message).toBe(
      "label column must hold exactly two classes, found 3: 'a' × 1, 'b' × 1, 'c' × 2",
    );
    const one = await write('one.csv', 'f,y\n1,a\n2,a\n');
    expect((await failure(readFeatureTable(one, 'y', null, 1))).problems[0].message).toMatch(/found 1/);
    expect((await failure(readFeatureTable(one, 'outcome', null, 1))).problems[0].message).toMatch(
      /label column 'outcome' is not in the header/,
    );
  });

  it('takes the split from SPLIT.json', async () => {
    const path = await write('s.csv', table(10));
    const splitPath = await write('split.json', JSON.stringify({ train: [5, 0, 1, 2, 3], test: [9, 8] }));
    const loaded = await readFeatureTable(path, 'outcome', splitPath, 1, { idColumn: 'case_id' });
    expect([...loaded.split.train]).toEqual([0, 1, 2, 3, 5]);
    expect([...loaded.split.test]).toEqual([8, 9]);
    expect(loaded.table.split).toEqual([
      'train',
      'train',
      'train',
      'train',
      'none',
      'train',
      'none',
      'none',
      'test',
      'test',
    ]);
    expect(loaded.splitSource).toBe('split-json');
    const bad = await write('bad-split.json', JSON.stringify({ train: [0, 1, 1, 10], test: [1] }));
    expect((await failure(readFeatureTable(path, 'outcome', bad, 1, { idColumn: 'case_id' }))).code).toBe(
      'INVALID_SPLIT',
    );
  });

  it('gives the built-in schema hash to tables with exactly the built-in feature names', () => {
    expect(tableSchemaHash(MC_FEATURE_NAMES)).toBe(FEATURE_SCHEMA_HASH);
    expect(tableSchemaHash([...MC_FEATURE_NAMES].reverse())).not.toBe(FEATURE_SCHEMA_HASH);
  });
});

describe('validateSplit', () => {
  const y = [0, 1, 0, 1, 0, 1];
  const problems = (json: unknown) => validateSplit(json, 6, y).problems.map((p) => p.message);

  it('accepts disjoint in-range sets and sorts them', () => {
    const { split, problems: none } = validateSplit({ train: [3, 0, 1], test: [5, 4] }, 6, y);
    expect(none).toEqual([]);
    expect([...split!.train]).toEqual([0, 1, 3]);
    expect([...split!.test]).toEqual([4, 5]);
  });

  it('lists every problem', () => {
    expect(problems([1, 2])).toEqual(['SPLIT.json must be an object {"train": [...], "test": [...]}']);
    expect(problems({ train: [0, 1, 6, -1, 1.5, '2'], test: [], validation: [] })).toEqual([
      'unknown key(s) "validation" (only "train" and "test")',
      '"train" has 4 value(s) that are not integer row indices in [0, 6): 6, -1, 1.5, "2"',
      '"test" is empty',
    ]);
    expect(problems({ train: [0, 1, 1, 2], test: [2, 3] })).toEqual([
      '"train" lists 1 index(es) twice: 1',
      '1 index(es) are in both "train" and "test": 2',
    ]);
    expect(problems({ train: [0, 2], test: [1] })).toEqual([
      'the training rows hold only one class (0 positive of 2)',
    ]);
  });
});
