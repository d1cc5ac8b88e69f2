import { OnnxExportError } from './errors';

/** What every exported tabular model records about its input and use, besides its family. */
export interface OnnxExportMetadata {
  /** Feature set: `mc` (15), `mass` (26), `combined` (41), `table` (a user's table), ... */
  readonly scenario: string;
  /** Hash of the feature schema the `features` columns follow (FEATURE_SCHEMA_HASH, or a table header hash). */
  readonly featureSchemaHash: string;
  /** Column names of `features`, in order; their count must equal the model's feature count. */
  readonly featureNames: readonly string[];
  /** What column 1 of `probabilities` means: `malignancy`, `dcis-idc`, ...; recorded only when given. */
  readonly task?: string;
}

/**
 * Names of the ONNX `metadata_props` the exporters write. Readers (model repository, inference) should use
 * these constants rather than string literals.
 */
export const ONNX_METADATA_KEYS = {
  family: 'family',
  task: 'task',
  scenario: 'scenario',
  featureSchemaHash: 'feature_schema_hash',
  /** JSON array of strings. */
  featureNames: 'feature_names',
  featureCount: 'feature_count',
} as const;

/**
 * Checks export metadata against a model's width.
 *
 * @param meta - Caller's metadata.
 * @param featureCount - F, the model's number of input features.
 * @throws OnnxExportError `INVALID_METADATA` for an empty scenario or schema hash (or task, when given), a
 *   feature-name count other than F, or empty or repeated names.
 */
export function checkExportMetadata(meta: OnnxExportMetadata, featureCount: number): void {
  const fail = (message: string): never => {
    throw new OnnxExportError('INVALID_METADATA', message);
  };
  if (typeof meta.scenario !== 'string' || meta.scenario.length === 0) fail('scenario must be non-empty');
  if (typeof meta.featureSchemaHash !== 'string' || meta.featureSchemaHash.length === 0) {
    fail('featureSchemaHash must be non-empty');
  }
  if (meta.task !== undefined && (typeof meta.task !== 'string' || meta.task.length === 0)) {
    fail('task, when given, must be non-empty');
  }
  if (!Array.isArray(meta.featureNames) || meta.featureNames.length !== featureCount) {
    fail(`${meta.featureNames?.length ?? 0} feature names for a model of ${featureCount} features`);
  }
  const seen = new Set<string>();
  meta.featureNames.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) fail(`feature name ${i} is empty`);
    if (seen.has(name)) fail(`feature name '${name}' appears twice`);
    seen.add(name);
  });
}

/**
 * The metadata properties of an exported model, in a fixed order (so identical exports give identical bytes).
 *
 * @param family - Model family (`svm`, `knn`, `lda`, `logistic`, `sae`, `ensemble`).
 * @param meta - Checked export metadata.
 * @param extra - Family-specific properties (hyperparameters), written after the common ones.
 * @returns Key/value pairs: family, task (when given), scenario, feature_schema_hash, feature_names (JSON),
 *   feature_count, then `extra`.
 */
export function metadataProperties(
  family: string,
  meta: OnnxExportMetadata,
  extra: Readonly<Record<string, string>> = {},
): [string, string][] {
  const k = ONNX_METADATA_KEYS;
  const props: [string, string][] = [[k.family, family]];
  if (meta.task !== undefined) props.push([k.task, meta.task]);
  props.push(
    [k.scenario, meta.scenario],
    [k.featureSchemaHash, meta.featureSchemaHash],
    [k.featureNames, JSON.stringify(meta.featureNames)],
    [k.featureCount, String(meta.featureNames.length)],
  );
  for (const [key, value] of Object.entries(extra)) props.push([key, value]);
  return props;
}
