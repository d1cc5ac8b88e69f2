/**
 * Every number the phantom generator and the cohorts draw from, in one constant.
 *
 * README.md's parameter tables are rendered from this object by `parameterTablesMarkdown()` (a test
 * checks that the README holds exactly that text), so the documentation cannot drift from the code.
 * Intensities marked "signal" are in the generator's linear attenuation units before the vendor's
 * contrast transfer curve (air ≈ 0, the densest tissue ≈ 0.7).
 */

import { PhantomSpecError } from './errors';
import type {
  Birads,
  BreastDensity,
  LesionType,
  MassMargin,
  MassShape,
  McDistribution,
  McMorphology,
  PathologyLabel,
} from './types';

/** A detector/processing chain: the "vendor" or "centre" of an image. */
export interface VendorProfile {
  /** Multiplies the nominal pixel pitch of a size (0.1 mm for '1024', 0.07 mm for 'full'). */
  readonly pitchScale: number;
  /** Detected X-ray quanta per mm² behind air (sets quantum noise; a pixel gets this × its area). */
  readonly quantaPerMm2: number;
  /** Electronic noise, standard deviation in quanta per pixel. */
  readonly electronicNoiseQuanta: number;
  /** Signal-to-log-attenuation scale μ: transmitted quanta = N0 · exp(−μ · signal). */
  readonly attenuationScale: number;
  /** Contrast transfer curve: output = clamp(offset + gain · signal^gamma, 0, 1). */
  readonly gamma: number;
  readonly gain: number;
  readonly offset: number;
  /** Gaussian σ of the detector point-spread function, mm. */
  readonly blurMm: number;
}

/** Class keys of the class-conditional tables: the two labels and the two malignant subtypes. */
export type ClassKey = PathologyLabel | 'DCIS' | 'IDC';

type Table<K extends string> = Readonly<Record<K, number>>;

