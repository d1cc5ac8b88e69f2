/**
 * The breast: a semi-elliptical outline against the chest wall, skin line, compressed-thickness
 * fall-off towards the skin, fatty/glandular mix from the power-law texture, and the pectoral muscle
 * triangle on MLO views.
 *
 * Canonical coordinates make laterality a mirror: u is the distance in pixels from the chest-wall
 * edge of the image (L: chest wall at the left edge, x = −0.5; R: at the right edge, x = width − 0.5),
 * y is the row. The outline is the half ellipse (u/a)² + ((y − cy)/b)² < 1, u >= 0.
 */
import type { Point } from '@calcscope/imaging';
import { PHANTOM_PARAMETERS } from './parameters';
import { clipPolygonToRect } from './polygon';
import type { Rng } from './random';
import type { BreastDensity, Laterality, View } from './types';

export interface BreastGeometry {
  readonly width: number;
  readonly height: number;
  readonly laterality: Laterality;
  /** Ellipse centre row (px) and semi-axes along u and y (px). */
  readonly centreY: number;
  readonly semiAxisU: number;
  readonly semiAxisY: number;
  /** Pectoral triangle legs along the top edge (u) and down the chest wall (y), px; null on CC. */
  readonly pectoral: { readonly widthPx: number; readonly heightPx: number } | null;
  readonly skinPx: number;
  readonly thicknessFalloffPx: number;
  readonly glandularFalloffPx: number;
}

/**
 * Draws the breast outline and pectoral muscle for one image.
 *
 * @param width - image columns.
 * @param height - image rows.
 * @param spacingMm - isotropic pixel spacing, mm.
 * @param view - CC or MLO (MLO adds the pectoral muscle and runs the outline off the top edge).
 * @param laterality - L or R (mirror).
 * @param rng - random source.
 */
export function drawBreastGeometry(
  width: number,
  height: number,
  spacingMm: number,
  view: View,
  laterality: Laterality,
  rng: Rng,
): BreastGeometry {
  const p = PHANTOM_PARAMETERS.breast;
  const t = PHANTOM_PARAMETERS.tissue;
  const semiAxisU = width * rng.uniform(p.depthFraction[view][0], p.depthFraction[view][1]);
  let centreY: number;
  let semiAxisY: number;
  let pectoral: BreastGeometry['pectoral'] = null;
  if (view === 'CC') {
    semiAxisY = height * rng.uniform(p.ccHalfHeightFraction[0], p.ccHalfHeightFraction[1]);
    centreY = height * rng.uniform(p.ccCentreFraction[0], p.ccCentreFraction[1]) - 0.5;
  } else {
    semiAxisY = height * rng.uniform(p.mloHalfHeightFraction[0], p.mloHalfHeightFraction[1]);
    const bottom = height * rng.uniform(p.mloBottomFraction[0], p.mloBottomFraction[1]);
    centreY = bottom - semiAxisY;
    const topOffset = (-0.5 - centreY) / semiAxisY;
    const topHalfWidth = semiAxisU * Math.sqrt(Math.max(0, 1 - topOffset * topOffset));
    pectoral = {
      widthPx: topHalfWidth * rng.uniform(p.pectoralWidthFraction[0], p.pectoralWidthFraction[1]),
      heightPx: height * rng.uniform(p.pectoralHeightFraction[0], p.pectoralHeightFraction[1]),
    };
  }
  return {
    width,
    height,
    laterality,
    centreY,
    semiAxisU,
    semiAxisY,
    pectoral,
    skinPx: t.skinMm / spacingMm,
    thicknessFalloffPx: rng.uniform(t.thicknessFalloffMm[0], t.thicknessFalloffMm[1]) / spacingMm,
    glandularFalloffPx: rng.uniform(t.glandularFalloffMm[0], t.glandularFalloffMm[1]) / spacingMm,
  };
}

/** @returns the image column x of canonical coordinate u. */
export function columnOfU(geometry: BreastGeometry, u: number): number {
  return geometry.laterality === 'L' ? u - 0.5 : geometry.width - 0.5 - u;
}

/** @returns the canonical coordinate u of image column x. */
export function uOfColumn(geometry: BreastGeometry, x: number): number {
  return geometry.laterality === 'L' ? x + 0.5 : geometry.width - 0.5 - x;
}

