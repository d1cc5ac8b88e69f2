/**
 * THE feature schema of Calcscope: the ordered names of the 15 microcalcification-cluster features, the 26
 * mass features and their concatenation (41, MC first), with units, a version and a hash.
 *
 * Every model card records FEATURE_SCHEMA_HASH; inference refuses a model whose hash it does not know.
 * Change a name, a unit or the order → bump FEATURE_SCHEMA_VERSION (the hash changes by itself).
 * Formulas, thresholds and sources of every feature: libs/features/FEATURES.md.
 */
import { createHash } from 'node:crypto';
import { FeatureError } from './errors';

/**
 * Units of the features. 'gray level' = 8-bit gray level (image data × 255); 'GLCM level' = quantised gray
 * level 1..Ng of the co-occurrence matrix; 'nat' = entropy in natural-log units; '1' = dimensionless
 * quantity that is not a ratio of two like measurements (probabilities, normalised information).
 */
export type FeatureUnit =
  | 'mm'
  | 'mm²'
  | 'count'
  | 'cm⁻²'
  | 'ratio'
  | 'gray level'
  | 'GLCM level'
  | 'GLCM level²'
  | 'nat'
  | '1';

/** One feature of the schema. */
export interface FeatureDefinition {
  /** Stable camelCase identifier; the key in every JSON record and the column name of every dataset. */
  readonly name: string;
  readonly unit: FeatureUnit;
  /** One line: what the number measures (the formula is in FEATURES.md). */
  readonly description: string;
  /** True for the features Wang et al. 2016 names; false for the standard ones completing its counts. */
  readonly namedInPaper: boolean;
  /** The paper's wording, for the named ones. */
  readonly paperName?: string;
}

/** Version of the schema (semver): major for removed/renamed/reordered features or changed units. */
export const FEATURE_SCHEMA_VERSION = '1.0.0';

const named = (name: string, unit: FeatureUnit, paperName: string, description: string): FeatureDefinition =>
  Object.freeze({ name, unit, description, namedInPaper: true, paperName });
const standard = (name: string, unit: FeatureUnit, description: string): FeatureDefinition =>
  Object.freeze({ name, unit, description, namedInPaper: false });

/** The 15 features of one microcalcification cluster, in vector order. */
export const MC_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  named('mcCount', 'count', 'MC number', 'number of microcalcifications in the cluster'),
  standard(
    'mcClusterArea',
    'mm²',
    'area of the convex hull of all MC pixels, dilated by MC_CLUSTER_MARGIN_MM (Steiner formula)',
  ),
  named('mcDensity', 'cm⁻²', 'MC density', 'MCs per cm² of cluster area'),
  named('mcMeanDiameter', 'mm', 'average diameter', 'mean equivalent diameter 2·sqrt(A/π) of the MCs'),
  standard('mcDiameterStd', 'mm', 'population standard deviation of the MC equivalent diameters'),
  named('mcMeanArea', 'mm²', 'MC area', 'mean area of the MCs'),
  named('mcMeanCircularity', 'ratio', 'circularity', 'mean circularity 4πA/P² of the MCs (clamped to ≤ 1)'),
  named(
    'mcCircularityProportion',
    'ratio',
    'circularity proportion',
    'share of MCs with circularity ≥ MC_ROUND_CIRCULARITY',
  ),
  named('mcMeanSolidity', 'ratio', 'solidity', 'mean solidity (area / digital convex hull area) of the MCs'),
  standard('mcMeanAxisRatio', 'ratio', 'mean major/minor axis ratio (second moments) of the MCs'),
  named('mcSandyShare', 'ratio', 'sandy MC', 'share of MCs with equivalent diameter < MC_SANDY_DIAMETER_MM'),
  named('mcLinearShare', 'ratio', 'linear MC', 'share of MCs with axis ratio ≥ MC_LINEAR_AXIS_RATIO'),
  named(
    'mcSpiculation',
    'ratio',
    'spiculation',
    "irregularity of the cluster's layout: coefficient of variation of the MC distances from the cluster centre",
  ),
  named('mcVolumeRatio', 'ratio', 'volume ratio', 'summed MC area / cluster area'),
  named('mcMeanGray', 'gray level', 'mean gray value', 'mean 8-bit gray level of all MC pixels'),
]);

