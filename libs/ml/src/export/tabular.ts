import type { TabularModel } from '../model';
import type { SaeModel } from '../sae/model';
import { OnnxExportError } from './errors';
import { exportKnn } from './knn';
import { exportLda, exportLogistic } from './linear';
import { checkExportMetadata, metadataProperties, type OnnxExportMetadata } from './metadata';
import { exportSvm } from './svm';

/** Anything the tabular exporter takes: the four TypeScript families or a trained SAE. */
export type ExportableModel = TabularModel | SaeModel;

/** Family name of an exportable model (`sae` for the SAE, else its `family`). */
export type ExportableFamily = TabularModel['family'] | 'sae';

/**
 * The family of an exportable model.
 *
 * @param model - A tabular model or an SAE.
 * @returns `svm` | `knn` | `lda` | `logistic` | `sae`.
 * @throws OnnxExportError `INVALID_MODEL` for anything else.
 */
export function familyOf(model: ExportableModel): ExportableFamily {
  if (isSae(model)) return 'sae';
  const family = (model as { family?: unknown }).family;
  if (family === 'svm' || family === 'knn' || family === 'lda' || family === 'logistic') return family;
  throw new OnnxExportError('INVALID_MODEL', `cannot export a model of family ${String(family)}`);
}

function isSae(model: ExportableModel): model is SaeModel {
  // Structural test: the SAE is a class whose parameters carry the layer stack; it exports itself.
  return typeof (model as SaeModel).toOnnx === 'function' && 'parameters' in model;
}

/**
 * Exports an SAE through its own `toOnnx` (same contract), adding the common metadata properties.
 *
 * @param model - Trained SAE.
 * @param meta - Scenario, feature schema hash, feature names, optional task.
 * @returns ONNX bytes (ops Sub, Div, Gemm, Sigmoid, Softmax, ArgMax; metadata also `hidden`, `n_features`).
 * @throws OnnxExportError `INVALID_METADATA` when the names do not match the SAE's input width.
 */
export function exportSae(model: SaeModel, meta: OnnxExportMetadata): Uint8Array {
  checkExportMetadata(meta, model.parameters.nFeatures);
  // toOnnx writes family = 'sae' itself, after the caller's properties.
  const properties = metadataProperties('sae', meta).filter(([key]) => key !== 'family');
  return model.toOnnx(Object.fromEntries(properties));
}

/**
 * Exports any trained tabular model to ONNX per the tabular contract: opset 17, standard ops only,
 * `features` float32 [N, F] raw values (standardization inside) → `probabilities` float32 [N, 2] (column 1 =
 * positive/malignant) and `label` int64 [N] (ArgMax: P > 0.5 → 1, exactly 0.5 → 0), dynamic batch, metadata
 * `family`, `task` (when given), `scenario`, `feature_schema_hash`, `feature_names` (JSON), `feature_count`
 * plus the family's hyperparameters.
 *
 * @param model - SVM, KNN, LDA, logistic or SAE.
 * @param meta - Scenario, feature schema hash, feature names (one per input column), optional task.
 * @returns ONNX model bytes.
 * @throws OnnxExportError `INVALID_METADATA`, `INVALID_MODEL`.
 */
export function exportTabularModel(model: ExportableModel, meta: OnnxExportMetadata): Uint8Array {
  const family = familyOf(model);
  if (family === 'sae') return exportSae(model as SaeModel, meta);
  const tabular = model as TabularModel;
  switch (tabular.family) {
    case 'svm':
      return exportSvm(tabular, meta);
    case 'knn':
      return exportKnn(tabular, meta);
    case 'lda':
      return exportLda(tabular, meta);
    case 'logistic':
      return exportLogistic(tabular, meta);
  }
}
