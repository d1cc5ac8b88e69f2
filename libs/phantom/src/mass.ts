/**
 * Masses: a star-shaped body R(θ) with a smooth (spherical) density profile, optional spicules and
 * margin blur, added to the background signal.
 *
 * Body outline, mean radius 1 before scaling: an ellipse of the shape's axis ratio (random
 * orientation), times 1 + a·cos(kθ + φ) with k = 3–5 for lobulated, times 1 + Σ_{k=2..9} c_k cos(kθ +
 * φ_k) (c_k ∝ U(0,1)/k^0.6) for irregular, times 1 + m·cos(Kθ + φ), K = 14–22, for microlobulated margins. The outline is
 * sampled at 720 angles and scaled so the polygon's area is exactly π d²/4 (d = equivalent diameter).
 * Profile: body(ρ) = sqrt(1 − ρ⁴), ρ = r / R(θ) — the projected thickness of a body flattened by
 * compression (a plateau with a rounded, steep rim) — with 4 × 4 sub-sampling within 1.5 px of the edge. Spicules: tapered cylinders radiating from 0.85 R to
 * (1 + L) R. Margins: indistinct and spiculated margins are blurred by a Gaussian of σ from
 * PHANTOM_PARAMETERS. The truth polygon is the body outline before blurring, spicules excluded.
 */
import type { Point } from '@calcscope/imaging';
import { gaussianBlur } from './blur';
import { PHANTOM_PARAMETERS } from './parameters';
import type { Rng } from './random';
import type { MassLesionSpec } from './types';

/** Number of outline samples (polygon vertices). */
export const MASS_OUTLINE_SAMPLES = 720;

export interface MassBody {
  /** Outline radius (mm) at θ_k = 2πk / MASS_OUTLINE_SAMPLES around the placement centre. */
  readonly radiiMm: Float64Array;
  readonly meanRadiusMm: number;
  readonly maxRadiusMm: number;
  /** Equivalent diameter of the outline polygon, mm. */
  readonly diameterMm: number;
  /** Longest extent of the outline polygon, mm. */
  readonly maxDiameterMm: number;
}

export interface Spicule {
  /** Direction (radians), start and end radius (mm from the centre), base width (mm), relative contrast. */
  readonly angle: number;
  readonly startMm: number;
  readonly endMm: number;
  readonly widthMm: number;
  readonly contrast: number;
}

/**
 * Draws a mass body outline.
 *
 * @param mass - shape, margin and equivalent diameter.
 * @param rng - random source.
 * @returns radii scaled so the outline polygon's area is π d²/4.
 */
export function drawMassBody(mass: MassLesionSpec, rng: Rng): MassBody {
  const p = PHANTOM_PARAMETERS.mass;
  const n = MASS_OUTLINE_SAMPLES;
  const ratio = rng.uniform(p.axisRatio[mass.shape][0], p.axisRatio[mass.shape][1]);
  const rotation = rng.uniform(0, Math.PI);
  const harmonics: { order: number; amplitude: number; phase: number }[] = [];
  if (mass.shape === 'lobulated') {
    harmonics.push({
      order: rng.int(3, 6),
      amplitude: rng.uniform(p.lobeAmplitude[0], p.lobeAmplitude[1]),
      phase: rng.uniform(0, 2 * Math.PI),
    });
  } else if (mass.shape === 'irregular') {
    const total = rng.uniform(p.irregularAmplitude[0], p.irregularAmplitude[1]);
    const weights: number[] = [];
    for (let k = 2; k <= 9; k++) weights.push(rng.next() / k ** 0.6);
    const sum = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      harmonics.push({ order: i + 2, amplitude: (total * w) / sum, phase: rng.uniform(0, 2 * Math.PI) });
    });
  }
  if (mass.margin === 'microlobulated') {
    harmonics.push({
      order: rng.int(p.microlobeOrder[0], p.microlobeOrder[1] + 1),
      amplitude: rng.uniform(p.microlobeAmplitude[0], p.microlobeAmplitude[1]),
      phase: rng.uniform(0, 2 * Math.PI),
    });
  }
  const radii = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const theta = (2 * Math.PI * k) / n;
    const c = Math.cos(theta - rotation);
    const s = Math.sin(theta - rotation) / ratio;
    let r = 1 / Math.sqrt(c * c + s * s);
    for (const h of harmonics) r *= 1 + h.amplitude * Math.cos(h.order * theta + h.phase);
    radii[k] = Math.max(0.3, r);
  }
  const target = (Math.PI * mass.diameterMm * mass.diameterMm) / 4;
  const scale = Math.sqrt(target / outlineArea(radii));
  let mean = 0;
  let max = 0;
  for (let k = 0; k < n; k++) {
    radii[k] *= scale;
    mean += radii[k] / n;
    max = Math.max(max, radii[k]);
  }
  let feret = 0;
  for (let i = 0; i < n; i += 2) {
    const ti = (2 * Math.PI * i) / n;
    for (let j = i + 2; j < n; j += 2) {
      const tj = (2 * Math.PI * j) / n;
      const dx = radii[i] * Math.cos(ti) - radii[j] * Math.cos(tj);
      const dy = radii[i] * Math.sin(ti) - radii[j] * Math.sin(tj);
      feret = Math.max(feret, dx * dx + dy * dy);
    }
  }
  return {
    radiiMm: radii,
    meanRadiusMm: mean,
    maxRadiusMm: max,
    diameterMm: 2 * Math.sqrt(outlineArea(radii) / Math.PI),
    maxDiameterMm: Math.sqrt(feret),
  };
}