/** The 26 features of one mass, in vector order. */
export const MASS_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  named('massArea', 'mm²', 'area', 'area of the mass mask'),
  standard('massPerimeter', 'mm', 'perimeter of the mass mask (8-direction Crofton estimator)'),
  standard('massCircularity', 'ratio', 'circularity 4πA/P² of the mass (clamped to ≤ 1)'),
  named('massSolidity', 'ratio', 'solidity', 'area / digital convex hull area'),
  named('massConvexity', 'ratio', 'convexity', 'convex hull perimeter / perimeter'),
  named('massElongation', 'ratio', 'elongation', '1 − minor/major axis (second moments)'),
  named('massAxisRatio', 'ratio', 'axis ratio', 'major/minor axis (second moments)'),
  named(
    'massSpiculation',
    'ratio',
    'spiculation',
    'RMS of the high-frequency part of the normalised radial length along the contour',
  ),
  named('massHeterogeneity', 'ratio', 'heterogeneity', 'σ/μ of the intensity inside the mask'),
  named(
    'massVolumeRatio',
    'ratio',
    'volume ratio',
    'intensity volume above the surrounding ring mean / (area × peak height above it)',
  ),
  named('massMeanGray', 'gray level', 'mean gray', 'mean 8-bit gray level inside the mask'),
  named('massMaxGray', 'gray level', 'maximum gray', 'maximum 8-bit gray level inside the mask'),
  named('massGrayRelativity', 'ratio', 'gray relativity', 'mean inside / mean of the surrounding ring'),
  named('massGlcmEntropy', 'nat', 'entropy', 'GLCM joint entropy'),
  named(
    'massGlcmInverseDifferenceMoment',
    '1',
    'inverse difference entropy',
    'GLCM inverse difference moment Σ p/(1+(i−j)²) (reading of the paper’s "inverse difference entropy")',
  ),
  named('massGlcmDifferenceEntropy', 'nat', 'difference entropy', 'GLCM difference entropy'),
  named('massGlcmCorrelation', '1', 'correlation', 'GLCM correlation (1 for a flat region)'),
  named('massGlcmDifferenceVariance', 'GLCM level²', 'difference variance', 'GLCM difference variance'),
  named('massGlcmSumAverage', 'GLCM level', 'sum average', 'GLCM sum average'),
  named('massGlcmSumVariance', 'GLCM level²', 'sum variance', 'GLCM sum variance'),
  named('massGlcmEnergy', '1', 'energy', 'GLCM joint energy (angular second moment) Σ p²'),
  named('massGlcmMutualInformation', 'nat', 'mutual information', 'GLCM mutual information HX + HY − HXY'),
  standard('massGlcmContrast', 'GLCM level²', 'GLCM contrast Σ (i−j)² p'),
  standard('massGlcmSumEntropy', 'nat', 'GLCM sum entropy'),
  standard('massGlcmImc1', '1', 'GLCM informational measure of correlation 1'),
  standard('massGlcmImc2', '1', 'GLCM informational measure of correlation 2'),
]);

/** The 41 features of a lesion: the 15 MC features, then the 26 mass features. */
export const COMBINED_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  ...MC_FEATURES,
  ...MASS_FEATURES,
]);

/** Names only, in schema order. */
export const MC_FEATURE_NAMES: readonly string[] = Object.freeze(MC_FEATURES.map((f) => f.name));
export const MASS_FEATURE_NAMES: readonly string[] = Object.freeze(MASS_FEATURES.map((f) => f.name));
export const COMBINED_FEATURE_NAMES: readonly string[] = Object.freeze(COMBINED_FEATURES.map((f) => f.name));

/**
 * The canonical text the schema hash is taken of: JSON of {"version": ..., "features": [[name, unit], ...]}
 * over COMBINED_FEATURES in order, no whitespace (JSON.stringify's output; keys in that order).
 */
export function canonicalSchemaJson(
  version: string = FEATURE_SCHEMA_VERSION,
  features: readonly FeatureDefinition[] = COMBINED_FEATURES,
): string {
  return JSON.stringify({ version, features: features.map((f) => [f.name, f.unit]) });
}

/** SHA-256 (lowercase hex) of canonicalSchemaJson(): what model cards record. */
export const FEATURE_SCHEMA_HASH: string = createHash('sha256')
  .update(canonicalSchemaJson(), 'utf8')
  .digest('hex');

type FeatureNames = readonly (string | Pick<FeatureDefinition, 'name'>)[];

const nameOf = (entry: string | Pick<FeatureDefinition, 'name'>): string =>
  typeof entry === 'string' ? entry : entry.name;

/**
 * Turns a feature vector into a record name → value, keys in vector order.
 *
 * Parameters
 * ----------
 * names : feature names or definitions (e.g. MC_FEATURES), in vector order.
 * vector : the values, same length.
 *
 * Returns a plain object, suitable for JSON.
 *
 * Raises FeatureError LENGTH_MISMATCH when the lengths differ.
 */
export function featureVectorToRecord(
  names: FeatureNames,
  vector: ArrayLike<number>,
): Record<string, number> {
  if (names.length !== vector.length) {
    throw new FeatureError(
      'LENGTH_MISMATCH',
      `feature vector has ${vector.length} values for ${names.length} names`,
    );
  }
  const record: Record<string, number> = {};
  for (let k = 0; k < names.length; k++) record[nameOf(names[k])] = vector[k];
  return record;
}

/**
 * Reads a record name → value into a vector in the order of `names`. Keys not in `names` are ignored, so a
 * 41-feature record yields the 15 MC features when given MC_FEATURES.
 *
 * Parameters
 * ----------
 * names : feature names or definitions, in the wanted order.
 * record : object holding a number for every name.
 *
 * Returns a Float64Array of names.length values.
 *
 * Raises FeatureError MISSING_FEATURE when a name is absent or its value is not a number.
 */
export function recordToFeatureVector(
  names: FeatureNames,
  record: Readonly<Record<string, unknown>>,
): Float64Array {
  const vector = new Float64Array(names.length);
  for (let k = 0; k < names.length; k++) {
    const name = nameOf(names[k]);
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (typeof value !== 'number') {
      throw new FeatureError('MISSING_FEATURE', `record has no numeric value for feature '${name}'`);
    }
    vector[k] = value;
  }
  return vector;
}
