import type { BBox, PixelSpacing, Point } from '@calcscope/imaging';
import type { MassSegmentation, McCluster, Microcalcification } from './types';

/**
 * Scoring of detections against ground truth (phantoms or annotated images), with the matching rules
 * stated once so the evaluation CLI, tests and reports agree:
 *
 * - MC: a truth MC is found when a detected MC's centroid lies within max(0.3 mm, truth radius) of
 *   the truth centre, or — for a linear MC that gives its centre line — within max(0.3 mm, the
 *   line's radius) of that line: a detected piece of a 3 mm fine-linear MC is a find even where it lies
 *   a millimetre from the footprint's centroid. Detected MCs matching no truth MC are false MCs.
 * - Cluster: a truth cluster is found when a detected cluster's centroid lies inside the truth
 *   cluster's box grown by `clusterMarginMm`, or the truth centroid lies inside the detected cluster's
 *   box grown by the same margin. Detected clusters matching no truth cluster are false clusters.
 * - Mass: a truth mass is found when a detected mass's centroid lies inside the truth mask or the
 *   truth centroid lies inside the detected mask; its Dice is the best Dice over the detected masses
 *   that match it. Detected masses matching no truth mass are false masses.
 */

/** A true MC: centre in pixels, equivalent diameter in mm, and a linear MC's centre line. */
export interface TruthMc {
  readonly x: number;
  readonly y: number;
  readonly diameterMm: number;
  /** Straight pieces of the centre line (pixels) and the line's radius (mm); linear MCs only. */
  readonly centreline?: {
    readonly segments: readonly {
      readonly x0: number;
      readonly y0: number;
      readonly x1: number;
      readonly y1: number;
    }[];
    readonly radiusMm: number;
  };
}

/** A true MC cluster: centroid and inclusive–exclusive box in pixels. */
export interface TruthCluster {
  readonly centroid: Point;
  readonly bbox: BBox;
  /** A category the summary breaks sensitivity down by (e.g. the BI-RADS morphology). */
  readonly label?: string;
}

/** A true mass: its reference mask as sorted linear pixel indices, and its equivalent diameter (mm). */
export interface TruthMass {
  readonly indices: Int32Array;
  readonly diameterMm: number;
}

/** Ground truth of one image. */
export interface ImageTruth {
  readonly width: number;
  readonly pixelSpacingMm: PixelSpacing;
  readonly microcalcifications: readonly TruthMc[];
  readonly clusters: readonly TruthCluster[];
  readonly masses: readonly TruthMass[];
}

/** What was detected on one image. */
export interface ImageDetections {
  readonly microcalcifications: readonly Microcalcification[];
  readonly clusters: readonly McCluster[];
  readonly masses: readonly MassSegmentation[];
}

/** Per-image outcome of scoreImage. */
export interface ImageScore {
  /** One entry per truth MC, in truth order. */
  readonly mcs: readonly { readonly diameterMm: number; readonly found: boolean }[];
  readonly falseMcs: number;
  /** One entry per truth cluster, in truth order, with the truth cluster's label if it has one. */
  readonly clusters: readonly { readonly found: boolean; readonly label?: string }[];
  readonly falseClusters: number;
  /**
   * False clusters at least half of whose MCs match true MCs: real calcifications grouped where the
   * truth has no cluster (e.g. a diffuse distribution).
   */
  readonly falseClustersOfTrueMcs: number;
  /** One entry per truth mass: found, and the best Dice of a matching detection (0 when missed). */
  readonly masses: readonly { readonly diameterMm: number; readonly found: boolean; readonly dice: number }[];
  readonly falseMasses: number;
}

/** Matching tolerances. */
export interface ScoreRules {
  /** Least MC match radius, mm (the radius of the truth MC counts when larger). Default 0.3. */
  readonly mcMatchMm?: number;
  /** Margin added around cluster boxes for matching, mm. Default 2. */
  readonly clusterMarginMm?: number;
}

/**
 * Scores one image's detections against its truth with the rules in this module's header.
 *
 * Parameters: `truth` – ImageTruth (pixel coordinates of the same image); `found` – ImageDetections;
 * `rules` – tolerances (ScoreRules).
 * Returns: ImageScore.
 */
