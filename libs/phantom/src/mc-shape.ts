/**
 * Microcalcification shapes: a footprint (projected outline) and a projected calcium thickness over it.
 *
 * Three kinds cover the BI-RADS morphologies:
 * - 'dome': a star-shaped outline R(θ) (64-entry table, linear interpolation) with thickness
 *   peak · H(θ) · (1 − ρ²)^exponent, ρ = r / R(θ). Exponent ½ is a sphere (punctate, coarse); 1 is a
 *   softer blob (amorphous). H(θ) < 1 in places makes the density heterogeneous (coarse).
 * - 'prism': a polygon of constant thickness (fine pleomorphic: angular, varied).
 * - 'capsules': line segments of radius r, each a cylinder, thickness 2·sqrt(r² − dist²) (fine linear /
 *   branching).
 * Shape coordinates are mm; the footprint's area centroid is moved to the origin, so an MC placed at
 * (x, y) has its footprint centroid exactly there.
 */
import type { Rng } from './random';
import type { McMorphology, TruthMicrocalcification } from './types';

const TABLE = 64;

export interface McShape {
  readonly kind: 'dome' | 'prism' | 'capsules';
  /** dome: outline radius per angle (mm), θ_k = −π + 2πk/64. */
  readonly radii: Float64Array;
  /** dome: relative thickness per angle (0–1). */
  readonly heights: Float64Array;
  readonly peakMm: number;
  readonly exponent: number;
  /** prism: vertices (mm); capsules: segment start and end points (mm). */
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  readonly bx: Float64Array;
  readonly by: Float64Array;
  /** prism: constant thickness (mm); capsules: cylinder radius (mm). */
  readonly sizeMm: number;
  /** Shape-coordinate position of the footprint centroid (subtracted before evaluation). */
  readonly centroidX: number;
  readonly centroidY: number;
  /** Footprint area (mm²), equivalent diameter (mm), Feret length (mm). */
  readonly areaMm2: number;
  readonly diameterMm: number;
  readonly lengthMm: number;
  /** Radius (mm) around the centroid that contains the whole footprint. */
  readonly extentMm: number;
}

const EMPTY = new Float64Array(0);

/**
 * Projected calcium thickness (mm) of a shape at (dx, dy) mm from its footprint centroid.
 *
 * @returns 0 outside the footprint.
 */
export function mcThicknessMm(shape: McShape, dx: number, dy: number): number {
  const px = dx + shape.centroidX;
  const py = dy + shape.centroidY;
  if (shape.kind === 'dome') {
    const r = Math.sqrt(px * px + py * py);
    const f = ((Math.atan2(py, px) + Math.PI) / (2 * Math.PI)) * TABLE;
    const k0 = Math.floor(f) % TABLE;
    const k1 = (k0 + 1) % TABLE;
    const w = f - Math.floor(f);
    const radius = shape.radii[k0] + (shape.radii[k1] - shape.radii[k0]) * w;
    const rho2 = (r * r) / (radius * radius);
    if (rho2 >= 1) return 0;
    const h = shape.heights[k0] + (shape.heights[k1] - shape.heights[k0]) * w;
    const base = 1 - rho2;
    return shape.peakMm * h * (shape.exponent === 0.5 ? Math.sqrt(base) : base ** shape.exponent);
  }
  if (shape.kind === 'prism') {
    let inside = false;
    const n = shape.ax.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = shape.ay[i];
      const yj = shape.ay[j];
      if (yi > py !== yj > py && px >= shape.ax[i] + ((py - yi) * (shape.ax[j] - shape.ax[i])) / (yj - yi)) {
        inside = !inside;
      }
    }
    return inside ? shape.sizeMm : 0;
  }
  const r = shape.sizeMm;
  let best = 0;
  for (let s = 0; s < shape.ax.length; s++) {
    const d2 = segmentDistanceSquared(px, py, shape.ax[s], shape.ay[s], shape.bx[s], shape.by[s]);
    if (d2 < r * r) {
      const t = 2 * Math.sqrt(r * r - d2);
      if (t > best) best = t;
    }
  }
  return best;
}

function segmentDistanceSquared(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((px - ax) * vx + (py - ay) * vy) / len2 : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  const ex = px - ax - t * vx;
  const ey = py - ay - t * vy;
  return ex * ex + ey * ey;
}

