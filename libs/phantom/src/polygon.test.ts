import { describe, expect, it } from 'vitest';
import {
  clipPolygonToRect,
  pointInPolygon,
  polygonArea,
  polygonCentroid,
  polygonSignedArea,
  rasterizePolygon,
} from './polygon';

const count = (mask: Uint8Array): number => mask.reduce((a, v) => a + v, 0);

describe('rasterizePolygon', () => {
  it('fills exactly the pixel centres inside an axis-aligned rectangle', () => {
    // Centres x = 2..5 and y = 1..2 lie inside [1.5, 5.5] × [0.5, 2.5].
    const rect = [
      { x: 1.5, y: 0.5 },
      { x: 5.5, y: 0.5 },
      { x: 5.5, y: 2.5 },
      { x: 1.5, y: 2.5 },
    ];
    const mask = rasterizePolygon(rect, 8, 4);
    expect(count(mask)).toBe(8);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++) expect(mask[y * 8 + x]).toBe(x >= 2 && x <= 5 && y >= 1 && y <= 2 ? 1 : 0);
    }
  });

  it('approximates a disc area π r² and agrees with pointInPolygon everywhere', () => {
    const r = 40;
    const disc = Array.from({ length: 720 }, (_, k) => ({
      x: 60.3 + r * Math.cos((2 * Math.PI * k) / 720),
      y: 50.7 + r * Math.sin((2 * Math.PI * k) / 720),
    }));
    const mask = rasterizePolygon(disc, 128, 100);
    expect(Math.abs(count(mask) - Math.PI * r * r) / (Math.PI * r * r)).toBeLessThan(0.01);
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 128; x++) expect(mask[y * 128 + x]).toBe(pointInPolygon(disc, x, y) ? 1 : 0);
    }
  });

  it('uses the even–odd rule: the centre of a pentagram is a hole', () => {
    const star = [0, 2, 4, 1, 3].map((k) => ({
      x: 50 + 40 * Math.cos(-Math.PI / 2 + (2 * Math.PI * k) / 5),
      y: 50 + 40 * Math.sin(-Math.PI / 2 + (2 * Math.PI * k) / 5),
    }));
    const mask = rasterizePolygon(star, 100, 100);
    expect(mask[50 * 100 + 50]).toBe(0);
    // A point inside one tip is filled.
    expect(mask[20 * 100 + 50]).toBe(1);
  });

  it('clips polygons larger than the image and rejects bad sizes', () => {
    const big = [
      { x: -10, y: -10 },
      { x: 20, y: -10 },
      { x: 20, y: 20 },
      { x: -10, y: 20 },
    ];
    expect(count(rasterizePolygon(big, 5, 4))).toBe(20);
    expect(() => rasterizePolygon(big, 0, 4)).toThrow(RangeError);
  });
});

describe('polygon measures', () => {
  const square = [
    { x: 0, y: 0 },
    { x: 4, y: 0 },
    { x: 4, y: 2 },
    { x: 0, y: 2 },
  ];
  it('computes area, orientation and centroid', () => {
    expect(polygonArea(square)).toBe(8);
    // Clockwise on screen (y down): positive.
    expect(polygonSignedArea(square)).toBe(8);
    expect(polygonSignedArea(square.slice().reverse())).toBe(-8);
    expect(polygonCentroid(square)).toEqual({ x: 2, y: 1 });
  });

  it('clips to a rectangle', () => {
    const clipped = clipPolygonToRect(square, 1, -1, 3, 1);
    expect(polygonArea(clipped)).toBeCloseTo(2, 12);
  });
});
