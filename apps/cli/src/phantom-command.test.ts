import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePhantomArgs, phantomCommand } from './phantom-command';

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

describe('parsePhantomArgs', () => {
  it('parses valid arguments with defaults', () => {
    expect(parsePhantomArgs(['--out', 'x', '--n', '3', '--seed', '7'])).toEqual({
      out: 'x',
      n: 3,
      seed: 7,
      size: '1024',
      cohort: null,
    });
    expect(
      parsePhantomArgs(['--out=x', '--n=1', '--seed=0', '--size', 'full', '--cohort', 'dcis-idc']),
    ).toEqual({
      out: 'x',
      n: 1,
      seed: 0,
      size: 'full',
      cohort: 'dcis-idc',
    });
    expect(parsePhantomArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--n', '3', '--seed', '1'], '--out DIR is required'],
    [['--out', 'x', '--seed', '1'], '--n is required'],
    [['--out', 'x', '--n', '0', '--seed', '1'], '--n must be 1–100000'],
    [['--out', 'x', '--n', '2.5', '--seed', '1'], '--n must be a whole number'],
    [['--out', 'x', '--n', '2', '--seed=-4'], '--seed must be a whole number'],
    [['--out', 'x', '--n', '2', '--seed', '4294967296'], '--seed must be 0–4294967295'],
    [['--out', 'x', '--n', '2', '--seed', '1', '--size', '512'], '--size must be 1024 or full'],
    [['--out', 'x', '--n', '2', '--seed', '1', '--cohort', 'ddsm'], '--cohort must be wang2016 or dcis-idc'],
    [['--out', 'x', '--n', '2', '--seed', '1', '--colour'], "Unknown option '--colour'"],
    [['--out', 'x', '--n', '2', '--seed', '1', 'extra'], 'unexpected argument "extra"'],
  ])('rejects %j with exit status 2: %s', async (argv, message) => {
    const result = await phantomCommand(argv, { write: () => true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: npm run phantom');
  });
});

describe('phantomCommand', () => {
  it('writes a cohort with manifest and reports progress', async () => {
    const out = await mkdtemp(join(tmpdir(), 'phantom-cli-'));
    folders.push(out);
    const lines: string[] = [];
    const result = await phantomCommand(['--out', out, '--n', '2', '--seed', '5', '--cohort', 'wang2016'], {
      write: (t: string) => lines.push(t),
      isTTY: false,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote 2 phantoms');
    expect(lines.join('')).toContain('phantom: 2/2 (100%)');
    const files = await readdir(out);
    expect(files).toContain('manifest.csv');
    expect(files.filter((f) => f.endsWith('.dcm')).length).toBe(2);
    const manifest = (await readFile(join(out, 'manifest.csv'), 'utf8')).split('\n');
    expect(manifest[0]).toBe('id,dicom,png,truth,label,subtype,lesion_type,birads,age,view,laterality,split');
    expect(
      manifest[1].startsWith('wang2016-0001,wang2016-0001.dcm,wang2016-0001.png,wang2016-0001.truth.json,'),
    ).toBe(true);
  });
});
