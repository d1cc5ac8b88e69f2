/**
 * Lesions: what the combined (41-feature) models classify. A mass and the MC clusters on or near it form
 * one lesion; a cluster near no mass is a lesion of its own, and so is a mass without clusters.
 *
 * Rules (FEATURES.md, "Lesions"):
 * - A cluster is attached to a mass when its centre (mean of its MC centroids) or any pixel of any of its
 *   MCs lies within `attachDistanceMm` (default LESION_ATTACH_DISTANCE_MM) of the mass mask, i.e. inside
 *   the mask dilated by that distance. A cluster near several masses goes to the nearest (ties: the lower
 *   mass index).
 * - Several clusters attached to one mass: the MC features are computed on the union of their MCs, as if
 *   they were one cluster (count, cluster hull and shares then describe everything calcified around the
 *   mass).
 * - Absent part: a mass-only lesion has all 15 MC features 0 (mcCount = 0 marks it); an MC-only lesion has
 *   all 26 mass features 0 (massArea = 0 marks it). Both markers are impossible for a present part.
 * - Order: mass lesions in mass order, then MC-only lesions in cluster order.
 */
import type { BBox, GrayImage, Region } from '@calcscope/imaging';
import { distanceToRunsMm } from './distance';
import { FeatureError } from './errors';
import { type MassInput, massFeatures } from './massFeatures';
import { type McClusterInput, mcClusterFeatures } from './mcFeatures';
import { type RowRuns, regionRuns } from './raster';
import { COMBINED_FEATURES, MASS_FEATURES, MC_FEATURES } from './schema';

/** A cluster whose MCs or centre come within this distance (mm) of a mass mask belongs to the mass's lesion. */
export const LESION_ATTACH_DISTANCE_MM = 3;

export type LesionKind = 'mc' | 'mass' | 'mc+mass';

/** One lesion: the findings it groups and its 41 features (COMBINED_FEATURES order). */
export interface Lesion {
  readonly kind: LesionKind;
  /** Indices into the `clusters` argument, ascending; empty for a mass-only lesion. */
  readonly clusterIndices: number[];
  /** Index into the `masses` argument; null for an MC-only lesion. */
  readonly massIndex: number | null;
  /** Union of the bounding boxes of its MC pixels and its mass mask, image pixels. */
  readonly bbox: BBox;
  readonly features: Float64Array;
}

export interface AssembleLesionsOptions {
  /** Attachment distance, mm (default LESION_ATTACH_DISTANCE_MM, ≥ 0). */
  readonly attachDistanceMm?: number;
  /** Precomputed massFeatures(image, masses[i]) to reuse (same order as masses). */
  readonly massFeatureVectors?: readonly Float64Array[];
}

/**
 * Groups MC clusters and masses into lesions and computes each lesion's 41 features.
 *
 * Parameters
 * ----------
 * image : the decoded image.
 * clusters : MC clusters (McCluster fits), each with at least one MC.
 * masses : masses (MassSegmentation fits).
 * options : attachDistanceMm, massFeatureVectors.
 *
 * Returns the lesions: mass lesions ('mass' or 'mc+mass') in mass order, then 'mc' lesions in cluster order.
 *
 * Raises FeatureError INVALID_OPTION (distance, vector count), EMPTY_REGION (a cluster without MCs, an empty
 * MC or mass), REGION_OUT_OF_BOUNDS.
 */