/** Area (mm²) of the polygon through the outline samples: ½ Σ R_k R_{k+1} sin(2π/n). */
function outlineArea(radii: Float64Array): number {
  const n = radii.length;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += radii[k] * radii[(k + 1) % n];
  return 0.5 * sum * Math.sin((2 * Math.PI) / n);
}

/**
 * Draws the spicules of a spiculated margin (none for other margins).
 *
 * @param body - the mass body.
 * @param mass - the mass spec.
 * @param rng - random source.
 */
export function drawSpicules(body: MassBody, mass: MassLesionSpec, rng: Rng): Spicule[] {
  if (mass.margin !== 'spiculated') return [];
  const p = PHANTOM_PARAMETERS.mass;
  const count = rng.int(p.spiculeCount[0], p.spiculeCount[1] + 1);
  const spicules: Spicule[] = [];
  for (let i = 0; i < count; i++) {
    const angle = rng.uniform(0, 2 * Math.PI);
    const radius = bodyRadiusAt(body.radiiMm, angle);
    spicules.push({
      angle,
      startMm: 0.85 * radius,
      endMm: radius * (1 + rng.uniform(p.spiculeLength[0], p.spiculeLength[1])),
      widthMm: rng.uniform(p.spiculeWidthMm[0], p.spiculeWidthMm[1]),
      contrast: rng.uniform(p.spiculeContrast[0], p.spiculeContrast[1]),
    });
  }
  return spicules;
}

/** Outline radius (mm) at angle θ, linear interpolation between samples. */
export function bodyRadiusAt(radii: Float64Array, theta: number): number {
  const n = radii.length;
  let f = (theta / (2 * Math.PI)) * n;
  f -= Math.floor(f / n) * n;
  const k0 = Math.floor(f) % n;
  const k1 = (k0 + 1) % n;
  const w = f - Math.floor(f);
  return radii[k0] + (radii[k1] - radii[k0]) * w;
}

/**
 * The body outline as a polygon in image pixel coordinates.
 *
 * @param body - the mass body.
 * @param centreX - placement centre column.
 * @param centreY - placement centre row.
 * @param spacingRowMm - row spacing, mm.
 * @param spacingColMm - column spacing, mm.
 */
export function massPolygon(
  body: MassBody,
  centreX: number,
  centreY: number,
  spacingRowMm: number,
  spacingColMm: number,
): Point[] {
  const n = body.radiiMm.length;
  const polygon: Point[] = [];
  for (let k = 0; k < n; k++) {
    const theta = (2 * Math.PI * k) / n;
    polygon.push({
      x: centreX + (body.radiiMm[k] * Math.cos(theta)) / spacingColMm,
      y: centreY + (body.radiiMm[k] * Math.sin(theta)) / spacingRowMm,
    });
  }
  return polygon;
}

export interface MassRenderOptions {
  readonly width: number;
  readonly height: number;
  readonly spacingRowMm: number;
  readonly spacingColMm: number;
  /** Peak added signal of the body. */
  readonly contrast: number;
  /** Gaussian σ of the margin blur, mm (0: sharp). */
  readonly blurMm: number;
  /** Signal below which a pixel is air: the mass is not added there. */
  readonly airLevel: number;
}

/**
 * Adds a mass (body + spicules, blurred) to `signal`.
 *
 * @param signal - row-major image, modified in place.
 * @param body - outline.
 * @param spicules - spicules (may be empty).
 * @param centreX - placement centre column (pixels).
 * @param centreY - placement centre row (pixels).
 * @param options - geometry, contrast, blur.
 */
