/**
 * Polygon geometry in pixel coordinates, with one convention throughout Calcscope's phantom truth:
 * pixel (x, y) is the unit square centred on the integer point (x, y), so the image covers
 * [−0.5, width − 0.5] × [−0.5, height − 0.5]; a pixel belongs to a polygon when its centre does
 * (even–odd rule).
 */
import type { Point } from '@calcscope/imaging';

/**
 * Rasterises a closed polygon (first vertex not repeated) into a mask, even–odd rule at pixel centres.
 *
 * A centre exactly on a left edge is inside, on a right edge outside (half-open spans), so two
 * polygons sharing an edge never both claim a pixel.
 *
 * @param polygon - vertices in pixel coordinates (any orientation, may self-intersect).
 * @param width - mask columns.
 * @param height - mask rows.
 * @returns a row-major Uint8Array of width × height, 1 inside, 0 outside.
 * @throws RangeError when width or height is not a positive integer.
 */
export function rasterizePolygon(polygon: readonly Point[], width: number, height: number): Uint8Array {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`rasterizePolygon: bad size ${width}×${height}`);
  }
  const mask = new Uint8Array(width * height);
  const n = polygon.length;
  if (n < 3) return mask;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of polygon) {
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  const yStart = Math.max(0, Math.ceil(minY));
  const yEnd = Math.min(height - 1, Math.floor(maxY));
  const crossings = new Float64Array(n);
  for (let y = yStart; y <= yEnd; y++) {
    let count = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = polygon[i];
      const b = polygon[j];
      // Half-open in y: an edge counts when the scan line lies in [min y, max y).
      if (a.y > y !== b.y > y) crossings[count++] = a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y);
    }
    const row = crossings.subarray(0, count).sort();
    const offset = y * width;
    for (let k = 0; k + 1 < count; k += 2) {
      const x0 = Math.max(0, Math.ceil(row[k]));
      const x1 = Math.min(width, Math.ceil(row[k + 1]));
      for (let x = x0; x < x1; x++) mask[offset + x] = 1;
    }
  }
  return mask;
}

/**
 * Even–odd point-in-polygon test, consistent with `rasterizePolygon` at pixel centres.
 *
 * @returns true when (x, y) is inside.
 */
export function pointInPolygon(polygon: readonly Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (a.y > y !== b.y > y && x >= a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y)) inside = !inside;
  }
  return inside;
}

/**
 * Signed area by the shoelace formula, in squared polygon units (pixels² for pixel coordinates).
 *
 * @returns positive for vertices ordered clockwise on screen (y down), i.e. counter-clockwise in
 *   mathematical (y up) axes; negative for the other orientation.
 */
export function polygonSignedArea(polygon: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    twice += polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
  }
  return twice / 2;
}

/** @returns the unsigned area of a simple polygon, squared polygon units. */
export function polygonArea(polygon: readonly Point[]): number {
  return Math.abs(polygonSignedArea(polygon));
}

/**
 * Area centroid of a simple polygon.
 *
 * @returns the centroid; the vertex mean when the area is zero.
 */
export function polygonCentroid(polygon: readonly Point[]): Point {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const cross = polygon[j].x * polygon[i].y - polygon[i].x * polygon[j].y;
    a += cross;
    cx += (polygon[j].x + polygon[i].x) * cross;
    cy += (polygon[j].y + polygon[i].y) * cross;
  }
  if (Math.abs(a) < 1e-12) {
    let sx = 0;
    let sy = 0;
    for (const p of polygon) {
      sx += p.x;
      sy += p.y;
    }
    return { x: sx / Math.max(1, polygon.length), y: sy / Math.max(1, polygon.length) };
  }
  return { x: cx / (3 * a), y: cy / (3 * a) };
}

/**
 * Clips a polygon to an axis-aligned rectangle (Sutherland–Hodgman; exact for convex clip regions).
 *
 * @returns the clipped polygon (possibly empty).
 */
export function clipPolygonToRect(
  polygon: readonly Point[],
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Point[] {
  let out: Point[] = polygon.slice();
  const edges: [number, number, number][] = [
    // [axis (0 = x, 1 = y), bound, sign: +1 keeps coordinate >= bound, −1 keeps <= bound]
    [0, x0, 1],
    [0, x1, -1],
    [1, y0, 1],
    [1, y1, -1],
  ];
  for (const [axis, bound, sign] of edges) {
    const input = out;
    out = [];
    if (input.length === 0) break;
    const value = (p: Point): number => sign * ((axis === 0 ? p.x : p.y) - bound);
    for (let i = 0; i < input.length; i++) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      const vc = value(cur);
      const vp = value(prev);
      if (vc >= 0) {
        if (vp < 0) out.push(lerpPoint(prev, cur, vp / (vp - vc)));
        out.push(cur);
      } else if (vp >= 0) {
        out.push(lerpPoint(prev, cur, vp / (vp - vc)));
      }
    }
  }
  return out;
}

function lerpPoint(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}