/**
 * Builds a random shape of a morphology with a given equivalent diameter.
 *
 * Dome and prism footprints are scaled so their area is exactly π d²/4. Capsule footprints get the
 * segment length that gives that area for the drawn width; their reported area is measured on a fine
 * grid (the union of overlapping segments), so `diameterMm` can differ from d by a few per cent.
 *
 * @param morphology - BI-RADS morphology.
 * @param diameterMm - target equivalent diameter, mm.
 * @param orientation - direction (radians) of elongated shapes (linear MCs follow their duct).
 * @param linearWidthMm - [min, max] segment width for linear MCs, mm.
 * @param branchProbability - chance that a linear MC has a side branch.
 * @param rng - random source.
 */
export function buildMcShape(
  morphology: McMorphology,
  diameterMm: number,
  orientation: number,
  linearWidthMm: readonly [number, number],
  branchProbability: number,
  rng: Rng,
): McShape {
  switch (morphology) {
    case 'punctate':
      return domeShape(diameterMm, [], 0, 1, 0.5, rng);
    case 'amorphous':
      return domeShape(diameterMm, [0.12, 0.08], 0, 0.8, 1, rng);
    case 'coarse-heterogeneous':
      return domeShape(diameterMm, [0.22, 0.16, 0.1, 0.07], 0.35, 0.8, 0.5, rng);
    case 'fine-pleomorphic':
      return prismShape(diameterMm, rng);
    case 'fine-linear-branching':
      return capsuleShape(diameterMm, orientation, linearWidthMm, branchProbability, rng);
  }
}

/**
 * A dome with outline R(θ) = R0 (1 + Σ a_k U(0,1) cos((k+2)θ + φ_k)) and heights 1 − depth · U-shaped
 * variation; scaled to area π d²/4.
 */
function domeShape(
  diameterMm: number,
  harmonicAmplitudes: readonly number[],
  heightDepth: number,
  peakFraction: number,
  exponent: number,
  rng: Rng,
): McShape {
  const radii = new Float64Array(TABLE);
  const heights = new Float64Array(TABLE);
  const amplitudes = harmonicAmplitudes.map((a) => a * rng.next());
  const phases = harmonicAmplitudes.map(() => rng.uniform(0, 2 * Math.PI));
  const heightPhase = rng.uniform(0, 2 * Math.PI);
  const heightOrder = rng.int(1, 4);
  for (let k = 0; k < TABLE; k++) {
    const theta = -Math.PI + (2 * Math.PI * k) / TABLE;
    let r = 1;
    for (let h = 0; h < amplitudes.length; h++) r += amplitudes[h] * Math.cos((h + 2) * theta + phases[h]);
    radii[k] = Math.max(0.45, r);
    heights[k] = 1 - heightDepth * (0.5 + 0.5 * Math.cos(heightOrder * theta + heightPhase));
  }
  // Area ½∮R² dθ of the piecewise-linear-in-θ outline, by fine quadrature.
  const area1 = domeArea(radii);
  const scale = Math.sqrt((Math.PI * diameterMm * diameterMm) / 4 / area1);
  for (let k = 0; k < TABLE; k++) radii[k] *= scale;
  const { cx, cy } = domeCentroid(radii);
  let extent = 0;
  let length = 0;
  for (let i = 0; i < TABLE; i++) {
    const ti = -Math.PI + (2 * Math.PI * i) / TABLE;
    const xi = radii[i] * Math.cos(ti);
    const yi = radii[i] * Math.sin(ti);
    extent = Math.max(extent, Math.hypot(xi - cx, yi - cy));
    for (let j = i + 1; j < TABLE; j++) {
      const tj = -Math.PI + (2 * Math.PI * j) / TABLE;
      length = Math.max(length, Math.hypot(xi - radii[j] * Math.cos(tj), yi - radii[j] * Math.sin(tj)));
    }
  }
  const areaMm2 = domeArea(radii);
  return {
    kind: 'dome',
    radii,
    heights,
    peakMm: peakFraction * diameterMm,
    exponent,
    ax: EMPTY,
    ay: EMPTY,
    bx: EMPTY,
    by: EMPTY,
    sizeMm: 0,
    centroidX: cx,
    centroidY: cy,
    areaMm2,
    diameterMm: 2 * Math.sqrt(areaMm2 / Math.PI),
    lengthMm: length,
    extentMm: extent * 1.02,
  };
}

