import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { analyzeImage } from '@calcscope/analysis';
import { encodePhantomFiles, generatePhantom, mixedSpecs } from '@calcscope/phantom';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProjects, ROOT } from './build';

const run = promisify(execFile);
const CLI = resolve(ROOT, 'apps/cli/dist/analyze.js');

async function analyzeCli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run analyze (the compiled CLI)', () => {
  let dir: string;
  let dicomPath: string;
  beforeAll(async () => {
    buildProjects('apps/cli');
    dir = await mkdtemp(join(tmpdir(), 'calcscope-cli-'));
    const base = mixedSpecs(1, 77)[0];
    const files = await encodePhantomFiles(
      generatePhantom({
        ...base,
        id: 'cli',
        lesionType: 'mc+mass',
        mc: { morphology: 'coarse-heterogeneous', distribution: 'grouped', count: 10 },
        mass: { shape: 'oval', margin: 'circumscribed', diameterMm: 12 },
      }),
    );
    dicomPath = join(dir, 'cli.dcm');
    await writeFile(dicomPath, files.dicom);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--json prints one object equal to the library result (timings aside)', async () => {
    const { code, stdout } = await analyzeCli(dicomPath, '--json');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(stdout);
    const { result } = await analyzeImage(await readFile(dicomPath));
    expect(Object.keys(printed)).toEqual(['image', 'clusters', 'masses', 'lesions', 'timingsMs']);
    expect({ ...printed, timingsMs: {} }).toEqual({ ...result, timingsMs: {} });
  });

  it('prints a readable report and writes an overlay PNG of the image size', async () => {
    const overlay = join(dir, 'overlay.png');
    const { code, stdout } = await analyzeCli(dicomPath, '--overlay', overlay);
    expect(code).toBe(0);
    expect(stdout).toMatch(/image: 1024×1024 px, dicom/);
    expect(stdout).toMatch(/masses: \d+/);
    expect(stdout).toMatch(/timings \(ms\): decode/);
    const meta = await sharp(overlay).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([1024, 1024, 'png']);
  });

  it('fails with a typed decode error, exit 3, for a file that is not an image', async () => {
    const bad = join(dir, 'not-an-image.dcm');
    await writeFile(bad, 'this is plain text, not a mammogram');
    const { code, stderr, stdout } = await analyzeCli(bad, '--json');
    expect(code).toBe(3);
    expect(stderr).toMatch(/\[UNSUPPORTED_FORMAT\]/);
    expect(stdout).toBe('');
  });

  it('fails with exit 2 and a usage line for wrong arguments or a missing file', async () => {
    expect((await analyzeCli()).code).toBe(2);
    const missing = await analyzeCli(join(dir, 'missing.dcm'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
