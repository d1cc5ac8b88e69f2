/**
 * What a phantom is asked to contain (PhantomSpec) and what it was rendered with (PhantomTruth).
 *
 * Coordinates in the truth are pixel coordinates of the generated image: x = column, y = row, pixel
 * (x, y) is the unit square centred on (x, y) (see polygon.ts). Sizes are in millimetres.
 */
import type { BBox, Point } from '@calcscope/imaging';

/** '1024': 1024 × 1024, 8 bits, 0.1 mm (Wang 2016's digitisation). 'full': 3328 × 4096, 12 bits, 0.07 mm. */
export type PhantomSize = '1024' | 'full';
export type View = 'CC' | 'MLO';
export type Laterality = 'L' | 'R';
export type PathologyLabel = 'benign' | 'malignant';
export type LesionType = 'mc' | 'mass' | 'mc+mass';
/** BI-RADS breast composition: a almost entirely fatty … d extremely dense. */
export type BreastDensity = 'a' | 'b' | 'c' | 'd';
/** BI-RADS assessment categories used by the cohorts (biopsied or followed-up lesions). */
export type Birads = 2 | 3 | 4 | 5;

/** BI-RADS calcification morphologies, in rising order of suspicion. */
export type McMorphology =
  | 'punctate'
  | 'amorphous'
  | 'coarse-heterogeneous'
  | 'fine-pleomorphic'
  | 'fine-linear-branching';
/** BI-RADS calcification distributions. */
export type McDistribution = 'diffuse' | 'regional' | 'grouped' | 'linear' | 'segmental';
export type MassShape = 'round' | 'oval' | 'lobulated' | 'irregular';
export type MassMargin = 'circumscribed' | 'microlobulated' | 'indistinct' | 'spiculated';
/** Dataset split a cohort assigns ('none' outside a cohort). */
export type Split = 'train' | 'test' | 'internal' | 'external' | 'none';

export const MC_MORPHOLOGIES: readonly McMorphology[] = [
  'punctate',
  'amorphous',
  'coarse-heterogeneous',
  'fine-pleomorphic',
  'fine-linear-branching',
];
export const MC_DISTRIBUTIONS: readonly McDistribution[] = [
  'diffuse',
  'regional',
  'grouped',
  'linear',
  'segmental',
];
export const MASS_SHAPES: readonly MassShape[] = ['round', 'oval', 'lobulated', 'irregular'];
export const MASS_MARGINS: readonly MassMargin[] = [
  'circumscribed',
  'microlobulated',
  'indistinct',
  'spiculated',
];

/** The calcification lesion to render. */
export interface McLesionSpec {
  /** Dominant morphology of the group (a minority of members may differ, see PHANTOM_PARAMETERS). */
  readonly morphology: McMorphology;
  readonly distribution: McDistribution;
  /** Number of MCs to place (fewer are rendered only when the breast has no room; truth lists them). */
  readonly count: number;
}

/** The mass to render. */
export interface MassLesionSpec {
  readonly shape: MassShape;
  readonly margin: MassMargin;
  /** Equivalent diameter 2·sqrt(area/π) of the mass body, mm (5–30). */
  readonly diameterMm: number;
}

/** Everything `generatePhantom` needs; the same spec always gives the same image. */
export interface PhantomSpec {
  /** File stem and truth id, e.g. "wang2016-0001" (letters, digits, '-', '_', '.'). */
  readonly id: string;
  /** Seed of every random draw of this image (unsigned 32-bit). */
  readonly seed: number;
  readonly size: PhantomSize;
  readonly view: View;
  readonly laterality: Laterality;
  /** Name of an entry of VENDOR_PROFILES. */
  readonly vendor: string;
  readonly label: PathologyLabel;
  /** Pathology subtype, e.g. "fibroadenoma", "IDC", "DCIS". */
  readonly subtype: string;
  readonly lesionType: LesionType;
  readonly birads: Birads;
  /** Patient age, years. */
  readonly age: number;
  readonly split: Split;
  readonly density: BreastDensity;
  /** Spectral exponent of the background texture (≈ 3). */
  readonly beta: number;
  /** Required when lesionType is 'mc' or 'mc+mass', absent otherwise. */
  readonly mc?: McLesionSpec;
  /** Required when lesionType is 'mass' or 'mc+mass', absent otherwise. */
  readonly mass?: MassLesionSpec;
  /** Multiplies the detector noise (1 = the vendor's dose; 0 renders a noise-free image). Default 1. */
  readonly noiseScale?: number;
}

