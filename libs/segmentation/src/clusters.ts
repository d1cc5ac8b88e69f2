import type { BBox, GrayImage } from '@calcscope/imaging';
import { SegmentationError } from './errors';
import type { McCluster, Microcalcification } from './types';
import { checkedOption } from './validate';

/** Options of clusterMicrocalcifications; distances in mm, areas in mm². */
export interface McClusterOptions {
  /**
   * Single-linkage distance: linking MCs (see `linkCnr`) closer than this (centre to centre) join one
   * group, mm. Default 7.
   */
  readonly linkDistanceMm?: number;
  /**
   * Least CNR of an MC that links groups. Weaker MCs do not link: each joins the group of the nearest
   * linking MC within `attachDistanceMm`, or none. Among a few hundred candidates per image, chains of
   * weak ones would otherwise join unrelated MCs across the breast into one sprawling "cluster".
   * Default 4.3 (0: every MC links).
   */
  readonly linkCnr?: number;
  /** Distance within which a weaker MC joins the group of its nearest linking MC, mm. Default 3. */
  readonly attachDistanceMm?: number;
  /**
   * Least CNR of an MC that joins a cluster at all. The detector reports candidates from its seed
   * level (3.6) up, ranked by CNR, for the MC list; the weakest of them are mostly noise, and letting
   * them attach would pad true clusters with false members and their features with noise. Default 3.8.
   */
  readonly attachCnr?: number;
  /** Least number of MCs in a cluster. Default 3 (the clinical definition). */
  readonly minCount?: number;
  /**
   * Density rule: a group is a cluster only if some disk of this area, anywhere, holds at least
   * `minCount` of its MCs (their centroids), mm². Default 100 (1 cm²: radius 5.64 mm). The disk is
   * not required to be centred on an MC: three MCs 7 mm apart along a line fit in 1 cm².
   */
  readonly densityAreaMm2?: number;
  /**
   * Confidence rule: a cluster needs at least `minStrongCount` members whose CNR is at least the strong
   * level. Chance groups of texture spots just above the detection threshold are common; two clearly
   * visible members are rare by chance. The level is `strongCnr` for a search area up to
   * `referenceAreaMm2` and rises by `areaCnrSlope` per e-fold of area beyond it (see
   * `searchAreaMm2`). Defaults 4.5 and 2 (minStrongCount 0 disables the rule).
   */
  readonly strongCnr?: number;
  readonly minStrongCount?: number;
  /**
   * Area the MCs were searched in (the breast, BreastMask.areaMm2), mm². Chance clusters grow in
   * number with the area searched; raising the strong level with its logarithm keeps the expected
   * number of chance clusters per image about constant (a scan-statistic correction), so a
   * full-field image is held to the same false-cluster rate as a 10 cm × 10 cm one. Omitted: the
   * reference area (no correction).
   */
  readonly searchAreaMm2?: number;
  /** Search area up to which the strong level is `strongCnr`, mm². Default 5000. */
  readonly referenceAreaMm2?: number;
  /** Rise of the strong level per natural-log unit of area beyond the reference. Default 0.7. */
  readonly areaCnrSlope?: number;
  /**
   * Background rule: the image's strong MCs (CNR ≥ the strong level) away from the group (see
   * `backgroundExclusionMm`) are taken as a Poisson background over the search area; the expected
   * number of `densityAreaMm2` windows holding by chance as many strong MCs as the group does must not
   * exceed this. Three strong MCs within 1 cm² stand out against a clean breast, and are expected in
   * one with diffuse calcifications or much bright texture. Default 0.5 (1e9 turns the rule off).
   */
  readonly maxChanceGroups?: number;
  /**
   * Strong MCs within this distance of a member are the group's surroundings, not background, for
   * the background rule: the other parts of a regional distribution would otherwise count against
   * each part, mm. Default 10.
   */
  readonly backgroundExclusionMm?: number;
}

/** Resolved clustering options. */
interface ClusterSettings {
  link: number;
  linkCnr: number;
  attach: number;
  attachCnr: number;
  minCount: number;
  densityRadius: number;
  strongLevel: number;
  minStrong: number;
  densityArea: number;
  searchArea: number;
  maxChanceGroups: number;
  exclusion: number;
}

