import { describe, expect, it } from 'vitest';
import { blockMedianGrid, levelIndex, levelNoiseModel } from './level-noise';
import { normal } from './test-scenes';
import { gridLevelAt } from './tile-grid';

describe('blockMedianGrid', () => {
  it('gives each block its median, read back exactly at block centres', () => {
    // 4 × 2 blocks of 5 × 5 pixels; block (i, j) holds values i + 10 j with one outlier of +100.
    const width = 20;
    const height = 10;
    const values = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) values[y * width + x] = Math.floor(x / 5) + 10 * Math.floor(y / 5);
    }
    values[2 * width + 2] += 100;
    const grid = blockMedianGrid(values, width, height, 5, 1);
    expect([grid.cols, grid.rows, grid.tileWidth, grid.tileHeight]).toEqual([4, 2, 5, 5]);
    expect(Array.from(grid.median)).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
    expect(gridLevelAt(grid, 7, 2, 0)).toBeCloseTo(1, 6);
    expect(gridLevelAt(grid, 9.5, 2, 0)).toBeCloseTo(1.5, 6);
  });
});

describe('levelNoiseModel', () => {
  it('recovers a noise sigma that grows with the level, unmoved by a few bright outliers', () => {
    // Level ramps from 0.2 to 0.6 across 400 columns; noise sigma = 0.02 · level; 0.5 % of pixels +1.
    const width = 400;
    const height = 200;
    const level = new Float32Array(width * height);
    const values = new Float32Array(width * height);
    const noise = normal(3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const l = 0.2 + (0.4 * x) / (width - 1);
        level[y * width + x] = l;
        values[y * width + x] = 0.02 * l * noise() + ((x * 7 + y * 13) % 200 === 0 ? 1 : 0);
      }
    }
    const levels = blockMedianGrid(level, width, height, 4, 1);
    const mask = new Uint8Array(width * height).fill(1);
    const model = levelNoiseModel(values, width, height, levels, mask, width, 0, 0, 16, 1, 0);
    for (const l of [0.25, 0.4, 0.55]) {
      const i = levelIndex(model, l);
      expect(model.sigma[i] / (0.02 * l)).toBeGreaterThan(0.93);
      expect(model.sigma[i] / (0.02 * l)).toBeLessThan(1.07);
      expect(Math.abs(model.median[i])).toBeLessThan(0.002 * l);
    }
    // Levels beyond the table take its end values.
    expect(levelIndex(model, -5)).toBe(0);
    expect(levelIndex(model, 5)).toBe(model.median.length - 1);
  });

  it('reads only masked pixels and is flat-infinite when there are too few', () => {
    const width = 50;
    const height = 50;
    const values = new Float32Array(width * height).fill(1);
    const levels = blockMedianGrid(values, width, height, 5, 1);
    const mask = new Uint8Array(width * height);
    mask[0] = 1;
    const empty = levelNoiseModel(values, width, height, levels, mask, width, 0, 0, 8, 1, 0);
    expect(empty.sigma[levelIndex(empty, 1)]).toBe(Number.POSITIVE_INFINITY);
    // Masked half: values 0 with noise floor 0.5; the unmasked half (values 1) must not count.
    for (let i = 0; i < width * height; i++) {
      if (i % width < 25) {
        mask[i] = 1;
        values[i] = 0;
      }
    }
    const model = levelNoiseModel(values, width, height, levels, mask, width, 0, 0, 4, 1, 0.5);
    expect(Array.from(model.median).every((m) => m === 0)).toBe(true);
    expect(Array.from(model.sigma).every((s) => s === 0.5)).toBe(true);
  });
});
