/**
 * Hand-built analysis results for tests of lesion selection and tables: lesions at known boxes with
 * known kinds and feature values, so expected picks and table contents follow from the definitions.
 */
import type { AnalysisResult, LesionFinding, LesionKind } from '@calcscope/contracts';
import { COMBINED_FEATURE_NAMES } from '@calcscope/features';
import type { ExtractedImage } from './extract';
import type { DatasetSplit, ManifestEntry } from './manifest';
import type { ManifestRegion } from './region';

/** A lesion of `kind` at box (x, y, width, height) px; every feature k is `base + k`, mcCount and massArea as given. */
export function lesion(
  index: number,
  kind: LesionKind,
  box: [number, number, number, number],
  mcCount: number,
  massArea: number,
  base = 0,
): LesionFinding {
  const features: Record<string, number> = {};
  COMBINED_FEATURE_NAMES.forEach((name, k) => {
    features[name] = base + k;
  });
  features.mcCount = mcCount;
  features.massArea = massArea;
  return {
    id: `lesion-${index + 1}`,
    kind,
    clusterIds: kind === 'mass' ? [] : [`cluster-${index + 1}`],
    massId: kind === 'mc' ? null : `mass-${index + 1}`,
    bbox: { x: box[0], y: box[1], width: box[2], height: box[3] },
    features,
  };
}

/** An analysis of a 1000 × 800 image at 0.1 mm holding `lesions`. */
export function analysisWith(lesions: LesionFinding[], sha256 = 'f'.repeat(64)): AnalysisResult {
  return {
    image: {
      width: 1000,
      height: 800,
      pixelSpacingMm: [0.1, 0.1],
      spacingAssumed: false,
      bitsStored: 8,
      format: 'dicom',
      sha256,
    },
    clusters: [],
    masses: [],
    lesions,
    timingsMs: {},
  };
}

/** A manifest entry for tests (no file behind it). */
export function entry(
  id: string,
  row: number,
  y: 0 | 1,
  split: DatasetSplit,
  region: ManifestRegion | null = null,
): ManifestEntry {
  return {
    row,
    id,
    imagePath: `/nonexistent/${id}.dcm`,
    imageColumn: 'dicom',
    task: 'malignancy',
    y,
    labelName: y === 1 ? 'malignant' : 'benign',
    split,
    region,
    truthPath: null,
    columns: { id },
  };
}

/** An extracted image: analysed (result given) or failed (result null). */
export function extracted(e: ManifestEntry, result: AnalysisResult | null, cached = false): ExtractedImage {
  return {
    entry: e,
    sha256: result ? result.image.sha256 : null,
    cached,
    result,
    error: result ? null : { code: 'CORRUPT', message: 'bad pixel data' },
  };
}
