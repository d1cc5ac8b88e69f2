/**
 * Where a calcification lesion's MCs go: the BI-RADS distributions as point processes inside the
 * breast.
 *
 * - diffuse: uniform over the breast (no cluster);
 * - regional: uniform in a large ellipse (radius 12–22 mm);
 * - grouped: uniform in a small disc (radius 3–7 mm, i.e. within about 1–1.5 cm);
 * - linear: along a gently curved duct 10–30 mm long pointing at the nipple;
 * - segmental: along a duct tree (2–4 ducts with side branches) fanning out from an apex on the
 *   nipple side over 20–40 mm, half-angle 15–30° — the wedge of one lobe.
 * Layout works in canonical coordinates (u from the chest wall, y down; see anatomy.ts) and assumes
 * isotropic pixels. Linear MCs are oriented along their duct.
 */
import {
  type BreastGeometry,
  columnOfU,
  findInteriorPoint,
  pectoralDistancePx,
  skinDistancePx,
} from './anatomy';
import { buildMcShape, type McShape } from './mc-shape';
import { type ClassKey, PHANTOM_PARAMETERS } from './parameters';
import type { Rng } from './random';
import type { McLesionSpec, McMorphology } from './types';

/** An MC ready to render: its shape and where its footprint centroid goes (image pixels). */
export interface PlacedMc {
  readonly shape: McShape;
  readonly morphology: McMorphology;
  readonly x: number;
  readonly y: number;
}

/** A point (canonical px) and the local duct direction (canonical radians) of a layout. */
interface Candidate {
  u: number;
  y: number;
  direction: number;
}

interface Segment {
  readonly u0: number;
  readonly y0: number;
  readonly u1: number;
  readonly y1: number;
}

/** A mass the calcifications belong to: centre (canonical px) and mean radius (px). */
export interface McAnchor {
  readonly u: number;
  readonly y: number;
  readonly radiusPx: number;
}

const PLACEMENT_ATTEMPTS = 40;
const DIFFUSE_ATTEMPTS = 400;

/**
 * Places the MCs of one calcification lesion.
 *
 * @param lesion - morphology, distribution and count.
 * @param classKey - class whose morphology table the minority members are drawn from.
 * @param geometry - the breast.
 * @param spacingMm - isotropic pixel spacing, mm.
 * @param anchor - mass the group belongs to (lesion type mc+mass), or null.
 * @param rng - random source.
 * @returns the placed MCs (fewer than requested only when the breast has no room left).
 */
export function layoutMcs(
  lesion: McLesionSpec,
  classKey: ClassKey,
  geometry: BreastGeometry,
  spacingMm: number,
  anchor: McAnchor | null,
  rng: Rng,
): PlacedMc[] {
  const p = PHANTOM_PARAMETERS.mc;
  const mmToPx = 1 / spacingMm;
  const nipple = { u: geometry.semiAxisU, y: geometry.centreY };
  const sampler = makeSampler(lesion.distribution, geometry, spacingMm, anchor, nipple, rng);
  const placed: PlacedMc[] = [];
  const canonical: { u: number; y: number; extentPx: number }[] = [];
  const classMorphology = PHANTOM_PARAMETERS.lesion.morphology[classKey];
  for (let k = 0; k < lesion.count; k++) {
    const morphology: McMorphology = rng.bernoulli(p.minorityShare)
      ? rng.weighted(classMorphology)
      : lesion.morphology;
    const [lo, hi] = p.diameterMm[morphology];
    const diameter = Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
    for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
      const c = sampler(rng);
      // Image-space direction: mirroring u flips the horizontal component.
      const direction = geometry.laterality === 'L' ? c.direction : Math.PI - c.direction;
      const shape = buildMcShape(morphology, diameter, direction, p.linearWidthMm, p.branchProbability, rng);
      const extentPx = shape.extentMm * mmToPx;
      const margin = p.skinMarginMm * mmToPx + extentPx;
      if (c.y < margin || c.y > geometry.height - 1 - margin || c.u < margin) continue;
      if (skinDistancePx(geometry, c.u, c.y) < margin) continue;
      if (pectoralDistancePx(geometry, c.u, c.y) < margin) continue;
      const gapPx = p.minGapMm * mmToPx;
      let overlaps = false;
      for (const other of canonical) {
        const limit = 0.8 * (extentPx + other.extentPx) + gapPx;
        const du = other.u - c.u;
        const dy = other.y - c.y;
        if (du * du + dy * dy < limit * limit) {
          overlaps = true;
          break;
        }
      }
      if (overlaps) continue;
      canonical.push({ u: c.u, y: c.y, extentPx });
      placed.push({ shape, morphology, x: columnOfU(geometry, c.u), y: c.y });
      break;
    }
  }
  return placed;
}

