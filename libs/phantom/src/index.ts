export { apportion } from './apportion';
export { COHORT_NAMES, type CohortName, type CohortOptions, cohortSpecs, mixedSpecs } from './cohorts';
export { PhantomSpecError } from './errors';
export {
  encodePhantomFiles,
  MANIFEST_COLUMNS,
  type ManifestColumn,
  type ManifestRow,
  manifestCsv,
  manifestRow,
  type PhantomFiles,
  type ProgressListener,
  pseudonymousPatientId,
  seededUid,
  truthToJson,
  writePhantomDataset,
} from './files';
export {
  type ClassKey,
  PHANTOM_PARAMETERS,
  type VendorName,
  type VendorProfile,
  vendorProfile,
} from './parameters';
export { parameterTablesMarkdown } from './parameters-doc';
export { generatePhantom, toGrayImage } from './phantom';
export {
  clipPolygonToRect,
  pointInPolygon,
  polygonArea,
  polygonCentroid,
  polygonSignedArea,
  rasterizePolygon,
} from './polygon';
export { deriveSeed, Rng } from './random';
export { powerLawSlope, type RadialSpectrum, radialPowerSpectrum } from './spectrum';
export { multiScaleTexture, powerLawField } from './texture';
export * from './types';
export { phantomSpec, validateSpec } from './validate';