export const PHANTOM_PARAMETERS = {
  generator: { name: '@calcscope/phantom', version: '1.1.0' },

  sizes: {
    '1024': { width: 1024, height: 1024, pitchMm: 0.1, bitsStored: 8, textureFactor: 1 },
    full: { width: 3328, height: 4096, pitchMm: 0.07, bitsStored: 12, textureFactor: 4 },
  },

  vendors: {
    'ge-like': {
      pitchScale: 1,
      quantaPerMm2: 800_000,
      electronicNoiseQuanta: 10,
      attenuationScale: 3,
      gamma: 1,
      gain: 1,
      offset: 0,
      blurMm: 0.04,
    },
    'siemens-like': {
      pitchScale: 1,
      quantaPerMm2: 700_000,
      electronicNoiseQuanta: 14,
      attenuationScale: 3,
      gamma: 0.9,
      gain: 1.02,
      offset: 0,
      blurMm: 0.05,
    },
    'hologic-like': {
      pitchScale: 0.85,
      quantaPerMm2: 650_000,
      electronicNoiseQuanta: 18,
      attenuationScale: 3,
      gamma: 1.15,
      gain: 1.05,
      offset: -0.01,
      blurMm: 0.06,
    },
  } satisfies Record<string, VendorProfile>,

  tissue: {
    /** Signal of air outside the breast. */
    air: 0.03,
    /** Signal of fatty and of fully glandular tissue at full compressed thickness. */
    fat: 0.3,
    dense: 0.6,
    /** Signal of the skin line and its thickness (mm). */
    skin: 0.3,
    skinMm: 0.75,
    /** Relative compressed thickness at the skin (rises to 1 over the thickness fall-off). */
    edgeThickness: 0.4,
    /** Pectoral muscle signal and the amplitude of its texture (× the unit-variance field). */
    pectoral: 0.62,
    pectoralTexture: 0.04,
    /**
     * Finest scale of the projected anatomy: the texture field is smoothed by a Gaussian of this σ
     * (mm) before the glandular mapping. Without it the 1/f^β field carries structure down to the
     * pixel, and the anatomy — not the detector noise — was 62–86% of the variance in the MC detection
     * band (Gaussian 0.05 mm − box ±0.3 mm; 8 mass-only phantoms, `detectability-study.cjs share`),
     * where clinical digital mammography is quantum-noise limited for MCs. 0.15 mm is the smallest σ
     * tried (0.1, 0.15, 0.2, 0.3) that brings the median share below one half (0.46); structures
     * larger than ~1 mm, what the breast looks like, keep their power.
     */
    anatomicalSmoothingMm: 0.15,
    /** Glandular fraction = envelope · logistic(slope · (texture + densityOffset)). */
    glandularSlope: 1.4,
    densityOffset: { a: -1.8, b: -0.7, c: 0.3, d: 1.3 } as Table<BreastDensity>,
    /** Compressed thickness falls to edgeThickness at the skin over this distance (mm), drawn uniformly. */
    thicknessFalloffMm: [12, 20] as const,
    /** Glandular envelope rises from 0 at the skin to 1 over this distance (mm), drawn uniformly. */
    glandularFalloffMm: [8, 20] as const,
  },

  breast: {
    /** Semi-axis towards the nipple, fraction of image width. */
    depthFraction: { CC: [0.7, 0.88], MLO: [0.72, 0.9] } as const,
    /** CC: vertical semi-axis and centre as fractions of image height. */
    ccHalfHeightFraction: [0.36, 0.46] as const,
    ccCentreFraction: [0.47, 0.53] as const,
    /** MLO: the ellipse runs off the top edge (axilla); its lowest point and vertical semi-axis. */
    mloBottomFraction: [0.86, 0.96] as const,
    mloHalfHeightFraction: [0.55, 0.65] as const,
    /** MLO pectoral triangle: width along the top edge (fraction of the breast's width there), height. */
    pectoralWidthFraction: [0.35, 0.6] as const,
    pectoralHeightFraction: [0.3, 0.55] as const,
  },

  mc: {
    /** Added signal of a pixel = amplitude · attenuation · (1 − mean exp(−thickness/τ)) over sub-samples. */
    contrastAmplitude: 0.55,
    contrastTauMm: 1.4,
    attenuation: {
      punctate: 1,
      amorphous: 0.55,
      'coarse-heterogeneous': 1,
      'fine-pleomorphic': 0.9,
      'fine-linear-branching': 0.9,
    } as Table<McMorphology>,
    /** Equivalent diameter range (mm), drawn log-uniformly. */
    diameterMm: {
      punctate: [0.12, 0.5],
      amorphous: [0.12, 0.4],
      'coarse-heterogeneous': [0.45, 0.95],
      'fine-pleomorphic': [0.15, 0.6],
      'fine-linear-branching': [0.22, 0.8],
    } as Readonly<Record<McMorphology, readonly [number, number]>>,
    /** Width of fine linear / branching segments, mm. */
    linearWidthMm: [0.1, 0.22] as const,
    /** Probability that a linear MC has a side branch. */
    branchProbability: 0.4,
    /** Share of a group's MCs whose morphology is redrawn from the class table (heterogeneous groups). */
    minorityShare: 0.2,
    /** MC count range per distribution (benign); malignant counts are multiplied by the factor. */
    count: {
      diffuse: [12, 40],
      regional: [10, 30],
      grouped: [5, 16],
      linear: [6, 18],
      segmental: [12, 32],
    } as Readonly<Record<McDistribution, readonly [number, number]>>,
    malignantCountFactor: 1.25,
    /** Layout extents, mm: grouped disc radius, regional ellipse radius, linear and segmental lengths. */
    groupedRadiusMm: [3, 7] as const,
    regionalRadiusMm: [12, 22] as const,
    linearLengthMm: [10, 30] as const,
    segmentalLengthMm: [20, 40] as const,
    segmentalHalfAngleDeg: [15, 30] as const,
    /** Minimum gap between MC footprints, mm, and minimum distance of an MC from the skin, mm. */
    minGapMm: 0.3,
    skinMarginMm: 3,
  },

  mass: {
    /** Peak added signal = peak · (1 − exp(−diameter / scale)) · U(jitter). */
    contrastPeak: 0.28,
    contrastScaleMm: 15,
    contrastJitter: [0.8, 1.2] as const,
    /** Minor/major axis ratio per shape. */
    axisRatio: {
      round: [0.88, 1],
      oval: [0.55, 0.85],
      lobulated: [0.6, 0.9],
      irregular: [0.6, 0.95],
    } as Readonly<Record<MassShape, readonly [number, number]>>,
    /**
     * Lobulated: 3–5 lobes of this relative amplitude. Irregular: harmonics k = 2–9 with weights
     * U(0, 1)/k^0.6 normalised to this total amplitude.
     */
    lobeAmplitude: [0.07, 0.14] as const,
    irregularAmplitude: [0.28, 0.42] as const,
    /** Microlobulated margin: harmonic order and relative amplitude. */
    microlobeOrder: [14, 22] as const,
    microlobeAmplitude: [0.025, 0.045] as const,
    /** Margin blur σ (mm) per margin. */
    marginBlurMm: {
      circumscribed: [0, 0],
      microlobulated: [0, 0.15],
      indistinct: [0.8, 2],
      spiculated: [0.2, 0.35],
    } as Readonly<Record<MassMargin, readonly [number, number]>>,
    /** Spicules: count, length (× body radius), base width (mm), contrast (× body contrast). */
    spiculeCount: [10, 24] as const,
    spiculeLength: [0.5, 1.4] as const,
    spiculeWidthMm: [0.4, 1.2] as const,
    spiculeContrast: [0.5, 0.8] as const,
    /** Distance kept between the body and the skin, mm. */
    skinMarginMm: 4,
  },

  clinical: {
    /** Age (years): normal(mean, sd) clipped to [min, max], rounded. */
    age: {
      benign: { mean: 47, sd: 11 },
      malignant: { mean: 56, sd: 11 },
      DCIS: { mean: 53, sd: 10 },
      IDC: { mean: 56, sd: 11 },
    } as Readonly<Record<ClassKey, { readonly mean: number; readonly sd: number }>>,
    ageRange: [25, 90] as const,
    birads: {
      benign: { 2: 0.12, 3: 0.3, 4: 0.48, 5: 0.1 },
      malignant: { 2: 0.02, 3: 0.06, 4: 0.47, 5: 0.45 },
      DCIS: { 2: 0.02, 3: 0.1, 4: 0.63, 5: 0.25 },
      IDC: { 2: 0.01, 3: 0.04, 4: 0.45, 5: 0.5 },
    } as Readonly<Record<ClassKey, Table<`${Birads}`>>>,
    /** Breast composition by age group (years < 50, >= 50). */
    density: {
      under50: { a: 0.05, b: 0.3, c: 0.45, d: 0.2 },
      over50: { a: 0.15, b: 0.45, c: 0.32, d: 0.08 },
    } as Readonly<Record<'under50' | 'over50', Table<BreastDensity>>>,
    /** Background texture exponent β, uniform. */
    beta: [2.6, 3.2] as const,
  },

  lesion: {
    morphology: {
      benign: {
        punctate: 0.34,
        amorphous: 0.24,
        'coarse-heterogeneous': 0.22,
        'fine-pleomorphic': 0.13,
        'fine-linear-branching': 0.07,
      },
      malignant: {
        punctate: 0.08,
        amorphous: 0.17,
        'coarse-heterogeneous': 0.13,
        'fine-pleomorphic': 0.36,
        'fine-linear-branching': 0.26,
      },
      DCIS: {
        punctate: 0.05,
        amorphous: 0.15,
        'coarse-heterogeneous': 0.05,
        'fine-pleomorphic': 0.28,
        'fine-linear-branching': 0.47,
      },
      IDC: {
        punctate: 0.07,
        amorphous: 0.13,
        'coarse-heterogeneous': 0.25,
        'fine-pleomorphic': 0.39,
        'fine-linear-branching': 0.16,
      },
    } as Readonly<Record<ClassKey, Table<McMorphology>>>,
    distribution: {
      benign: { diffuse: 0.28, regional: 0.27, grouped: 0.31, linear: 0.07, segmental: 0.07 },
      malignant: { diffuse: 0.04, regional: 0.14, grouped: 0.42, linear: 0.2, segmental: 0.2 },
      DCIS: { diffuse: 0.02, regional: 0.1, grouped: 0.28, linear: 0.3, segmental: 0.3 },
      IDC: { diffuse: 0.04, regional: 0.18, grouped: 0.52, linear: 0.12, segmental: 0.14 },
    } as Readonly<Record<ClassKey, Table<McDistribution>>>,
    massShape: {
      benign: { round: 0.25, oval: 0.45, lobulated: 0.2, irregular: 0.1 },
      malignant: { round: 0.07, oval: 0.15, lobulated: 0.2, irregular: 0.58 },
      DCIS: { round: 0.1, oval: 0.25, lobulated: 0.25, irregular: 0.4 },
      IDC: { round: 0.06, oval: 0.14, lobulated: 0.18, irregular: 0.62 },
    } as Readonly<Record<ClassKey, Table<MassShape>>>,
    massMargin: {
      benign: { circumscribed: 0.58, microlobulated: 0.12, indistinct: 0.22, spiculated: 0.08 },
      malignant: { circumscribed: 0.1, microlobulated: 0.18, indistinct: 0.34, spiculated: 0.38 },
      DCIS: { circumscribed: 0.15, microlobulated: 0.25, indistinct: 0.4, spiculated: 0.2 },
      IDC: { circumscribed: 0.08, microlobulated: 0.16, indistinct: 0.34, spiculated: 0.42 },
    } as Readonly<Record<ClassKey, Table<MassMargin>>>,
    /** Mass equivalent diameter (mm): log-normal (median, geometric sd) clipped to [5, 30]. */
    massDiameterMm: {
      benign: { median: 12, gsd: 1.45 },
      malignant: { median: 17, gsd: 1.4 },
      DCIS: { median: 13, gsd: 1.4 },
      IDC: { median: 18, gsd: 1.4 },
    } as Readonly<Record<ClassKey, { readonly median: number; readonly gsd: number }>>,
    massDiameterRangeMm: [5, 30] as const,
  },

  cohorts: {
    wang2016: {
      patients: 1204,
      vendors: { 'ge-like': 0.5, 'siemens-like': 0.5 },
      /** Per split: label counts, lesion-type counts and subtype counts (Wang 2016; see note on test). */
      splits: {
        train: {
          size: 1000,
          labels: { benign: 677, malignant: 323 },
          lesionTypes: { mc: 623, mass: 221, 'mc+mass': 156 },
          subtypes: {
            benign: {
              fibrocystic: 491,
              fibroadenoma: 71,
              'follow-up': 88,
              papilloma: 11,
              phyllodes: 8,
              hyperplasia: 6,
              inflammation: 2,
            },
            malignant: { IDC: 222, DCIS: 85, intraductal: 8, mucinous: 4, other: 4 },
          },
        },
        test: {
          size: 204,
          labels: { benign: 97, malignant: 107 },
          lesionTypes: { mc: 110, mass: 35, 'mc+mass': 59 },
          /** The paper gives no test subtypes: training proportions, largest remainder (derived). */
          subtypes: null,
        },
      },
      /** Relative affinity of each subtype for each lesion type (joint table is then fitted to the margins). */
      lesionAffinity: {
        fibrocystic: { mc: 0.75, mass: 0.15, 'mc+mass': 0.1 },
        fibroadenoma: { mc: 0.15, mass: 0.65, 'mc+mass': 0.2 },
        'follow-up': { mc: 0.6, mass: 0.3, 'mc+mass': 0.1 },
        papilloma: { mc: 0.4, mass: 0.4, 'mc+mass': 0.2 },
        phyllodes: { mc: 0.1, mass: 0.8, 'mc+mass': 0.1 },
        hyperplasia: { mc: 0.8, mass: 0.1, 'mc+mass': 0.1 },
        inflammation: { mc: 0.3, mass: 0.5, 'mc+mass': 0.2 },
        IDC: { mc: 0.4, mass: 0.25, 'mc+mass': 0.35 },
        DCIS: { mc: 0.85, mass: 0.03, 'mc+mass': 0.12 },
        intraductal: { mc: 0.8, mass: 0.05, 'mc+mass': 0.15 },
        mucinous: { mc: 0.1, mass: 0.7, 'mc+mass': 0.2 },
        other: { mc: 0.4, mass: 0.3, 'mc+mass': 0.3 },
      } as Readonly<Record<string, Table<LesionType>>>,
    },
    dcisIdc: {
      patients: 294,
      classes: { DCIS: 106, IDC: 188 },
      /** Share of each class per split; internal sets come from centre A, external from centre B. */
      splits: { train: 0.5, internal: 0.2, external: 0.3 },
      centres: { train: 'ge-like', internal: 'ge-like', external: 'hologic-like' },
      lesionType: {
        DCIS: { mc: 0.85, mass: 0, 'mc+mass': 0.15 },
        IDC: { mc: 0.45, mass: 0, 'mc+mass': 0.55 },
      } as Readonly<Record<'DCIS' | 'IDC', Table<LesionType>>>,
    },
    mixed: {
      labels: { benign: 0.5, malignant: 0.5 },
      lesionTypes: { mc: 1 / 3, mass: 1 / 3, 'mc+mass': 1 / 3 },
      vendors: { 'ge-like': 0.5, 'siemens-like': 0.5 },
    },
  },
} as const;

export type VendorName = keyof typeof PHANTOM_PARAMETERS.vendors;

/**
 * The class table a case's lesion descriptors come from: DCIS and IDC have their own, every other
 * subtype uses its label's.
 */
export function classKeyOf(label: PathologyLabel, subtype: string): ClassKey {
  if (label === 'malignant' && (subtype === 'DCIS' || subtype === 'IDC')) return subtype;
  return label;
}

/**
 * Looks up a vendor profile by name.
 *
 * @throws PhantomSpecError (code 'unknown-vendor') for a name not in PHANTOM_PARAMETERS.vendors.
 */
export function vendorProfile(name: string): VendorProfile {
  const vendors: Readonly<Record<string, VendorProfile>> = PHANTOM_PARAMETERS.vendors;
  const profile = Object.hasOwn(vendors, name) ? vendors[name] : undefined;
  if (!profile) {
    throw new PhantomSpecError(
      'unknown-vendor',
      `unknown vendor profile "${name}" (known: ${Object.keys(vendors).join(', ')})`,
    );
  }
  return profile;
}