const QUADRATURE = 2048;

function domeRadiusAt(radii: Float64Array, theta: number): number {
  const f = ((theta + Math.PI) / (2 * Math.PI)) * TABLE;
  const k0 = Math.floor(f) % TABLE;
  const k1 = (k0 + 1) % TABLE;
  const w = f - Math.floor(f);
  return radii[k0] + (radii[k1] - radii[k0]) * w;
}

function domeArea(radii: Float64Array): number {
  let sum = 0;
  for (let q = 0; q < QUADRATURE; q++) {
    const r = domeRadiusAt(radii, -Math.PI + (2 * Math.PI * (q + 0.5)) / QUADRATURE);
    sum += r * r;
  }
  return 0.5 * sum * ((2 * Math.PI) / QUADRATURE);
}

function domeCentroid(radii: Float64Array): { cx: number; cy: number } {
  // Centroid of a star-shaped region: (1/A) ∫ (R³/3)(cos θ, sin θ) dθ.
  let mx = 0;
  let my = 0;
  for (let q = 0; q < QUADRATURE; q++) {
    const theta = -Math.PI + (2 * Math.PI * (q + 0.5)) / QUADRATURE;
    const r = domeRadiusAt(radii, theta);
    mx += (r * r * r * Math.cos(theta)) / 3;
    my += (r * r * r * Math.sin(theta)) / 3;
  }
  const step = (2 * Math.PI) / QUADRATURE;
  const area = domeArea(radii);
  return { cx: (mx * step) / area, cy: (my * step) / area };
}

/** A polygon of 3–7 vertices at jittered angles and radii 0.55–1, scaled to area π d²/4. */
function prismShape(diameterMm: number, rng: Rng): McShape {
  const n = rng.int(3, 8);
  const start = rng.uniform(0, 2 * Math.PI);
  const ax = new Float64Array(n);
  const ay = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const theta = start + ((i + rng.uniform(-0.3, 0.3)) * 2 * Math.PI) / n;
    const r = rng.uniform(0.55, 1);
    ax[i] = r * Math.cos(theta);
    ay[i] = r * Math.sin(theta);
  }
  const area1 = Math.abs(shoelace(ax, ay));
  const scale = Math.sqrt((Math.PI * diameterMm * diameterMm) / 4 / area1);
  for (let i = 0; i < n; i++) {
    ax[i] *= scale;
    ay[i] *= scale;
  }
  const signed = shoelace(ax, ay);
  let mx = 0;
  let my = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const cross = ax[j] * ay[i] - ax[i] * ay[j];
    mx += (ax[j] + ax[i]) * cross;
    my += (ay[j] + ay[i]) * cross;
  }
  const cx = mx / (6 * signed);
  const cy = my / (6 * signed);
  let extent = 0;
  let length = 0;
  for (let i = 0; i < n; i++) {
    extent = Math.max(extent, Math.hypot(ax[i] - cx, ay[i] - cy));
    for (let j = i + 1; j < n; j++) length = Math.max(length, Math.hypot(ax[i] - ax[j], ay[i] - ay[j]));
  }
  const areaMm2 = Math.abs(signed);
  return {
    kind: 'prism',
    radii: EMPTY,
    heights: EMPTY,
    peakMm: 0,
    exponent: 0,
    ax,
    ay,
    bx: EMPTY,
    by: EMPTY,
    sizeMm: 0.6 * diameterMm,
    centroidX: cx,
    centroidY: cy,
    areaMm2,
    diameterMm: 2 * Math.sqrt(areaMm2 / Math.PI),
    lengthMm: length,
    extentMm: extent * 1.02,
  };
}

function shoelace(ax: Float64Array, ay: Float64Array): number {
  let twice = 0;
  for (let i = 0, j = ax.length - 1; i < ax.length; j = i++) twice += ax[j] * ay[i] - ax[i] * ay[j];
  return twice / 2;
}

/**
 * A thin segment along `orientation` (optionally with a side branch at 25–50°), width w drawn from the
 * range, total length chosen so that w · L + π w²/4 = π d²/4 (the union is then measured on a grid).
 */