function resolveClusterOptions(options: McClusterOptions): ClusterSettings {
  const minCount = checkedOption('minCount', options.minCount ?? 3, 1, 1e6);
  if (!Number.isInteger(minCount))
    throw new SegmentationError('INVALID_OPTION', 'option minCount must be an integer');
  const strongCnr = checkedOption('strongCnr', options.strongCnr ?? 4.5, 0, 1e6);
  const referenceArea = checkedOption('referenceAreaMm2', options.referenceAreaMm2 ?? 5000, 1, 1e9);
  const slope = checkedOption('areaCnrSlope', options.areaCnrSlope ?? 0.7, 0, 100);
  const searchArea = checkedOption('searchAreaMm2', options.searchAreaMm2 ?? referenceArea, 0, 1e9);
  const densityArea = checkedOption('densityAreaMm2', options.densityAreaMm2 ?? 100, 0, 1e8);
  return {
    link: checkedOption('linkDistanceMm', options.linkDistanceMm ?? 7, 0, 1000),
    linkCnr: checkedOption('linkCnr', options.linkCnr ?? 4.3, 0, 1e6),
    attach: checkedOption('attachDistanceMm', options.attachDistanceMm ?? 3, 0, 1000),
    attachCnr: checkedOption('attachCnr', options.attachCnr ?? 3.8, 0, 1e6),
    minCount,
    densityRadius: Math.sqrt(densityArea / Math.PI),
    strongLevel: strongCnr + slope * Math.max(0, Math.log(searchArea / referenceArea)),
    minStrong: checkedOption('minStrongCount', options.minStrongCount ?? 2, 0, 1e6),
    densityArea,
    searchArea,
    maxChanceGroups: checkedOption('maxChanceGroups', options.maxChanceGroups ?? 0.5, 0, 1e9),
    exclusion: checkedOption('backgroundExclusionMm', options.backgroundExclusionMm ?? 10, 0, 1e6),
  };
}

/**
 * Groups microcalcifications into clusters by the clinical rule "at least 3 MCs within 1 cm²".
 *
 * MCs with CNR ≥ `linkCnr` are linked when their centroids are closer than `linkDistanceMm`
 * (physical distance, using the image's row and column spacing) and grouped by single linkage; every
 * weaker MC of CNR ≥ `attachCnr` joins the group of its nearest linking MC within `attachDistanceMm`
 * (weaker ones join none). A group is kept when
 * it has at least `minCount` MCs, some disk of radius sqrt(densityAreaMm2 / π) holds `minCount` of
 * their centroids, at least `minStrongCount` members have a CNR of at least the strong level (see
 * McClusterOptions.strongCnr and searchAreaMm2), and that many strong MCs in one window are not
 * expected by chance from the image's strong MCs away from the group (McClusterOptions.
 * maxChanceGroups and backgroundExclusionMm). A spatial hash keeps the linkage O(n) for evenly
 * spread MCs.
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
  const settings = resolveClusterOptions(options);
  const { link, linkCnr, attach, attachCnr, minCount, densityRadius, strongLevel, minStrong } = settings;
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
  const links = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = mcs[i].centroid.x * col;
    ys[i] = mcs[i].centroid.y * row;
    links[i] = mcs[i].cnr >= linkCnr ? 1 : 0;
  }
  const cell = Math.max(link, attach, densityRadius, 1e-6);
  const grid = new SpatialHash(xs, ys, cell);

  // Single linkage of the linking MCs by union-find over pairs closer than the link distance.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    if (links[i] === 0) continue;
    grid.forNear(i, (j, d) => {
      if (j > i && links[j] === 1 && d < link) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    });
  }
  // Weaker MCs join the group of the nearest linking MC within the attach distance (-1: none).
  const group = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (links[i] === 1) {
      group[i] = find(i);
      continue;
    }
    if (mcs[i].cnr < attachCnr) continue;
    let nearest = -1;
    let best = attach;
    grid.forNear(i, (j, d) => {
      if (links[j] === 1 && d <= best) {
        best = d;
        nearest = j;
      }
    });
    if (nearest >= 0) group[i] = find(nearest);
  }

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (group[i] < 0) continue;
    const members = groups.get(group[i]);
    if (members) members.push(i);
    else groups.set(group[i], [i]);
  }
  const strongInImage: number[] = [];
  for (let i = 0; i < n; i++) if (mcs[i].cnr >= strongLevel) strongInImage.push(i);
  const clusters: McCluster[] = [];
  for (const members of groups.values()) {
    if (members.length < minCount) continue;
    let strong = 0;
    for (const i of members) if (mcs[i].cnr >= strongLevel) strong++;
    if (minStrong > 0 && strong < minStrong) continue;
    const background = strongOutside(strongInImage, members, xs, ys, settings.exclusion);
    if (expectedChanceGroups(strong, background, settings) > settings.maxChanceGroups) continue;
    if (!hasDenseDisk(members, xs, ys, densityRadius, minCount)) continue;
    clusters.push(makeCluster(members.map((i) => mcs[i])));
  }
  clusters.sort((a, b) => mcs.indexOf(a.mcs[0]) - mcs.indexOf(b.mcs[0]));
  return clusters;
}

/** How many of the strong MCs lie farther than `exclusion` (mm) from every member. */
function strongOutside(
  strong: readonly number[],
  members: readonly number[],
  xs: Float64Array,
  ys: Float64Array,
  exclusion: number,
): number {
  const e2 = exclusion * exclusion;
  let outside = 0;
  for (const i of strong) {
    let near = false;
    for (const j of members) {
      const dx = xs[j] - xs[i];
      const dy = ys[j] - ys[i];
      if (dx * dx + dy * dy <= e2) {
        near = true;
        break;
      }
    }
    if (!near) outside++;
  }
  return outside;
}