/** A straight piece of an MC's centre line, pixel coordinates. */
export interface TruthSegment {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** One rendered microcalcification. */
export interface TruthMicrocalcification {
  /** "mc-<n>", unique in the image. */
  readonly id: string;
  /** Centroid of the MC's footprint (projected outline), pixel coordinates. */
  readonly x: number;
  readonly y: number;
  /** Equivalent diameter 2·sqrt(footprint area/π), mm (0.1–1). */
  readonly diameterMm: number;
  /** Longest extent of the footprint (Feret diameter), mm. */
  readonly lengthMm: number;
  /**
   * Fine linear / branching MCs: the centre lines of their cylindrical segments (pixels) and the
   * cylinders' radius (mm), so that a detection anywhere along a long thin MC can be matched to it
   * (its footprint centroid may lie a millimetre or more from any detected piece). Absent for compact
   * MCs.
   */
  readonly centreline?: { readonly segments: readonly TruthSegment[]; readonly radiusMm: number };
  readonly morphology: McMorphology;
  /** The cluster it belongs to, or null for diffuse / isolated MCs. */
  readonly clusterId: string | null;
  /** Peak added intensity in the output image's [0, 1] units, before detector blur and noise. */
  readonly contrast: number;
  /** Standard deviation of the detector noise at the MC's background, output [0, 1] units. */
  readonly noiseSigma: number;
}

/** A group of MCs rendered as one lesion. */
export interface TruthCluster {
  /** "cluster-<n>". */
  readonly id: string;
  readonly morphology: McMorphology;
  readonly distribution: McDistribution;
  /** Mean of member centres, pixels. */
  readonly centroid: Point;
  /** Inclusive–exclusive pixel box around the member footprints. */
  readonly bbox: BBox;
  readonly mcIds: readonly string[];
}

/** A rendered mass. */
export interface TruthMass {
  /** "mass-<n>". */
  readonly id: string;
  readonly shape: MassShape;
  readonly margin: MassMargin;
  /** Equivalent diameter of `polygon`, mm. */
  readonly diameterMm: number;
  /** Longest extent of `polygon` (Feret diameter), mm. */
  readonly maxDiameterMm: number;
  /** Area centroid of `polygon`, pixels. */
  readonly centre: Point;
  /**
   * The mass body's exact boundary before margin blurring, spicules excluded (closed, first vertex not
   * repeated, pixel coordinates). rasterizePolygon(polygon) is the segmentation reference mask.
   */
  readonly polygon: readonly Point[];
  /** Peak added intensity of the body in output [0, 1] units, before blur and noise. */
  readonly contrast: number;
  /** Gaussian σ of the margin blur, mm (0 for a sharp edge). */
  readonly marginBlurMm: number;
  readonly spiculeCount: number;
}

/** Ground truth of one phantom image; JSON-serialisable. */
export interface PhantomTruth {
  readonly id: string;
  readonly seed: number;
  readonly size: PhantomSize;
  readonly width: number;
  readonly height: number;
  readonly pixelSpacingMm: { readonly row: number; readonly col: number };
  readonly bitsStored: number;
  readonly view: View;
  readonly laterality: Laterality;
  /** Vendor profile name (also the DICOM Manufacturer). */
  readonly vendor: string;
  readonly label: PathologyLabel;
  readonly subtype: string;
  readonly lesionType: LesionType;
  readonly birads: Birads;
  readonly age: number;
  readonly split: Split;
  readonly density: BreastDensity;
  readonly beta: number;
  readonly noiseScale: number;
  readonly microcalcifications: readonly TruthMicrocalcification[];
  readonly clusters: readonly TruthCluster[];
  readonly masses: readonly TruthMass[];
  /** Outline of the breast (skin boundary closed along the image edges), pixel coordinates. */
  readonly breastPolygon: readonly Point[];
  /** Pectoral muscle triangle on MLO views, null on CC. */
  readonly pectoralPolygon: readonly Point[] | null;
  /** Skin line thickness, mm. */
  readonly skinThicknessMm: number;
  /** Generator name and version, to tell truths of different renderers apart. */
  readonly generator: { readonly name: string; readonly version: string };
}

/** A generated image with its truth. */
export interface Phantom {
  readonly spec: PhantomSpec;
  readonly width: number;
  readonly height: number;
  /** Uint8Array (size '1024', 8 bits) or Uint16Array (size 'full', 12 bits stored), MONOCHROME2. */
  readonly pixels: Uint8Array | Uint16Array;
  readonly bitsStored: 8 | 12;
  readonly pixelSpacingMm: { readonly row: number; readonly col: number };
  readonly truth: PhantomTruth;
}
