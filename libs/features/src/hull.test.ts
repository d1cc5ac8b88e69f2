import { describe, expect, it } from 'vitest';
import { convexHull, polygonArea, polygonPerimeter } from './hull';

describe('convexHull', () => {
  it('keeps the corners of a square with interior, edge and duplicate points', () => {
    const xs = [0, 2, 2, 0, 1, 1, 2, 0, 0];
    const ys = [0, 0, 2, 2, 1, 0, 1, 0, 0];
    const hull = convexHull(xs, ys);
    expect(hull.xs).toHaveLength(4);
    expect(polygonArea(hull)).toBe(4);
    expect(polygonPerimeter(hull)).toBe(8);
  });

  it('collapses collinear points to a segment and equal points to one vertex', () => {
    const segment = convexHull([0, 1, 2, 3], [0, 1, 2, 3]);
    expect(Array.from(segment.xs)).toEqual([0, 3]);
    expect(polygonArea(segment)).toBe(0);
    expect(polygonPerimeter(segment)).toBeCloseTo(2 * 3 * Math.SQRT2, 12);
    const point = convexHull([5, 5, 5], [1, 1, 1]);
    expect(point.xs).toHaveLength(1);
    expect(polygonPerimeter(point)).toBe(0);
    expect(convexHull([], []).xs).toHaveLength(0);
  });
});
