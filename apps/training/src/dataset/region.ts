/**
 * Where a manifest row says its lesion is: a rectangle from the phantom's truth file or from the
 * `roi_x, roi_y, roi_w, roi_h` columns, and its conversion to an image pixel box.
 */
import type { BBox } from '@calcscope/imaging';

export type RegionUnits = 'px' | 'mm';

/**
 * A rectangle in image coordinates: x along columns, y along rows, origin at the top-left corner of the
 * top-left pixel. In 'px' the rectangle covers pixel columns [x, x + width) and rows [y, y + height); in
 * 'mm' the same with lengths in millimetres (converted with the decoded image's pixel spacing).
 */
export interface ManifestRegion {
  readonly source: 'truth' | 'roi';
  readonly units: RegionUnits;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A truth file's region, or why it could not be read (`region` null and `problem` null: no lesion listed). */
export interface TruthRegionResult {
  readonly region: ManifestRegion | null;
  readonly problem: string | null;
}

/**
 * The lesion region of a phantom truth file (@calcscope/phantom's PhantomTruth JSON): the union of the
 * `clusters[].bbox` boxes (inclusive–exclusive pixels) and the pixel boxes of the `masses[].polygon`
 * vertices. A truth with MCs but no cluster (diffuse MCs) uses the box of the MC centres grown by half of
 * each MC's length. Truth pixel (x, y) is the unit square centred on (x, y), so a vertex at x lies in
 * pixel column round(x).
 *
 * Parameters
 * ----------
 * truth : the parsed JSON.
 *
 * Returns the region in pixels; region null when the truth lists no lesion; problem set (region null)
 * when the JSON lacks the expected shape (not an object, a box or vertex that is not numeric, no spacing
 * where MCs need one).
 */
export function truthRegion(truth: unknown): TruthRegionResult {
  if (!isObject(truth)) return { region: null, problem: 'truth JSON is not an object' };
  const clusters = arrayField(truth, 'clusters');
  const masses = arrayField(truth, 'masses');
  const mcs = arrayField(truth, 'microcalcifications');
  if (clusters === undefined || masses === undefined || mcs === undefined) {
    return { region: null, problem: 'truth JSON: clusters, masses and microcalcifications must be arrays' };
  }
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const cluster of clusters) {
    const b = isObject(cluster) ? cluster.bbox : undefined;
    if (!isObject(b) || !finite(b.x0) || !finite(b.y0) || !finite(b.x1) || !finite(b.y1)) {
      return { region: null, problem: 'truth JSON: a cluster has no numeric bbox {x0, y0, x1, y1}' };
    }
    grow(box, b.x0, b.y0, b.x1, b.y1);
  }
  for (const mass of masses) {
    const polygon = isObject(mass) ? mass.polygon : undefined;
    if (!Array.isArray(polygon) || polygon.length < 3) {
      return { region: null, problem: 'truth JSON: a mass has no polygon of at least 3 vertices' };
    }
    for (const p of polygon) {
      if (!isObject(p) || !finite(p.x) || !finite(p.y)) {
        return { region: null, problem: 'truth JSON: a mass polygon vertex is not {x, y} numbers' };
      }
      const px = Math.round(p.x);
      const py = Math.round(p.y);
      grow(box, px, py, px + 1, py + 1);
    }
  }
  if (clusters.length === 0 && masses.length === 0 && mcs.length > 0) {
    const spacing = isObject(truth.pixelSpacingMm) ? truth.pixelSpacingMm : undefined;
    if (!spacing || !positive(spacing.row) || !positive(spacing.col)) {
      return { region: null, problem: 'truth JSON: MCs listed but no positive pixelSpacingMm {row, col}' };
    }
    for (const mc of mcs) {
      if (!isObject(mc) || !finite(mc.x) || !finite(mc.y)) {
        return { region: null, problem: 'truth JSON: an MC has no numeric x, y' };
      }
      const halfMm = finite(mc.lengthMm) ? mc.lengthMm / 2 : 0;
      const rx = halfMm / spacing.col;
      const ry = halfMm / spacing.row;
      grow(
        box,
        Math.round(mc.x - rx),
        Math.round(mc.y - ry),
        Math.round(mc.x + rx) + 1,
        Math.round(mc.y + ry) + 1,
      );
    }
  }
  if (!(box.x1 > box.x0 && box.y1 > box.y0)) return { region: null, problem: null };
  return {
    region: {
      source: 'truth',
      units: 'px',
      x: box.x0,
      y: box.y0,
      width: box.x1 - box.x0,
      height: box.y1 - box.y0,
    },
    problem: null,
  };
}

/**
 * The pixel box of a region on a decoded image: every pixel the rectangle touches, clipped to the image.
 *
 * Parameters
 * ----------
 * region : the rectangle (px or mm).
 * pixelSpacingMm : [row, col] spacing of the decoded image, mm (used for 'mm' regions).
 * width, height : image size, pixels.
 *
 * Returns the inclusive–exclusive box {x0, y0, x1, y1}, or null when the rectangle lies outside the image.
 */
export function regionPixelBox(
  region: ManifestRegion,
  pixelSpacingMm: readonly [number, number],
  width: number,
  height: number,
): BBox | null {
  const sx = region.units === 'mm' ? 1 / pixelSpacingMm[1] : 1;
  const sy = region.units === 'mm' ? 1 / pixelSpacingMm[0] : 1;
  const x0 = Math.max(0, Math.floor(region.x * sx));
  const y0 = Math.max(0, Math.floor(region.y * sy));
  const x1 = Math.min(width, Math.ceil((region.x + region.width) * sx));
  const y1 = Math.min(height, Math.ceil((region.y + region.height) * sy));
  return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
}

/** Area of a pixel box (0 for an empty one). */
export function boxArea(b: BBox): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

/**
 * Intersection over union of two inclusive–exclusive pixel boxes.
 *
 * Returns a value in [0, 1]: 0 when they share no pixel, 1 when they are equal.
 */
export function boxIoU(a: BBox, b: BBox): number {
  const inter = boxArea({
    x0: Math.max(a.x0, b.x0),
    y0: Math.max(a.y0, b.y0),
    x1: Math.min(a.x1, b.x1),
    y1: Math.min(a.y1, b.y1),
  });
  if (inter === 0) return 0;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

function grow(
  box: { x0: number; y0: number; x1: number; y1: number },
  x0: number,
  y0: number,
  x1: number,
  y1: number,
) {
  if (x0 < box.x0) box.x0 = x0;
  if (y0 < box.y0) box.y0 = y0;
  if (x1 > box.x1) box.x1 = x1;
  if (y1 > box.y1) box.y1 = y1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayField(record: Record<string, unknown>, key: string): unknown[] | undefined {
  const value = record[key] ?? [];
  return Array.isArray(value) ? value : undefined;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function positive(value: unknown): value is number {
  return finite(value) && value > 0;
}