export function renderMass(
  signal: Float32Array,
  body: MassBody,
  spicules: readonly Spicule[],
  centreX: number,
  centreY: number,
  options: MassRenderOptions,
): void {
  const { width, height, spacingRowMm: sr, spacingColMm: sc, contrast, blurMm } = options;
  let reachMm = body.maxRadiusMm;
  for (const s of spicules) reachMm = Math.max(reachMm, s.endMm);
  const blurPx = blurMm / Math.min(sr, sc);
  const padPx = Math.ceil(3 * blurPx) + 2;
  const x0 = Math.floor(centreX - reachMm / sc) - padPx;
  const x1 = Math.ceil(centreX + reachMm / sc) + padPx;
  const y0 = Math.floor(centreY - reachMm / sr) - padPx;
  const y1 = Math.ceil(centreY + reachMm / sr) + padPx;
  const lw = x1 - x0 + 1;
  const lh = y1 - y0 + 1;
  const layer = new Float32Array(lw * lh);
  const radii = body.radiiMm;
  const n = radii.length;
  const edgeBandMm = 1.5 * Math.max(sr, sc);
  const sub = 4;
  for (let ly = 0; ly < lh; ly++) {
    const dyc = (y0 + ly - centreY) * sr;
    for (let lx = 0; lx < lw; lx++) {
      const dxc = (x0 + lx - centreX) * sc;
      const r = Math.sqrt(dxc * dxc + dyc * dyc);
      if (r > body.maxRadiusMm + edgeBandMm) continue;
      const radius = radiusAtPoint(radii, n, dxc, dyc);
      let value: number;
      if (Math.abs(r - radius) > edgeBandMm) {
        const rho2 = (r * r) / (radius * radius);
        value = rho2 < 1 ? Math.sqrt(1 - rho2 * rho2) : 0;
      } else {
        value = 0;
        for (let j = 0; j < sub; j++) {
          const dy = dyc + ((j + 0.5) / sub - 0.5) * sr;
          for (let i = 0; i < sub; i++) {
            const dx = dxc + ((i + 0.5) / sub - 0.5) * sc;
            const rs2 = dx * dx + dy * dy;
            const rad = radiusAtPoint(radii, n, dx, dy);
            const rho2 = rs2 / (rad * rad);
            if (rho2 < 1) value += Math.sqrt(1 - rho2 * rho2);
          }
        }
        value /= sub * sub;
      }
      layer[ly * lw + lx] = value;
    }
  }
  for (const s of spicules) renderSpicule(layer, lw, lh, x0, y0, centreX, centreY, sr, sc, s);
  if (blurPx > 0.2) gaussianBlur(layer, lw, lh, blurPx);
  for (let ly = 0; ly < lh; ly++) {
    const y = y0 + ly;
    if (y < 0 || y >= height) continue;
    for (let lx = 0; lx < lw; lx++) {
      const x = x0 + lx;
      if (x < 0 || x >= width) continue;
      const i = y * width + x;
      if (signal[i] > options.airLevel) signal[i] += contrast * layer[ly * lw + lx];
    }
  }
}

function radiusAtPoint(radii: Float64Array, n: number, dx: number, dy: number): number {
  let theta = Math.atan2(dy, dx);
  if (theta < 0) theta += 2 * Math.PI;
  const f = (theta / (2 * Math.PI)) * n;
  const k0 = Math.floor(f) % n;
  const k1 = (k0 + 1) % n;
  const w = f - Math.floor(f);
  return radii[k0] + (radii[k1] - radii[k0]) * w;
}

/** Draws one tapered spicule into the layer, keeping the larger of body and spicule at each pixel. */
function renderSpicule(
  layer: Float32Array,
  lw: number,
  lh: number,
  x0: number,
  y0: number,
  centreX: number,
  centreY: number,
  sr: number,
  sc: number,
  s: Spicule,
): void {
  const c = Math.cos(s.angle);
  const sn = Math.sin(s.angle);
  const ax = s.startMm * c;
  const ay = s.startMm * sn;
  const length = s.endMm - s.startMm;
  const half = s.widthMm / 2;
  const bx = s.endMm * c;
  const by = s.endMm * sn;
  const xs = Math.max(0, Math.floor(centreX + (Math.min(ax, bx) - half) / sc) - x0);
  const xe = Math.min(lw - 1, Math.ceil(centreX + (Math.max(ax, bx) + half) / sc) - x0);
  const ys = Math.max(0, Math.floor(centreY + (Math.min(ay, by) - half) / sr) - y0);
  const ye = Math.min(lh - 1, Math.ceil(centreY + (Math.max(ay, by) + half) / sr) - y0);
  for (let ly = ys; ly <= ye; ly++) {
    const dy = (y0 + ly - centreY) * sr;
    for (let lx = xs; lx <= xe; lx++) {
      const dx = (x0 + lx - centreX) * sc;
      const along = (dx - ax) * c + (dy - ay) * sn;
      if (along < 0 || along > length) continue;
      const t = along / length;
      const across = Math.abs(-(dx - ax) * sn + (dy - ay) * c);
      const halfWidth = half * (1 - t);
      if (across >= halfWidth) continue;
      const q = across / halfWidth;
      const value = s.contrast * Math.sqrt(1 - q * q) * (1 - 0.5 * t);
      const i = ly * lw + lx;
      if (value > layer[i]) layer[i] = value;
    }
  }
}
