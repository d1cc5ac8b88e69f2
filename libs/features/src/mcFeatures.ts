/**
 * The 15 microcalcification-cluster features (schema MC_FEATURES): per-MC shape from each MC's pixel
 * region, aggregated over the cluster, plus the cluster's extent, layout and gray level. FEATURES.md gives
 * every formula and threshold.
 */
import type { GrayImage, Region } from '@calcscope/imaging';
import { convexHull, polygonArea, polygonPerimeter } from './hull';
import { MC_FEATURES, recordToFeatureVector } from './schema';
import { type RegionShape, regionShape } from './shape';

/** An MC counts as round when its circularity is at least this (circularity proportion). */
export const MC_ROUND_CIRCULARITY = 0.8;
/** An MC counts as sandy (fine punctate) when its equivalent diameter is below this, mm. */
export const MC_SANDY_DIAMETER_MM = 0.3;
/** An MC counts as linear when its major/minor axis ratio is at least this. */
export const MC_LINEAR_AXIS_RATIO = 2.5;
/**
 * Margin (mm) by which the convex hull of the MC pixels is dilated to give the cluster's area, so the
 * outline runs around the outer MCs and collinear MCs still enclose an area.
 */
export const MC_CLUSTER_MARGIN_MM = 0.5;

/** What mcClusterFeatures needs of a cluster (McCluster fits). */
export interface McClusterInput {
  readonly mcs: readonly { readonly region: Region }[];
}

/**
 * The 15 features of one MC cluster, in MC_FEATURES order.
 *
 * Parameters
 * ----------
 * image : the decoded image (intensities in [0, 1], pixel spacing in mm).
 * cluster : its MCs, each a pixel region of `image`.
 *
 * Returns a Float64Array(15) (units in MC_FEATURES). A cluster without MCs gives 15 zeros, the encoding of
 * "no MC part" in the lesion vectors (mcCount = 0 marks it).
 *
 * Raises FeatureError EMPTY_REGION (an MC without pixels), REGION_OUT_OF_BOUNDS.
 */
export function mcClusterFeatures(image: GrayImage, cluster: McClusterInput): Float64Array {
  const n = cluster.mcs.length;
  if (n === 0) return new Float64Array(MC_FEATURES.length);
  const shapes: RegionShape[] = cluster.mcs.map((mc) => regionShape(mc.region, image));

  let sumDiameter = 0;
  let sumArea = 0;
  let sumCircularity = 0;
  let sumSolidity = 0;
  let sumAxisRatio = 0;
  let round = 0;
  let sandy = 0;
  let linear = 0;
  for (const shape of shapes) {
    sumDiameter += shape.equivalentDiameterMm;
    sumArea += shape.areaMm2;
    sumCircularity += shape.circularity;
    sumSolidity += shape.solidity;
    sumAxisRatio += shape.axisRatio;
    if (shape.circularity >= MC_ROUND_CIRCULARITY) round++;
    if (shape.equivalentDiameterMm < MC_SANDY_DIAMETER_MM) sandy++;
    if (shape.axisRatio >= MC_LINEAR_AXIS_RATIO) linear++;
  }
  const meanDiameter = sumDiameter / n;
  let diameterSquares = 0;
  for (const shape of shapes) diameterSquares += (shape.equivalentDiameterMm - meanDiameter) ** 2;

  const clusterArea = clusterAreaMm2(image, cluster.mcs, MC_CLUSTER_MARGIN_MM);
  return recordToFeatureVector(MC_FEATURES, {
    mcCount: n,
    mcClusterArea: clusterArea,
    mcDensity: n / (clusterArea / 100),
    mcMeanDiameter: meanDiameter,
    mcDiameterStd: Math.sqrt(diameterSquares / n),
    mcMeanArea: sumArea / n,
    mcMeanCircularity: sumCircularity / n,
    mcCircularityProportion: round / n,
    mcMeanSolidity: sumSolidity / n,
    mcMeanAxisRatio: sumAxisRatio / n,
    mcSandyShare: sandy / n,
    mcLinearShare: linear / n,
    mcSpiculation: layoutIrregularity(image, shapes),
    mcVolumeRatio: sumArea / clusterArea,
    mcMeanGray: meanGray(image, cluster.mcs) * 255,
  });
}

