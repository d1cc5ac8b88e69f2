/**
 * The result of analysing one image: what `npm run analyze -- --json` prints and the base of the inference
 * service's POST /v1/analyze response (AnalyzeResponse adds the predictions). Pixel coordinates are image
 * columns (x) and rows (y) of the decoded image; features are objects of feature name → value in schema
 * order.
 */
export interface AnalysisResult {
  image: AnalyzedImage;
  clusters: ClusterFinding[];
  masses: MassFinding[];
  lesions: LesionFinding[];
  /** Wall-clock milliseconds per stage: decode, detectMicrocalcifications, segmentMasses, features, total. */
  timingsMs: Record<string, number>;
}

export interface AnalyzedImage {
  width: number;
  height: number;
  /** [row, col] spacing in mm. */
  pixelSpacingMm: [number, number];
  spacingAssumed: boolean;
  bitsStored: number;
  format: 'dicom' | 'png' | 'tiff';
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ClusterFinding {
  id: string;
  bbox: PixelBox;
  centroid: { x: number; y: number };
  mcCount: number;
  /** Per-MC centres (px) and equivalent diameters (mm), for overlays and viewers. */
  microcalcifications: { x: number; y: number; diameterMm: number }[];
  features: Record<string, number>;
}

export interface MassFinding {
  id: string;
  bbox: PixelBox;
  centroid: { x: number; y: number };
  /** Closed contour, pixel coordinates, clockwise in image coordinates. */
  contour: [number, number][];
  features: Record<string, number>;
}

export type LesionKind = 'mc' | 'mass' | 'mc+mass';

export interface LesionFinding {
  id: string;
  kind: LesionKind;
  clusterIds: string[];
  massId: string | null;
  bbox: PixelBox;
  /** The 41-feature vector (15 MC + 26 mass) as name → value. */
  features: Record<string, number>;
}