function capsuleShape(
  diameterMm: number,
  orientation: number,
  linearWidthMm: readonly [number, number],
  branchProbability: number,
  rng: Rng,
): McShape {
  let width = rng.uniform(linearWidthMm[0], linearWidthMm[1]);
  if (width > diameterMm / 1.5) width = diameterMm / 1.5;
  const radius = width / 2;
  const totalLength = ((Math.PI / 4) * (diameterMm * diameterMm - width * width)) / width;
  const branched = rng.bernoulli(branchProbability);
  const branchShare = branched ? rng.uniform(0.3, 0.6) : 0;
  const mainLength = totalLength / (1 + branchShare);
  const c = Math.cos(orientation);
  const s = Math.sin(orientation);
  const ax = [-0.5 * mainLength * c];
  const ay = [-0.5 * mainLength * s];
  const bx = [0.5 * mainLength * c];
  const by = [0.5 * mainLength * s];
  if (branched) {
    const along = rng.uniform(-0.2, 0.2) * mainLength;
    const angle =
      orientation + (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform((25 * Math.PI) / 180, (50 * Math.PI) / 180);
    const ox = along * c;
    const oy = along * s;
    ax.push(ox);
    ay.push(oy);
    bx.push(ox + branchShare * mainLength * Math.cos(angle));
    by.push(oy + branchShare * mainLength * Math.sin(angle));
  }
  const shape: McShape = {
    kind: 'capsules',
    radii: EMPTY,
    heights: EMPTY,
    peakMm: 0,
    exponent: 0,
    ax: Float64Array.from(ax),
    ay: Float64Array.from(ay),
    bx: Float64Array.from(bx),
    by: Float64Array.from(by),
    sizeMm: radius,
    centroidX: 0,
    centroidY: 0,
    areaMm2: 0,
    diameterMm: 0,
    lengthMm: 0,
    extentMm: 0,
  };
  // Grid measurement of the union: step = radius / 8, over the segments' bounding box.
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < ax.length; k++) {
    x0 = Math.min(x0, ax[k], bx[k]);
    x1 = Math.max(x1, ax[k], bx[k]);
    y0 = Math.min(y0, ay[k], by[k]);
    y1 = Math.max(y1, ay[k], by[k]);
  }
  x0 -= radius;
  y0 -= radius;
  x1 += radius;
  y1 += radius;
  const step = radius / 8;
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) {
      if (mcThicknessMm(shape, x, y) > 0) {
        count++;
        sx += x;
        sy += y;
      }
    }
  }
  const cx = sx / count;
  const cy = sy / count;
  let extent = 0;
  let length = 0;
  const ends = [...ax.map((v, k) => [v, ay[k]]), ...bx.map((v, k) => [v, by[k]])];
  for (let i = 0; i < ends.length; i++) {
    extent = Math.max(extent, Math.hypot(ends[i][0] - cx, ends[i][1] - cy) + radius);
    for (let j = i + 1; j < ends.length; j++) {
      length = Math.max(length, Math.hypot(ends[i][0] - ends[j][0], ends[i][1] - ends[j][1]) + width);
    }
  }
  const areaMm2 = count * step * step;
  return {
    ...shape,
    centroidX: cx,
    centroidY: cy,
    areaMm2,
    diameterMm: 2 * Math.sqrt(areaMm2 / Math.PI),
    lengthMm: length,
    extentMm: extent * 1.02,
  };
}

/**
 * The centre lines of a 'capsules' MC placed with its footprint centroid at pixel (x, y).
 *
 * @param shape - the MC's shape (kind 'capsules'; other kinds have no centre line).
 * @param x - footprint centroid column, pixels.
 * @param y - footprint centroid row, pixels.
 * @param spacingColMm - column spacing, mm.
 * @param spacingRowMm - row spacing, mm.
 * @returns the segments in pixel coordinates and the capsule radius in mm, or undefined for a compact
 *   shape.
 */
export function capsuleCentreline(
  shape: McShape,
  x: number,
  y: number,
  spacingColMm: number,
  spacingRowMm: number,
): TruthMicrocalcification['centreline'] {
  if (shape.kind !== 'capsules') return undefined;
  const toX = (mm: number): number => x + (mm - shape.centroidX) / spacingColMm;
  const toY = (mm: number): number => y + (mm - shape.centroidY) / spacingRowMm;
  const segments = Array.from(shape.ax, (ax, k) => ({
    x0: toX(ax),
    y0: toY(shape.ay[k]),
    x1: toX(shape.bx[k]),
    y1: toY(shape.by[k]),
  }));
  return { segments, radiusMm: shape.sizeMm };
}