/**
 * Expected number of windows of the density area, among the searchArea / densityArea that tile the
 * search area, holding at least `strong` strong MCs when `others` strong MCs lie at random in it:
 * (A / W) · P(Poisson(others · W / A) ≥ strong). 0 for a group without strong members or an image
 * without other strong MCs.
 */
function expectedChanceGroups(strong: number, others: number, settings: ClusterSettings): number {
  if (strong === 0 || others <= 0) return 0;
  const windows = Math.max(1, settings.searchArea / Math.max(settings.densityArea, 1e-9));
  const mean = others / windows;
  // P(N ≥ strong) = 1 − Σ_{k < strong} e^−μ μ^k / k!
  let term = Math.exp(-mean);
  let below = 0;
  for (let k = 0; k < strong; k++) {
    below += term;
    term *= mean / (k + 1);
  }
  return windows * Math.max(0, 1 - below);
}

/**
 * True when some disk of `radius` (mm), anywhere, holds at least `minCount` of the members. If a disk
 * holds k ≥ 2 points, it can be moved until two of them lie on its boundary without losing any, so
 * the disks centred on a member or passing through two members within 2 · radius are the only ones
 * to try (O(m³) for m members; groups are tens of MCs).
 */
function hasDenseDisk(
  members: readonly number[],
  xs: Float64Array,
  ys: Float64Array,
  radius: number,
  minCount: number,
): boolean {
  // A hair of tolerance: the disks through two members have both exactly on their boundary.
  const r2 = radius * radius * (1 + 1e-9);
  const countWithin = (cx: number, cy: number): number => {
    let within = 0;
    for (const j of members) {
      const dx = xs[j] - cx;
      const dy = ys[j] - cy;
      if (dx * dx + dy * dy <= r2) within++;
    }
    return within;
  };
  for (const i of members) {
    if (countWithin(xs[i], ys[i]) >= minCount) return true;
  }
  for (let a = 0; a < members.length; a++) {
    const i = members[a];
    for (let b = a + 1; b < members.length; b++) {
      const j = members[b];
      const dx = xs[j] - xs[i];
      const dy = ys[j] - ys[i];
      const d2 = dx * dx + dy * dy;
      if (d2 === 0 || d2 > 4 * radius * radius) continue;
      const d = Math.sqrt(d2);
      const h = Math.sqrt(Math.max(0, radius * radius - d2 / 4));
      const mx = (xs[i] + xs[j]) / 2;
      const my = (ys[i] + ys[j]) / 2;
      const ux = (-dy / d) * h;
      const uy = (dx / d) * h;
      if (countWithin(mx + ux, my + uy) >= minCount || countWithin(mx - ux, my - uy) >= minCount) return true;
    }
  }
  return false;
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
