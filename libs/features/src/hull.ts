/** Planar convex hulls (Andrew's monotone chain) and polygon measures. */

/** A convex polygon, counter-clockwise in a y-up frame (clockwise on screen), vertices not repeated. */
export interface ConvexPolygon {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

/**
 * Convex hull of a point set by Andrew's monotone chain, O(n log n). Collinear boundary points are dropped,
 * so a segment's hull has 2 vertices and a point's 1.
 *
 * Parameters
 * ----------
 * xs, ys : coordinates of n points (any unit), same length.
 *
 * Returns the hull vertices in counter-clockwise order (y up); empty for n = 0.
 */
export function convexHull(xs: ArrayLike<number>, ys: ArrayLike<number>): ConvexPolygon {
  const n = xs.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
  const hull = new Int32Array(2 * n + 1);
  let size = 0;
  const cross = (o: number, a: number, b: number) =>
    (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
  for (let k = 0; k < n; k++) {
    const p = order[k];
    while (size >= 2 && cross(hull[size - 2], hull[size - 1], p) <= 0) size--;
    hull[size++] = p;
  }
  const lowerSize = size + 1;
  for (let k = n - 2; k >= 0; k--) {
    const p = order[k];
    while (size >= lowerSize && cross(hull[size - 2], hull[size - 1], p) <= 0) size--;
    hull[size++] = p;
  }
  // The last point repeats the first (when n > 1); duplicates of one point collapse to one vertex.
  const count = n > 1 ? size - 1 : size;
  const out = { xs: new Float64Array(count), ys: new Float64Array(count) };
  let m = 0;
  for (let k = 0; k < count; k++) {
    const x = xs[hull[k]];
    const y = ys[hull[k]];
    if (m > 0 && out.xs[m - 1] === x && out.ys[m - 1] === y) continue;
    out.xs[m] = x;
    out.ys[m] = y;
    m++;
  }
  return m === count ? out : { xs: out.xs.slice(0, m), ys: out.ys.slice(0, m) };
}

/** Area of a simple polygon (shoelace), absolute value; 0 for fewer than 3 vertices. */
export function polygonArea(polygon: ConvexPolygon): number {
  const { xs, ys } = polygon;
  const n = xs.length;
  let twice = 0;
  for (let k = 0; k < n; k++) {
    const next = k + 1 === n ? 0 : k + 1;
    twice += xs[k] * ys[next] - xs[next] * ys[k];
  }
  return Math.abs(twice) / 2;
}

/** Perimeter of a closed polygon; a 2-vertex hull (segment) counts its length twice, a point 0. */
export function polygonPerimeter(polygon: ConvexPolygon): number {
  const { xs, ys } = polygon;
  const n = xs.length;
  if (n < 2) return 0;
  let length = 0;
  for (let k = 0; k < n; k++) {
    const next = k + 1 === n ? 0 : k + 1;
    length += Math.hypot(xs[next] - xs[k], ys[next] - ys[k]);
  }
  return length;
}