export function scoreImage(truth: ImageTruth, found: ImageDetections, rules: ScoreRules = {}): ImageScore {
  const mcMatchMm = rules.mcMatchMm ?? 0.3;
  const marginMm = rules.clusterMarginMm ?? 2;
  const { row, col } = truth.pixelSpacingMm;
  const distanceMm = (a: Point, b: Point): number => Math.hypot((a.x - b.x) * col, (a.y - b.y) * row);

  /** The MC rule of the header: near the centre, or near a linear MC's centre line. */
  const onMc = (p: Point, t: TruthMc): boolean => {
    if (distanceMm(p, t) <= Math.max(mcMatchMm, t.diameterMm / 2)) return true;
    const line = t.centreline;
    if (!line) return false;
    const reach = Math.max(mcMatchMm, line.radiusMm);
    return line.segments.some((s) => segmentDistanceMm(p, s, col, row) <= reach);
  };
  const mcMatched = new Uint8Array(found.microcalcifications.length);
  const mcs = truth.microcalcifications.map((t) => {
    let hit = false;
    found.microcalcifications.forEach((mc, i) => {
      if (onMc(mc.centroid, t)) {
        mcMatched[i] = 1;
        hit = true;
      }
    });
    return { diameterMm: t.diameterMm, found: hit };
  });

  const inGrown = (p: Point, b: BBox): boolean =>
    p.x >= b.x0 - marginMm / col &&
    p.x < b.x1 + marginMm / col &&
    p.y >= b.y0 - marginMm / row &&
    p.y < b.y1 + marginMm / row;
  const clusterMatched = new Uint8Array(found.clusters.length);
  const clusters = truth.clusters.map((t) => {
    let hit = false;
    found.clusters.forEach((c, i) => {
      if (inGrown(c.centroid, t.bbox) || inGrown(t.centroid, c.bbox)) {
        clusterMatched[i] = 1;
        hit = true;
      }
    });
    return t.label === undefined ? { found: hit } : { found: hit, label: t.label };
  });

  let falseClustersOfTrueMcs = 0;
  found.clusters.forEach((c, i) => {
    if (clusterMatched[i] !== 0) return;
    const real = c.mcs.filter((mc) => truth.microcalcifications.some((t) => onMc(mc.centroid, t))).length;
    if (2 * real >= c.mcs.length) falseClustersOfTrueMcs++;
  });

  const massMatched = new Uint8Array(found.masses.length);
  const masses = truth.masses.map((t) => {
    const truthCentre = centroidOf(t.indices, truth.width);
    let best = 0;
    let hit = false;
    found.masses.forEach((m, i) => {
      const centreIndex = Math.round(m.centroid.y) * truth.width + Math.round(m.centroid.x);
      const truthCentreIndex = Math.round(truthCentre.y) * truth.width + Math.round(truthCentre.x);
      if (sortedHas(t.indices, centreIndex) || sortedHas(m.region.indices, truthCentreIndex)) {
        massMatched[i] = 1;
        hit = true;
        best = Math.max(best, dice(t.indices, m.region.indices));
      }
    });
    return { diameterMm: t.diameterMm, found: hit, dice: best };
  });

  return {
    mcs,
    falseMcs: count0(mcMatched),
    clusters,
    falseClusters: count0(clusterMatched),
    falseClustersOfTrueMcs,
    masses,
    falseMasses: count0(massMatched),
  };
}

/** Number of zeros. */
function count0(flags: Uint8Array): number {
  let n = 0;
  for (const f of flags) if (f === 0) n++;
  return n;
}

/** Mean pixel position of sorted linear indices of an image `width` wide. */
function centroidOf(indices: Int32Array, width: number): Point {
  let sx = 0;
  let sy = 0;
  for (const i of indices) {
    const y = (i / width) | 0;
    sy += y;
    sx += i - y * width;
  }
  return { x: sx / Math.max(1, indices.length), y: sy / Math.max(1, indices.length) };
}

