import type { BBox, GrayImage } from '@calcscope/imaging';
import { SegmentationError } from './errors';
import type { McCluster, Microcalcification } from './types';
import { checkedOption } from './validate';

/** Options of clusterMicrocalcifications; distances in mm, areas in mm². */
export interface McClusterOptions {
  /** Single-linkage distance: MCs closer than this (centre to centre) join one group, mm. Default 7. */
  readonly linkDistanceMm?: number;
  /** Least number of MCs in a cluster. Default 3 (the clinical definition). */
  readonly minCount?: number;
  /**
   * Density rule: a group is a cluster only if some disk of this area, centred on one of its MCs, holds
   * at least `minCount` of its MCs, mm². Default 100 (1 cm²: radius 5.64 mm).
   */
  readonly densityAreaMm2?: number;
  /**
   * Confidence rule: a cluster needs at least `minStrongCount` members whose detection CNR is at least
   * `strongCnr`. Weak candidates may join a cluster but not make one: noise spots just above the
   * detection threshold are common enough to form chance triplets. Defaults 6.5 and 2 (minStrongCount 0
   * disables the rule).
   */
  readonly strongCnr?: number;
  readonly minStrongCount?: number;
}

/**
 * Groups microcalcifications into clusters by the clinical rule "at least 3 MCs within 1 cm²".
 *
 * MCs are linked when their centroids are closer than `linkDistanceMm` (physical distance, using the
 * image's row and column spacing) and grouped by single linkage (connected components of the links).
 * A group is kept when it has at least `minCount` MCs and at least one of them has `minCount` MCs
 * (itself included) within the radius sqrt(densityAreaMm2 / π) of its centroid, and at least
 * `minStrongCount` of its MCs were detected with CNR ≥ `strongCnr` (see McClusterOptions). A spatial
 * hash keeps this O(n) for evenly spread MCs.
 *
 * Parameters: `mcs` – detected MCs (centroids in pixels of `image`); `image` – supplies the pixel
 * spacing; `options` – see McClusterOptions.
 * Returns: the clusters ordered by their first member's index in `mcs`; each with its members (in
 * input order), the union bounding box of their regions and the mean of their centroids (pixels).
 * Raises: SegmentationError `INVALID_OPTION` for an option out of range, `INVALID_SPACING` for a
 * non-positive spacing.
 */
export function clusterMicrocalcifications(
  mcs: readonly Microcalcification[],
  image: Pick<GrayImage, 'pixelSpacingMm'>,
  options: McClusterOptions = {},
): McCluster[] {
  const link = checkedOption('linkDistanceMm', options.linkDistanceMm ?? 7, 0, 1000);
  const minCount = checkedOption('minCount', options.minCount ?? 3, 1, 1e6);
  if (!Number.isInteger(minCount))
    throw new SegmentationError('INVALID_OPTION', 'option minCount must be an integer');
  const densityArea = checkedOption('densityAreaMm2', options.densityAreaMm2 ?? 100, 0, 1e8);
  const strongCnr = checkedOption('strongCnr', options.strongCnr ?? 6.5, 0, 1e6);
  const minStrong = checkedOption('minStrongCount', options.minStrongCount ?? 2, 0, 1e6);
  const { row, col } = image.pixelSpacingMm;
  if (!(row > 0 && col > 0 && Number.isFinite(row) && Number.isFinite(col))) {
    throw new SegmentationError(
      'INVALID_SPACING',
      `pixel spacing must be positive and finite, got ${row}, ${col}`,
    );
  }
  const n = mcs.length;
  if (n < minCount) return [];
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = mcs[i].centroid.x * col;
    ys[i] = mcs[i].centroid.y * row;
  }
  const densityRadius = Math.sqrt(densityArea / Math.PI);
  const cell = Math.max(link, densityRadius, 1e-6);
  const grid = new SpatialHash(xs, ys, cell);

  // Single linkage by union-find over pairs closer than the link distance.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const dense = new Uint8Array(n);
  const strong = new Uint8Array(n);
  for (let i = 0; i < n; i++) strong[i] = minStrong === 0 || mcs[i].cnr >= strongCnr ? 1 : 0;
  for (let i = 0; i < n; i++) {
    let within = 0;
    grid.forNear(i, (j, d) => {
      if (d <= densityRadius) within++;
      if (j > i && d < link) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    });
    if (within >= minCount) dense[i] = 1;
  }

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const members = groups.get(r);
    if (members) members.push(i);
    else groups.set(r, [i]);
  }
  const clusters: McCluster[] = [];
  for (const members of groups.values()) {
    if (members.length < minCount || !members.some((i) => dense[i] === 1)) continue;
    if (members.filter((i) => strong[i] === 1).length < minStrong) continue;
    clusters.push(makeCluster(members.map((i) => mcs[i])));
  }
  return clusters;
}

/** A cluster of the given members: union of their boxes, mean of their centroids. */
function makeCluster(members: Microcalcification[]): McCluster {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  let cx = 0;
  let cy = 0;
  for (const mc of members) {
    const b = mc.region.bbox;
    x0 = Math.min(x0, b.x0);
    y0 = Math.min(y0, b.y0);
    x1 = Math.max(x1, b.x1);
    y1 = Math.max(y1, b.y1);
    cx += mc.centroid.x;
    cy += mc.centroid.y;
  }
  const bbox: BBox = { x0, y0, x1, y1 };
  return { mcs: members, bbox, centroid: { x: cx / members.length, y: cy / members.length } };
}

/** Uniform grid over points (mm) for neighbour queries within one cell size. */
class SpatialHash {
  private readonly cells = new Map<string, number[]>();

  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly cell: number,
  ) {
    for (let i = 0; i < xs.length; i++) {
      const key = this.key(Math.floor(xs[i] / cell), Math.floor(ys[i] / cell));
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    }
  }

  private key(cx: number, cy: number): string {
    return `${cx},${cy}`;
  }

  /** Calls `visit(j, distance)` for every point j (i included) within one cell size of point i. */
  forNear(i: number, visit: (j: number, distance: number) => void): void {
    const cx = Math.floor(this.xs[i] / this.cell);
    const cy = Math.floor(this.ys[i] / this.cell);
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        const list = this.cells.get(this.key(gx, gy));
        if (!list) continue;
        for (const j of list) {
          const d = Math.hypot(this.xs[j] - this.xs[i], this.ys[j] - this.ys[i]);
          if (d <= this.cell) visit(j, d);
        }
      }
    }
  }
}
