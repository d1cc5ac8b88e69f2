import { createHash } from 'node:crypto';
import type {
  AnalysisResult,
  ClusterFinding,
  LesionFinding,
  MassFinding,
  PixelBox,
} from '@calcscope/contracts';
import {
  assembleLesions,
  COMBINED_FEATURES,
  featureVectorToRecord,
  type Lesion,
  MASS_FEATURES,
  MC_FEATURES,
  massFeatures,
  mcClusterFeatures,
} from '@calcscope/features';
import { type BBox, type DecodedImage, type DecodeOptions, decodeImage } from '@calcscope/imaging';
import { type MassSegmentation, type McCluster, segmentImage } from '@calcscope/segmentation';

/** Everything one analysis produced: the JSON contract plus the in-memory findings (for overlays, ROIs). */
export interface ImageAnalysis {
  result: AnalysisResult;
  image: DecodedImage;
  clusters: McCluster[];
  masses: MassSegmentation[];
  lesions: Lesion[];
}

export interface AnalyzeOptions {
  decode?: DecodeOptions;
}

/**
 * Runs the whole image pipeline on a file's bytes: decode → MC detection and clustering → mass
 * segmentation → 15 MC features per cluster, 26 mass features per mass → lesions with 41 features.
 *
 * Parameters
 * ----------
 * bytes : DICOM, PNG or TIFF file contents.
 * options.decode : decoder limits (pixel-count guard, VOI windowing).
 *
 * Returns the analysis with per-stage wall-clock timings in milliseconds.
 *
 * Raises ImageDecodeError (from @calcscope/imaging) for corrupt, truncated, oversized or unsupported files.
 */
export async function analyzeImage(bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const t0 = performance.now();
  const image = await decodeImage(bytes, options.decode);
  const decodeMs = performance.now() - t0;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const analysis = analyzeDecodedImage(image, sha256);
  analysis.result.timingsMs = {
    decode: decodeMs,
    ...analysis.result.timingsMs,
    total: performance.now() - t0,
  };
  return analysis;
}

/** The pipeline after decoding; `sha256` identifies the source file in the result. */
export function analyzeDecodedImage(image: DecodedImage, sha256: string): ImageAnalysis {
  const segmentation = segmentImage(image);
  const { clusters, masses } = segmentation;
  const timingsMs: Record<string, number> = { ...segmentation.timingsMs };
  delete timingsMs.total;
  const t = performance.now();
  const clusterVectors = clusters.map((cluster) => mcClusterFeatures(image, cluster));
  const massVectors = masses.map((mass) => massFeatures(image, mass));
  const lesions = assembleLesions(image, clusters, masses, { massFeatureVectors: massVectors });
  timingsMs.features = performance.now() - t;
  timingsMs.total = Object.values(timingsMs).reduce((a, b) => a + b, 0);

  const result: AnalysisResult = {
    image: {
      width: image.width,
      height: image.height,
      pixelSpacingMm: [image.pixelSpacingMm.row, image.pixelSpacingMm.col],
      spacingAssumed: image.spacingAssumed,
      bitsStored: image.bitsStored,
      format: image.format,
      sha256,
    },
    clusters: clusters.map(
      (cluster, i): ClusterFinding => ({
        id: clusterId(i),
        bbox: pixelBox(cluster.bbox),
        centroid: roundPoint(cluster.centroid),
        mcCount: cluster.mcs.length,
        microcalcifications: cluster.mcs.map((mc) => ({
          x: round2(mc.centroid.x),
          y: round2(mc.centroid.y),
          diameterMm: round4(mc.diameterMm),
        })),
        features: featureVectorToRecord(MC_FEATURES, clusterVectors[i]),
      }),
    ),
    masses: masses.map(
      (mass, i): MassFinding => ({
        id: massId(i),
        bbox: pixelBox(mass.region.bbox),
        centroid: roundPoint(mass.centroid),
        contour: mass.contour.map((p) => [p.x, p.y]),
        features: featureVectorToRecord(MASS_FEATURES, massVectors[i]),
      }),
    ),
    lesions: lesions.map(
      (lesion, i): LesionFinding => ({
        id: `lesion-${i + 1}`,
        kind: lesion.kind,
        clusterIds: lesion.clusterIndices.map(clusterId),
        massId: lesion.massIndex === null ? null : massId(lesion.massIndex),
        bbox: pixelBox(lesion.bbox),
        features: featureVectorToRecord(COMBINED_FEATURES, lesion.features),
      }),
    ),
    timingsMs,
  };
  return { result, image, clusters, masses, lesions };
}

const clusterId = (i: number) => `cluster-${i + 1}`;
const massId = (i: number) => `mass-${i + 1}`;
const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const roundPoint = (p: { x: number; y: number }) => ({ x: round2(p.x), y: round2(p.y) });

function pixelBox(b: BBox): PixelBox {
  return { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 };
}