/** Binary search in sorted indices. */
function sortedHas(a: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === value) return true;
    if (a[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Dice coefficient 2|A∩B| / (|A| + |B|) of two masks given as sorted linear indices.
 *
 * Parameters: `a`, `b` – sorted ascending index lists of the same image.
 * Returns: Dice in [0, 1]; 1 for two empty masks.
 */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length + b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return (2 * both) / (a.length + b.length);
}

/** Sensitivity of one group: found / total (NaN when total is 0). */
export interface Rate {
  readonly found: number;
  readonly total: number;
  readonly rate: number;
}

/** Aggregate over images (see summarizeScores). */
export interface DetectionSummary {
  readonly images: number;
  readonly clusterSensitivity: Rate;
  /** Cluster sensitivity per truth label (TruthCluster.label), labels in alphabetical order. */
  readonly clusterSensitivityByLabel: readonly (Rate & { readonly label: string })[];
  readonly falseClustersPerImage: number;
  /** False clusters per image made mostly of true MCs (see ImageScore.falseClustersOfTrueMcs). */
  readonly falseClustersOfTrueMcsPerImage: number;
  /** MC sensitivity per diameter bin [lo, hi) mm, plus all MCs ≥ 0.2 mm. */
  readonly mcSensitivityByDiameter: readonly (Rate & { readonly fromMm: number; readonly toMm: number })[];
  readonly mcSensitivityAtLeast02: Rate;
  readonly falseMcsPerImage: number;
  readonly massSensitivity: Rate;
  readonly massSensitivityAtLeast8: Rate;
  /** Mean Dice over found masses (all, and ≥ 8 mm); NaN when none was found. */
  readonly meanDice: number;
  readonly meanDiceAtLeast8: number;
  readonly falseMassesPerImage: number;
}

/** MC diameter bins of the report, mm. */
export const MC_DIAMETER_BINS: readonly (readonly [number, number])[] = [
  [0.1, 0.2],
  [0.2, 0.3],
  [0.3, 0.5],
  [0.5, 1],
];

/**
 * Pools image scores: cluster sensitivity (all, and per truth label) and false clusters per image, MC sensitivity by diameter
 * bin (a bin is [lo, hi), the last one closed) and for MCs ≥ 0.2 mm, false MCs per image, mass
 * sensitivity and mean Dice of found masses (all, and masses ≥ 8 mm), false masses per image.
 *
 * Parameters: `scores` – ImageScore per image.
 * Returns: DetectionSummary.
 */
export function summarizeScores(scores: readonly ImageScore[]): DetectionSummary {
  const rate = (found: number, total: number): Rate => ({
    found,
    total,
    rate: total > 0 ? found / total : Number.NaN,
  });
  const allMcs = scores.flatMap((s) => s.mcs);
  const allClusters = scores.flatMap((s) => s.clusters);
  const allMasses = scores.flatMap((s) => s.masses);
  const n = scores.length;
  const sum = (f: (s: ImageScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const mcRate = (keep: (d: number) => boolean) => {
    const sel = allMcs.filter((m) => keep(m.diameterMm));
    return rate(sel.filter((m) => m.found).length, sel.length);
  };
  const massRate = (keep: (d: number) => boolean) => {
    const sel = allMasses.filter((m) => keep(m.diameterMm));
    return rate(sel.filter((m) => m.found).length, sel.length);
  };
  const meanDice = (keep: (d: number) => boolean) => {
    const sel = allMasses.filter((m) => m.found && keep(m.diameterMm));
    return sel.length > 0 ? sel.reduce((a, m) => a + m.dice, 0) / sel.length : Number.NaN;
  };
  const last = MC_DIAMETER_BINS.length - 1;
  const labels = [...new Set(allClusters.flatMap((c) => (c.label === undefined ? [] : [c.label])))].sort();
  return {
    images: n,
    clusterSensitivity: rate(allClusters.filter((c) => c.found).length, allClusters.length),
    clusterSensitivityByLabel: labels.map((label) => {
      const sel = allClusters.filter((c) => c.label === label);
      return { label, ...rate(sel.filter((c) => c.found).length, sel.length) };
    }),
    falseClustersPerImage: n > 0 ? sum((s) => s.falseClusters) / n : Number.NaN,
    falseClustersOfTrueMcsPerImage: n > 0 ? sum((s) => s.falseClustersOfTrueMcs) / n : Number.NaN,
    mcSensitivityByDiameter: MC_DIAMETER_BINS.map(([lo, hi], i) => ({
      fromMm: lo,
      toMm: hi,
      ...mcRate((d) => d >= lo && (d < hi || (i === last && d <= hi))),
    })),
    mcSensitivityAtLeast02: mcRate((d) => d >= 0.2),
    falseMcsPerImage: n > 0 ? sum((s) => s.falseMcs) / n : Number.NaN,
    massSensitivity: massRate(() => true),
    massSensitivityAtLeast8: massRate((d) => d >= 8),
    meanDice: meanDice(() => true),
    meanDiceAtLeast8: meanDice((d) => d >= 8),
    falseMassesPerImage: n > 0 ? sum((s) => s.falseMasses) / n : Number.NaN,
  };
}

/** Distance (mm) from point p to the segment (x0, y0)–(x1, y1), all in pixels of the given spacing. */
function segmentDistanceMm(
  p: Point,
  s: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number },
  col: number,
  row: number,
): number {
  const ax = s.x0 * col;
  const ay = s.y0 * row;
  const vx = s.x1 * col - ax;
  const vy = s.y1 * row - ay;
  const px = p.x * col - ax;
  const py = p.y * row - ay;
  const length2 = vx * vx + vy * vy;
  const t = length2 > 0 ? Math.min(1, Math.max(0, (px * vx + py * vy) / length2)) : 0;
  return Math.hypot(px - t * vx, py - t * vy);
}
