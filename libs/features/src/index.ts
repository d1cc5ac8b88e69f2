export { distanceToRunsMm, type PixelSum, sumWithinDistance } from './distance';
export { FeatureError, type FeatureErrorCode } from './errors';
export {
  averageGlcmFeatures,
  GLCM_DEFAULT_ANGLES,
  GLCM_DEFAULT_DISTANCE,
  GLCM_DEFAULT_LEVELS,
  GLCM_FEATURE_NAMES,
  GLCM_MAX_LEVELS,
  type GlcmFeatureOptions,
  type GlcmFeatures,
  type GlcmMatrices,
  type GlcmOptions,
  glcmFeatures,
  glcmFeaturesFromMatrix,
  glcmMatrix,
} from './glcm';
export { type ConvexPolygon, convexHull, polygonArea, polygonPerimeter } from './hull';
export {
  type AssembleLesionsOptions,
  assembleLesions,
  LESION_ATTACH_DISTANCE_MM,
  type Lesion,
  type LesionKind,
} from './lesions';
export {
  GRAY_RELATIVITY_FLOOR,
  MASS_GLCM_DISTANCE_MM,
  MASS_GLCM_LEVELS,
  MASS_RING_WIDTH_MM,
  type MassInput,
  type MassIntensity,
  massFeatures,
  massIntensity,
  massTexture,
} from './massFeatures';
export {
  clusterAreaMm2,
  MC_CLUSTER_MARGIN_MM,
  MC_LINEAR_AXIS_RATIO,
  MC_ROUND_CIRCULARITY,
  MC_SANDY_DIAMETER_MM,
  type McClusterInput,
  mcClusterFeatures,
} from './mcFeatures';
export { type RowRuns, regionRuns } from './raster';
export {
  COMBINED_FEATURE_NAMES,
  COMBINED_FEATURES,
  canonicalSchemaJson,
  FEATURE_SCHEMA_HASH,
  FEATURE_SCHEMA_VERSION,
  type FeatureDefinition,
  type FeatureUnit,
  featureVectorToRecord,
  MASS_FEATURE_NAMES,
  MASS_FEATURES,
  MC_FEATURE_NAMES,
  MC_FEATURES,
  recordToFeatureVector,
} from './schema';
export {
  type CroftonWeights,
  croftonPerimeter,
  croftonWeights,
  type RegionShape,
  regionShape,
} from './shape';
export { contourSpiculation, SPICULATION_WINDOW_FRACTION } from './spiculation';
