import { describe, expect, it } from 'vitest';
import { traceContour } from './contour';

/** Mask from rows of '#' (set) and '.' (unset). */
function maskOf(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  const height = rows.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) mask[y * width + x] = row[x] === '#' ? 1 : 0;
  });
  return { mask, width, height };
}

/** Twice the signed area by the shoelace formula (positive = clockwise on screen, y down). */
function signedArea2(points: readonly { x: number; y: number }[]): number {
  let s = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    s += a.x * b.y - b.x * a.y;
  }
  return s;
}

describe('traceContour', () => {
  it('traces a square clockwise from its top-left pixel', () => {
    const { mask, width, height } = maskOf(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(traceContour(mask, width, height)).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 1 },
      { x: 3, y: 1 },
      { x: 3, y: 2 },
      { x: 3, y: 3 },
      { x: 2, y: 3 },
      { x: 1, y: 3 },
      { x: 1, y: 2 },
    ]);
  });

  it('gives a closed 8-connected chain of boundary pixels around a blob with a hole and a spur', () => {
    const { mask, width, height } = maskOf([
      '..........',
      '...####...',
      '..######..',
      '.###..###.',
      '.###..####',
      '..######..',
      '....##....',
      '....#.....',
    ]);
    const contour = traceContour(mask, width, height, 10, 20);
    for (let i = 0; i < contour.length; i++) {
      const a = contour[i];
      const b = contour[(i + 1) % contour.length];
      expect(Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y)), `step ${i}`).toBe(1);
      expect(mask[(a.y - 20) * width + (a.x - 10)]).toBe(1);
    }
    expect(signedArea2(contour)).toBeGreaterThan(0);
    // Every outer boundary pixel (set, with an unset or outside 4-neighbour that reaches the border) appears.
    const onContour = new Set(contour.map((p) => `${p.x - 10},${p.y - 20}`));
    for (const [x, y] of [
      [3, 1],
      [9, 4],
      [4, 7],
      [1, 3],
    ]) {
      expect(onContour.has(`${x},${y}`), `${x},${y}`).toBe(true);
    }
    // The hole's rim (pixels touching only the hole) is not traced.
    expect(onContour.has('3,3')).toBe(false);
  });

  it('handles empty masks and single pixels', () => {
    expect(traceContour(new Uint8Array(9), 3, 3)).toEqual([]);
    const one = new Uint8Array(9);
    one[4] = 1;
    expect(traceContour(one, 3, 3)).toEqual([{ x: 1, y: 1 }]);
  });

  it('visits a one-pixel-wide line out and back', () => {
    const { mask, width, height } = maskOf(['###']);
    expect(traceContour(mask, width, height)).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 2, y: 0 },
      { x: 1, y: 0 },
    ]);
  });
});