/**
 * Approximate distance (px) from a point inside the breast to the skin boundary: (1 − ρ)/|∇ρ| with ρ
 * the normalised elliptical radius — exact on the boundary's normal to first order, which is where
 * the skin line and thickness fall-off need it.
 *
 * @returns positive inside, negative outside; the image edges (chest wall, top on MLO) are not skin.
 */
export function skinDistancePx(geometry: BreastGeometry, u: number, y: number): number {
  const qu = u / geometry.semiAxisU;
  const qy = (y - geometry.centreY) / geometry.semiAxisY;
  const rho = Math.sqrt(qu * qu + qy * qy);
  if (rho < 1e-9) return Math.min(geometry.semiAxisU, geometry.semiAxisY);
  const gu = qu / geometry.semiAxisU;
  const gy = qy / geometry.semiAxisY;
  const gradient = Math.sqrt(gu * gu + gy * gy) / rho;
  return (1 - rho) / gradient;
}

/**
 * Signed distance (px) from the pectoral muscle's free edge: negative inside the muscle.
 *
 * @returns +Infinity on views without a pectoral muscle.
 */
export function pectoralDistancePx(geometry: BreastGeometry, u: number, y: number): number {
  const pectoral = geometry.pectoral;
  if (!pectoral) return Number.POSITIVE_INFINITY;
  const iw = 1 / pectoral.widthPx;
  const ih = 1 / pectoral.heightPx;
  return (u * iw + (y + 0.5) * ih - 1) / Math.sqrt(iw * iw + ih * ih);
}

/**
 * Renders the breast background into `signal` (overwriting it).
 *
 * Per pixel: coverage-weighted mix of air, skin (a band skinPx wide inside the outline) and tissue;
 * tissue = air + thickness(d) · (fat + (dense − fat) · glandular − air), glandular = envelope(d) ·
 * logistic(slope · (texture + densityOffset)), thickness(d) = e + (1 − e)(1 − (1 − d/F)²) for d < F
 * (e = edgeThickness); the pectoral
 * muscle replaces tissue inside its triangle. Edges are anti-aliased by coverage from signed distances.
 *
 * @param signal - output, width × height, row-major.
 * @param geometry - from drawBreastGeometry.
 * @param texture - unit-variance power-law field, width × height.
 * @param density - breast composition category.
 */
export function renderBreast(
  signal: Float32Array,
  geometry: BreastGeometry,
  texture: Float32Array,
  density: BreastDensity,
): void {
  const { width, height, semiAxisU, semiAxisY, centreY, skinPx, thicknessFalloffPx, glandularFalloffPx } =
    geometry;
  const t = PHANTOM_PARAMETERS.tissue;
  const logistic = logisticTable(t.glandularSlope, t.densityOffset[density]);
  const air = t.air;
  const fat = t.fat;
  const glandRange = t.dense - t.fat;
  const pectoralLevel = t.pectoral;
  const pectoralTexture = t.pectoralTexture;
  const edgeThickness = t.edgeThickness;
  const edgeRise = 1 - t.edgeThickness;
  // Per-column canonical terms (u/a and u/a²), so the inner loop does no laterality branching.
  const quCol = new Float64Array(width);
  const guCol = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const u = uOfColumn(geometry, x);
    quCol[x] = u / semiAxisU;
    guCol[x] = u / (semiAxisU * semiAxisU);
  }
  const pectoral = geometry.pectoral;
  const piw = pectoral ? 1 / pectoral.widthPx : 0;
  const pih = pectoral ? 1 / pectoral.heightPx : 0;
  const pNorm = pectoral ? 1 / Math.sqrt(piw * piw + pih * pih) : 0;
  const outsideLimit = (1 + 2 / Math.min(semiAxisU, semiAxisY)) ** 2;
  for (let y = 0; y < height; y++) {
    const qy = (y - centreY) / semiAxisY;
    const gy = qy / semiAxisY;
    const row = y * width;
    const pectoralRow = (y + 0.5) * pih;
    for (let x = 0; x < width; x++) {
      const qu = quCol[x];
      const rho2 = qu * qu + qy * qy;
      const i = row + x;
      if (rho2 >= outsideLimit) {
        signal[i] = air;
        continue;
      }
      const rho = Math.sqrt(rho2);
      const gu = guCol[x];
      const d = rho > 1e-9 ? ((1 - rho) * rho) / Math.sqrt(gu * gu + gy * gy) : semiAxisY;
      const cover = d + 0.5 >= 1 ? 1 : Math.max(d + 0.5, 0);
      const innerEdge = d - skinPx + 0.5;
      const skin = cover - (innerEdge >= 1 ? 1 : Math.max(innerEdge, 0));
      const tex = texture[i];
      let ti = (tex + 8) * 128;
      ti = ti < 0 ? 0 : Math.min(ti, 2047);
      const dt = d / thicknessFalloffPx;
      const thickness =
        dt >= 1 ? 1 : dt <= 0 ? edgeThickness : edgeThickness + edgeRise * (1 - (1 - dt) * (1 - dt));
      const dg = d / glandularFalloffPx;
      const envelope = dg >= 1 ? 1 : dg <= 0 ? 0 : dg * dg * (3 - 2 * dg);
      let tissue = air + thickness * (fat + glandRange * envelope * logistic[ti | 0] - air);
      if (pectoral) {
        const sd = (quCol[x] * semiAxisU * piw + pectoralRow - 1) * pNorm;
        const pc = 0.5 - sd >= 1 ? 1 : Math.max(0.5 - sd, 0);
        if (pc > 0) tissue += pc * (pectoralLevel + pectoralTexture * tex - tissue);
      }
      signal[i] = air * (1 - cover) + t.skin * skin + tissue * (cover - skin);
    }
  }
}