type Sampler = (rng: Rng) => Candidate;

/** Builds the point process of a distribution (its random frame is drawn here, once per lesion). */
function makeSampler(
  distribution: McLesionSpec['distribution'],
  geometry: BreastGeometry,
  spacingMm: number,
  anchor: McAnchor | null,
  nipple: { u: number; y: number },
  rng: Rng,
): Sampler {
  const p = PHANTOM_PARAMETERS.mc;
  const mmToPx = 1 / spacingMm;
  const marginPx = p.skinMarginMm * mmToPx;
  if (distribution === 'diffuse') {
    return (r) => {
      for (let i = 0; i < DIFFUSE_ATTEMPTS; i++) {
        const u = r.uniform(0, geometry.semiAxisU);
        const y = r.uniform(geometry.centreY - geometry.semiAxisY, geometry.centreY + geometry.semiAxisY);
        if (insideBreast(geometry, u, y, marginPx)) return { u, y, direction: r.uniform(0, 2 * Math.PI) };
      }
      return { u: -1, y: -1, direction: 0 };
    };
  }
  const extentPx =
    mmToPx *
    (distribution === 'grouped'
      ? rng.uniform(p.groupedRadiusMm[0], p.groupedRadiusMm[1])
      : distribution === 'regional'
        ? rng.uniform(p.regionalRadiusMm[0], p.regionalRadiusMm[1])
        : distribution === 'linear'
          ? rng.uniform(p.linearLengthMm[0], p.linearLengthMm[1])
          : rng.uniform(p.segmentalLengthMm[0], p.segmentalLengthMm[1]));
  const reach = distribution === 'grouped' || distribution === 'regional' ? extentPx : extentPx / 2;
  const centre = chooseCentre(geometry, reach * 0.6 + marginPx, anchor, rng);
  const towardNipple = Math.atan2(nipple.y - centre.y, nipple.u - centre.u);
  if (distribution === 'grouped') {
    return (r) => {
      const radius = extentPx * Math.sqrt(r.next());
      const angle = r.uniform(0, 2 * Math.PI);
      return {
        u: centre.u + radius * Math.cos(angle),
        y: centre.y + radius * Math.sin(angle),
        direction: r.uniform(0, 2 * Math.PI),
      };
    };
  }
  if (distribution === 'regional') {
    const minor = extentPx * rng.uniform(0.5, 0.9);
    const rotation = rng.uniform(0, Math.PI);
    const cr = Math.cos(rotation);
    const sr = Math.sin(rotation);
    return (r) => {
      const radius = Math.sqrt(r.next());
      const angle = r.uniform(0, 2 * Math.PI);
      const a = extentPx * radius * Math.cos(angle);
      const b = minor * radius * Math.sin(angle);
      return {
        u: centre.u + a * cr - b * sr,
        y: centre.y + a * sr + b * cr,
        direction: r.uniform(0, 2 * Math.PI),
      };
    };
  }
  const jitterPx = 0.3 * mmToPx;
  if (distribution === 'linear') {
    const direction = towardNipple + 0.35 * rng.normal();
    const bend = rng.uniform(-0.12, 0.12) * extentPx;
    const du = Math.cos(direction);
    const dy = Math.sin(direction);
    return (r) => {
      const s = r.next();
      const along = (s - 0.5) * extentPx;
      const side = bend * 4 * s * (1 - s) + jitterPx * r.normal();
      const slope = (bend * 4 * (1 - 2 * s)) / extentPx;
      return {
        u: centre.u + along * du - side * dy,
        y: centre.y + along * dy + side * du,
        direction: direction + Math.atan(slope) + 0.17 * r.normal(),
      };
    };
  }
  // Segmental: a duct tree fanning from an apex on the nipple side towards the chest wall.
  const halfAngle = (rng.uniform(p.segmentalHalfAngleDeg[0], p.segmentalHalfAngleDeg[1]) * Math.PI) / 180;
  const apex = {
    u: centre.u + (extentPx / 2) * Math.cos(towardNipple),
    y: centre.y + (extentPx / 2) * Math.sin(towardNipple),
  };
  const axis = towardNipple + Math.PI;
  const segments: Segment[] = [];
  const ducts = rng.int(2, 5);
  for (let d = 0; d < ducts; d++) {
    const angle = axis + rng.uniform(-halfAngle, halfAngle);
    const length = extentPx * rng.uniform(0.6, 1);
    const end = { u: apex.u + length * Math.cos(angle), y: apex.y + length * Math.sin(angle) };
    segments.push({ u0: apex.u, y0: apex.y, u1: end.u, y1: end.y });
    if (rng.bernoulli(0.6)) {
      const t = rng.uniform(0.3, 0.7);
      const from = { u: apex.u + t * (end.u - apex.u), y: apex.y + t * (end.y - apex.y) };
      const branchAngle = angle + (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform(0.35, 0.7);
      const branchLength = extentPx * rng.uniform(0.3, 0.5);
      segments.push({
        u0: from.u,
        y0: from.y,
        u1: from.u + branchLength * Math.cos(branchAngle),
        y1: from.y + branchLength * Math.sin(branchAngle),
      });
    }
  }
  const lengths = segments.map((s) => Math.hypot(s.u1 - s.u0, s.y1 - s.y0));
  const total = lengths.reduce((a, b) => a + b, 0);
  return (r) => {
    let pick = r.next() * total;
    let k = 0;
    while (k < segments.length - 1 && pick >= lengths[k]) pick -= lengths[k++];
    const seg = segments[k];
    const s = r.next();
    const direction = Math.atan2(seg.y1 - seg.y0, seg.u1 - seg.u0);
    const side = jitterPx * r.normal();
    return {
      u: seg.u0 + s * (seg.u1 - seg.u0) - side * Math.sin(direction),
      y: seg.y0 + s * (seg.y1 - seg.y0) + side * Math.cos(direction),
      direction: direction + 0.17 * r.normal(),
    };
  };
}

function insideBreast(geometry: BreastGeometry, u: number, y: number, marginPx: number): boolean {
  return (
    u >= marginPx &&
    y >= marginPx &&
    y <= geometry.height - 1 - marginPx &&
    skinDistancePx(geometry, u, y) >= marginPx &&
    pectoralDistancePx(geometry, u, y) >= marginPx
  );
}

/** A lesion centre: inside the anchoring mass when there is one, else a deep enough breast point. */
function chooseCentre(
  geometry: BreastGeometry,
  clearancePx: number,
  anchor: McAnchor | null,
  rng: Rng,
): { u: number; y: number } {
  if (!anchor) return findInteriorPoint(geometry, clearancePx, rng);
  const radius = anchor.radiusPx * 0.4 * Math.sqrt(rng.next());
  const angle = rng.uniform(0, 2 * Math.PI);
  return { u: anchor.u + radius * Math.cos(angle), y: anchor.y + radius * Math.sin(angle) };
}
