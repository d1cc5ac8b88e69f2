import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@calcscope/imaging';
import { describe, expect, it } from 'vitest';
import { textureCommand } from './texture-command';

const dir = mkdtempSync(join(tmpdir(), 'texture-'));

async function png(name: string, width: number, height: number, value: (x: number, y: number) => number) {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = value(x, y);
  const path = join(dir, name);
  writeFileSync(path, await encodePng({ width, height, pixels, bits: 8 }));
  return path;
}

describe('npm run texture', () => {
  it('prints the GLCM features of a checkerboard as one JSON object', async () => {
    const image = await png('checker.png', 8, 8, (x, y) => ((x + y) % 2) * 255);
    const result = await textureCommand([image, '--levels', '2', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.maskPixels).toBe(64);
    expect(report.range).toEqual([0, 1]);
    // Horizontal/vertical pairs differ, diagonal ones agree: contrast ½ on average, correlation 0.
    expect(report.features.contrast).toBeCloseTo(0.5, 12);
    expect(report.features.correlation).toBeCloseTo(0, 12);
  });

  it('restricts to the nonzero pixels of the mask and prints a table', async () => {
    // Left half flat (mask), right half noisy (outside the mask).
    const image = await png('half.png', 10, 6, (x, y) => (x < 5 ? 100 : (x * 37 + y * 91) % 256));
    const mask = await png('mask.png', 10, 6, (x) => (x < 5 ? 255 : 0));
    const json = JSON.parse((await textureCommand([image, '--mask', mask, '--json'])).stdout);
    expect(json.maskPixels).toBe(30);
    expect(json.features.jointEnergy).toBe(1);
    expect(json.features.correlation).toBe(1);
    const table = await textureCommand([image, '--mask', mask]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/30 pixels/);
    expect(table.stdout).toMatch(/^ {2}jointEnergy +1$/m);
  });

  it('refuses a mask of another size, bad numbers and missing files with clear messages', async () => {
    const image = await png('img.png', 10, 6, () => 10);
    const small = await png('small.png', 9, 6, () => 255);
    const mismatch = await textureCommand([image, '--mask', small]);
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toMatch(/9 × 6 pixels.*10 × 6.*must match/);
    const bad = await textureCommand([image, '--levels', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--levels must be a positive integer/);
    expect((await textureCommand([])).code).toBe(2);
    expect((await textureCommand([join(dir, 'absent.png')])).stderr).toMatch(/cannot read .*ENOENT/);
    const empty = await png('empty-mask.png', 10, 6, () => 0);
    const noPixels = await textureCommand([image, '--mask', empty]);
    expect(noPixels.code).toBe(3);
    expect(noPixels.stderr).toMatch(/EMPTY_MASK/);
  });
});