/** Logistic lookup over texture values −8 … 8 (2048 steps): 1 / (1 + exp(−slope · (v + offset))). */
function logisticTable(slope: number, offset: number): Float32Array {
  const table = new Float32Array(2048);
  for (let k = 0; k < 2048; k++) {
    const v = k / 128 - 8;
    table[k] = 1 / (1 + Math.exp(-slope * (v + offset)));
  }
  return table;
}

/**
 * The breast outline as a polygon in image pixel coordinates: the half ellipse (sampled every 0.25°)
 * closed along the chest-wall edge and clipped to the image rectangle.
 */
export function breastPolygon(geometry: BreastGeometry): Point[] {
  const points: Point[] = [];
  const steps = 720;
  for (let k = 0; k <= steps; k++) {
    const theta = -Math.PI / 2 + (Math.PI * k) / steps;
    const u = Math.max(0, geometry.semiAxisU * Math.cos(theta));
    points.push({ x: columnOfU(geometry, u), y: geometry.centreY + geometry.semiAxisY * Math.sin(theta) });
  }
  return clipPolygonToRect(points, -0.5, -0.5, geometry.width - 0.5, geometry.height - 0.5);
}

/** The pectoral triangle in image pixel coordinates, or null on CC views. */
export function pectoralPolygon(geometry: BreastGeometry): Point[] | null {
  const pectoral = geometry.pectoral;
  if (!pectoral) return null;
  return [
    { x: columnOfU(geometry, 0), y: -0.5 },
    { x: columnOfU(geometry, pectoral.widthPx), y: -0.5 },
    { x: columnOfU(geometry, 0), y: pectoral.heightPx - 0.5 },
  ];
}

/**
 * A random point (canonical px) at least `clearancePx` from the skin, the pectoral muscle and the
 * image's top, bottom and chest-wall edges; the point with the largest clearance among the tries when
 * none has enough (so a large lesion in a small breast still lands as deep as possible).
 *
 * @param geometry - the breast.
 * @param clearancePx - wanted clearance, pixels.
 * @param rng - random source (up to 400 tries).
 */
export function findInteriorPoint(
  geometry: BreastGeometry,
  clearancePx: number,
  rng: Rng,
): { u: number; y: number } {
  let best = { u: geometry.semiAxisU / 2, y: geometry.centreY };
  let bestClearance = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 400; i++) {
    const u = rng.uniform(0, geometry.semiAxisU);
    const y = rng.uniform(
      Math.max(0, geometry.centreY - geometry.semiAxisY),
      Math.min(geometry.height - 1, geometry.centreY + geometry.semiAxisY),
    );
    const clearance = Math.min(
      skinDistancePx(geometry, u, y),
      pectoralDistancePx(geometry, u, y),
      u,
      y,
      geometry.height - 1 - y,
    );
    if (clearance >= clearancePx) return { u, y };
    if (clearance > bestClearance) {
      bestClearance = clearance;
      best = { u, y };
    }
  }
  return best;
}