export function assembleLesions(
  image: GrayImage,
  clusters: readonly McClusterInput[],
  masses: readonly MassInput[],
  options: AssembleLesionsOptions = {},
): Lesion[] {
  const attachDistanceMm = options.attachDistanceMm ?? LESION_ATTACH_DISTANCE_MM;
  if (!(attachDistanceMm >= 0) || !Number.isFinite(attachDistanceMm)) {
    throw new FeatureError(
      'INVALID_OPTION',
      `attachDistanceMm must be finite and ≥ 0, got ${attachDistanceMm}`,
    );
  }
  if (options.massFeatureVectors && options.massFeatureVectors.length !== masses.length) {
    throw new FeatureError(
      'INVALID_OPTION',
      `${options.massFeatureVectors.length} precomputed mass vectors for ${masses.length} masses`,
    );
  }
  options.massFeatureVectors?.forEach((vector, m) => {
    if (vector.length !== MASS_FEATURES.length) {
      throw new FeatureError(
        'INVALID_OPTION',
        `precomputed mass vector ${m} has ${vector.length} values, not 26`,
      );
    }
  });
  clusters.forEach((cluster, c) => {
    if (cluster.mcs.length === 0) throw new FeatureError('EMPTY_REGION', `cluster ${c} has no MC`);
  });

  // Nearest mass of every cluster within the attachment distance.
  const owner = new Int32Array(clusters.length).fill(-1);
  const ownerDistance = new Float64Array(clusters.length).fill(Number.POSITIVE_INFINITY);
  const clusterBoxes = clusters.map((cluster) =>
    unionBBox(
      image,
      cluster.mcs.map((mc) => mc.region),
    ),
  );
  masses.forEach((mass, m) => {
    const massBox = unionBBox(image, [mass.region]);
    let runs: RowRuns | null = null;
    clusters.forEach((cluster, c) => {
      // Bounding boxes farther apart than the attachment distance cannot attach: skip the exact walk.
      if (boxGapMm(image, clusterBoxes[c], massBox) > attachDistanceMm) return;
      runs ??= regionRuns(mass.region, image);
      const d = clusterDistanceMm(image, cluster, runs, attachDistanceMm);
      if (d <= attachDistanceMm && d < ownerDistance[c]) {
        owner[c] = m;
        ownerDistance[c] = d;
      }
    });
  });

  const lesions: Lesion[] = [];
  masses.forEach((mass, m) => {
    const clusterIndices: number[] = [];
    owner.forEach((o, c) => {
      if (o === m) clusterIndices.push(c);
    });
    const mcs = clusterIndices.flatMap((c) => clusters[c].mcs);
    const massVector = options.massFeatureVectors?.[m] ?? massFeatures(image, mass);
    lesions.push({
      kind: clusterIndices.length > 0 ? 'mc+mass' : 'mass',
      clusterIndices,
      massIndex: m,
      bbox: unionBBox(image, [mass.region, ...mcs.map((mc) => mc.region)]),
      features: combine(mcClusterFeatures(image, { mcs }), massVector),
    });
  });
  clusters.forEach((cluster, c) => {
    if (owner[c] >= 0) return;
    lesions.push({
      kind: 'mc',
      clusterIndices: [c],
      massIndex: null,
      bbox: unionBBox(
        image,
        cluster.mcs.map((mc) => mc.region),
      ),
      features: combine(mcClusterFeatures(image, cluster), null),
    });
  });
  return lesions;
}

/** MC vector then mass vector; an absent mass part is 26 zeros (massArea = 0). */
function combine(mcVector: Float64Array, massVector: Float64Array | null): Float64Array {
  const features = new Float64Array(COMBINED_FEATURES.length);
  features.set(mcVector, 0);
  if (massVector) features.set(massVector, MC_FEATURES.length);
  return features;
}

/**
 * Smallest distance (mm) from a cluster to a mass, over the cluster centre (mean of its MC pixel
 * centroids, rounded to the nearest pixel) and every MC pixel; +∞ when above maxMm.
 */
function clusterDistanceMm(
  image: Pick<GrayImage, 'width' | 'pixelSpacingMm'>,
  cluster: McClusterInput,
  mass: RowRuns,
  maxMm: number,
): number {
  const { width, pixelSpacingMm } = image;
  let best = Number.POSITIVE_INFINITY;
  let centreX = 0;
  let centreY = 0;
  for (const { region } of cluster.mcs) {
    if (region.indices.length === 0)
      throw new FeatureError('EMPTY_REGION', 'an MC of a cluster has no pixel');
    let sumX = 0;
    let sumY = 0;
    for (let k = 0; k < region.indices.length; k++) {
      const i = region.indices[k];
      const y = (i / width) | 0;
      const x = i - y * width;
      sumX += x;
      sumY += y;
      const d = distanceToRunsMm(mass, x, y, pixelSpacingMm, Math.min(best, maxMm));
      if (d < best) best = d;
      if (best === 0) return 0;
    }
    centreX += sumX / region.indices.length / cluster.mcs.length;
    centreY += sumY / region.indices.length / cluster.mcs.length;
  }
  const centre = distanceToRunsMm(mass, Math.round(centreX), Math.round(centreY), pixelSpacingMm, maxMm);
  return Math.min(best, centre);
}

/** Smallest distance (mm) between pixel centres of two boxes (0 when they overlap): a lower bound. */
function boxGapMm(image: Pick<GrayImage, 'pixelSpacingMm'>, a: BBox, b: BBox): number {
  const gapX = Math.max(0, a.x0 - (b.x1 - 1), b.x0 - (a.x1 - 1));
  const gapY = Math.max(0, a.y0 - (b.y1 - 1), b.y0 - (a.y1 - 1));
  return Math.hypot(gapX * image.pixelSpacingMm.col, gapY * image.pixelSpacingMm.row);
}

function unionBBox(image: Pick<GrayImage, 'width'>, regions: readonly Region[]): BBox {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const region of regions) {
    for (let k = 0; k < region.indices.length; k++) {
      const i = region.indices[k];
      const y = (i / image.width) | 0;
      const x = i - y * image.width;
      if (x < x0) x0 = x;
      if (x + 1 > x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y + 1 > y1) y1 = y + 1;
    }
  }
  return { x0, y0, x1, y1 };
}
