/**
 * Star-shaped outlines by dynamic programming in polar coordinates: the closed contour around a
 * centre along which the image falls most steeply outwards (a global optimum, not a local snake).
 */

/** A row-major image plane with its pixel size; what polarOutline reads. */
export interface PolarPlane {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Pixel size along x and y, mm. */
  readonly dxMm: number;
  readonly dyMm: number;
}

/** Options of polarOutline. */
export interface PolarOutlineOptions {
  /** Rays, evenly spaced from angle 0 (+x) towards +y. Default 64. */
  readonly angles?: number;
  /** Samples per ray, evenly spaced from rMinMm to rMaxMm. Default 40. */
  readonly samples?: number;
  /** Most samples the radius may change between neighbouring rays. Default 2. */
  readonly maxStep?: number;
}

/** A star-shaped outline: one radius per ray around a centre. */
export interface PolarOutline {
  /** Centre in plane pixel coordinates (x = column, y = row). */
  readonly cx: number;
  readonly cy: number;
  /** Radius along ray k (angle 2πk/angles), mm. */
  readonly radiiMm: Float64Array;
  /** Outward fall of the intensity across the outline on ray k, intensity units per mm. */
  readonly drops: Float64Array;
}

/**
 * The closed star-shaped outline around (cx, cy) with the largest mean outward intensity drop.
 *
 * On each of `angles` rays the plane is sampled (bilinear, clamped at the border) at `samples` radii
 * from rMinMm to rMaxMm; the drop at sample i is (I[i−1] − I[i+1]) / (2 Δr), a central difference
 * in intensity per mm. Dynamic programming chooses one sample per ray, neighbouring rays differing by
 * at most `maxStep` samples, to maximise the summed drop. Closure (the last ray within `maxStep` of
 * the first) is enforced by the usual two passes: a free pass fixes the first ray's sample, a second
 * pass starts there and must end within reach of it. (Exact closure would run a pass per starting
 * sample, `samples` times the work; the two passes miss the best closed path only when its first ray
 * lies elsewhere than the free path's.)
 *
 * Parameters: `plane`; `cx`, `cy` – centre, plane pixels; `rMinMm` < `rMaxMm` – radius range;
 * `options` – see PolarOutlineOptions.
 * Returns: the PolarOutline.
 */
export function polarOutline(
  plane: PolarPlane,
  cx: number,
  cy: number,
  rMinMm: number,
  rMaxMm: number,
  options: PolarOutlineOptions = {},
): PolarOutline {
  const na = options.angles ?? 64;
  const nr = options.samples ?? 40;
  const maxStep = options.maxStep ?? 2;
  const stepMm = (rMaxMm - rMinMm) / (nr - 1);
  const profile = new Float64Array(nr);
  const drop = new Float64Array(na * nr).fill(Number.NEGATIVE_INFINITY);
  for (let a = 0; a < na; a++) {
    const theta = (2 * Math.PI * a) / na;
    const ux = Math.cos(theta) / plane.dxMm;
    const uy = Math.sin(theta) / plane.dyMm;
    for (let i = 0; i < nr; i++) {
      const r = rMinMm + stepMm * i;
      profile[i] = bilinearAt(plane.data, plane.width, plane.height, cx + r * ux, cy + r * uy);
    }
    for (let i = 1; i < nr - 1; i++) drop[a * nr + i] = (profile[i - 1] - profile[i + 1]) / (2 * stepMm);
  }
  const free = bestPath(drop, na, nr, maxStep, -1);
  const closed = bestPath(drop, na, nr, maxStep, free[0]);
  const radiiMm = new Float64Array(na);
  const drops = new Float64Array(na);
  for (let a = 0; a < na; a++) {
    const i = closed[a];
    radiiMm[a] = rMinMm + stepMm * i;
    drops[a] = drop[a * nr + i];
  }
  return { cx, cy, radiiMm, drops };
}

/**
 * One dynamic-programming pass: the path (a sample index per ray, interior samples only) of largest
 * summed `drop`, neighbours within `maxStep`; with `start` ≥ 0 the first ray is fixed there and the
 * last must lie within `maxStep` of it.
 */
function bestPath(drop: Float64Array, na: number, nr: number, maxStep: number, start: number): Int32Array {
  const score = new Float64Array(na * nr).fill(Number.NEGATIVE_INFINITY);
  const from = new Int8Array(na * nr);
  for (let i = 1; i < nr - 1; i++) if (start < 0 || i === start) score[i] = drop[i];
  for (let a = 1; a < na; a++) {
    for (let i = 1; i < nr - 1; i++) {
      let best = Number.NEGATIVE_INFINITY;
      let offset = 0;
      const lo = Math.max(1, i - maxStep);
      const hi = Math.min(nr - 2, i + maxStep);
      for (let j = lo; j <= hi; j++) {
        const v = score[(a - 1) * nr + j];
        if (v > best) {
          best = v;
          offset = j - i;
        }
      }
      score[a * nr + i] = best + drop[a * nr + i];
      from[a * nr + i] = offset;
    }
  }
  const lo = start < 0 ? 1 : Math.max(1, start - maxStep);
  const hi = start < 0 ? nr - 2 : Math.min(nr - 2, start + maxStep);
  let end = lo;
  for (let i = lo; i <= hi; i++) if (score[(na - 1) * nr + i] > score[(na - 1) * nr + end]) end = i;
  const path = new Int32Array(na);
  path[na - 1] = end;
  for (let a = na - 1; a > 0; a--) path[a - 1] = path[a] + from[a * nr + path[a]];
  return path;
}

/** Bilinear sample of a row-major plane at (x, y) in pixel coordinates, clamped to the plane. */
export function bilinearAt(data: Float32Array, width: number, height: number, x: number, y: number): number {
  const xc = Math.min(width - 1, Math.max(0, x));
  const yc = Math.min(height - 1, Math.max(0, y));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const top = data[y0 * width + x0] + fx * (data[y0 * width + x1] - data[y0 * width + x0]);
  const bottom = data[y1 * width + x0] + fx * (data[y1 * width + x1] - data[y1 * width + x0]);
  return top + fy * (bottom - top);
}

/**
 * The outline's radius (mm) in direction `theta` (radians, from +x towards +y), linear between rays.
 */
export function outlineRadiusAt(outline: PolarOutline, theta: number): number {
  const radii = outline.radiiMm;
  const n = radii.length;
  const t = theta < 0 ? theta + 2 * Math.PI : theta;
  const f = (t / (2 * Math.PI)) * n;
  const k0 = Math.floor(f) % n;
  const k1 = (k0 + 1) % n;
  const u = f - Math.floor(f);
  return radii[k0] + u * (radii[k1] - radii[k0]);
}