/**
 * Area (mm²) of a cluster: the convex hull of all its MC pixels (each pixel a square, so the hull of the
 * pixel corners), dilated by `marginMm` — exactly A + P·m + π m² for a convex hull of area A and
 * perimeter P (Steiner's formula).
 *
 * Parameters
 * ----------
 * image : width, height and pixel spacing of the image.
 * mcs : the MCs' regions (non-empty; each region non-empty).
 * marginMm : dilation, mm (≥ 0).
 */
export function clusterAreaMm2(
  image: Pick<GrayImage, 'width' | 'pixelSpacingMm'>,
  mcs: readonly { readonly region: Region }[],
  marginMm: number,
): number {
  const { width } = image;
  const { row: sy, col: sx } = image.pixelSpacingMm;
  // Per image row, the leftmost and rightmost MC pixel: their corners span the same hull as all corners.
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const { region } of mcs) {
    for (let k = 0; k < region.indices.length; k++) {
      const y = (region.indices[k] / width) | 0;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const rows = y1 - y0 + 1;
  const left = new Int32Array(rows).fill(2147483647);
  const right = new Int32Array(rows).fill(-1);
  for (const { region } of mcs) {
    for (let k = 0; k < region.indices.length; k++) {
      const i = region.indices[k];
      const y = (i / width) | 0;
      const x = i - y * width;
      if (x < left[y - y0]) left[y - y0] = x;
      if (x > right[y - y0]) right[y - y0] = x;
    }
  }
  let n = 0;
  for (let r = 0; r < rows; r++) if (right[r] >= 0) n += 4;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  n = 0;
  for (let r = 0; r < rows; r++) {
    if (right[r] < 0) continue;
    const top = (r + y0) * sy;
    const bottom = (r + y0 + 1) * sy;
    const l = left[r] * sx;
    const rr = (right[r] + 1) * sx;
    xs[n] = l;
    ys[n++] = top;
    xs[n] = l;
    ys[n++] = bottom;
    xs[n] = rr;
    ys[n++] = top;
    xs[n] = rr;
    ys[n++] = bottom;
  }
  const hull = convexHull(xs, ys);
  return polygonArea(hull) + polygonPerimeter(hull) * marginMm + Math.PI * marginMm * marginMm;
}

/**
 * Layout irregularity ("spiculation") of a cluster: coefficient of variation σ/μ of the distances (mm)
 * from the cluster centre (mean of the MC centroids) to the MC centroids. 0 for MCs on a circle, about
 * 0.35 for MCs spread evenly over a disk, about 0.58 along a line, higher for a compact core with
 * outlying branches. 0 for fewer than 2 MCs or coincident centroids.
 */
function layoutIrregularity(
  image: Pick<GrayImage, 'pixelSpacingMm'>,
  shapes: readonly RegionShape[],
): number {
  const n = shapes.length;
  if (n < 2) return 0;
  let cx = 0;
  let cy = 0;
  for (const shape of shapes) {
    cx += shape.centroid.x / n;
    cy += shape.centroid.y / n;
  }
  const { row: sy, col: sx } = image.pixelSpacingMm;
  let sum = 0;
  let sumSquares = 0;
  for (const shape of shapes) {
    const d = Math.hypot((shape.centroid.x - cx) * sx, (shape.centroid.y - cy) * sy);
    sum += d;
    sumSquares += d * d;
  }
  const mean = sum / n;
  if (!(mean > 0)) return 0;
  return Math.sqrt(Math.max(0, sumSquares / n - mean * mean)) / mean;
}

/** Mean intensity (data units) over all pixels of all MCs, pooled. */
function meanGray(image: GrayImage, mcs: readonly { readonly region: Region }[]): number {
  let sum = 0;
  let count = 0;
  for (const { region } of mcs) {
    for (let k = 0; k < region.indices.length; k++) sum += image.data[region.indices[k]];
    count += region.indices.length;
  }
  return sum / count;
}
