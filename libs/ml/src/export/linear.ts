import { op } from '@calcscope/onnx';
import type { Standardizer } from '../core/standardize';
import type { LdaModel } from '../lda/lda';
import type { LogisticModel } from '../logistic/logistic';
import { appendLogOddsOutputs, createTabularGraph, finishTabularGraph } from './contract';
import { checkExportMetadata, metadataProperties, type OnnxExportMetadata } from './metadata';
import { checkLength, finiteFloat64, finiteScalar } from './parameters';
import { appendStandardization } from './standardize';

/** The parts of a linear log-odds model the graph needs. */
interface LinearLogOdds {
  readonly featureCount: number;
  readonly standardizer: Standardizer;
  /** Coefficients of the standardized features. */
  readonly weights: ArrayLike<number>;
  readonly bias: number;
}

/**
 * features → float64 → z = (x − mean) / scale → t = Gemm(z, w, b) → [σ(−t), σ(t)] → float32, ArgMax.
 *
 * The weights stay in standardized units, as TypeScript applies them: folding the standardization into
 * raw-unit weights would give a raw-unit bias b − Σ wⱼ·meanⱼ/scaleⱼ that cancels when means are large.
 */
function exportLinear(
  model: LinearLogOdds,
  family: 'lda' | 'logistic',
  meta: OnnxExportMetadata,
  extra: Record<string, string>,
  docString: string,
): Uint8Array {
  const f = model.featureCount;
  checkExportMetadata(meta, f);
  checkLength(model.weights, f, `${family} weights`);
  const { g, features64 } = createTabularGraph(`${family}_classifier`, f, docString);
  const z = appendStandardization(g, features64, model.standardizer, family);
  const weights = g.initializer(`${family}_weights`, finiteFloat64(model.weights, `${family} weights`), [
    f,
    1,
  ]);
  const bias = g.initializer(
    `${family}_bias`,
    Float64Array.of(finiteScalar(model.bias, `${family} bias`)),
    [1],
  );
  appendLogOddsOutputs(g, op.gemm(g, z, weights, bias));
  return finishTabularGraph(g, metadataProperties(family, meta, extra));
}

/**
 * Exports two-class LDA: P(malignant) = σ(weights·z + bias), z the standardized features.
 *
 * @param model - Trained LDA (`fitLda`).
 * @param meta - Scenario, feature schema hash, feature names, optional task.
 * @returns ONNX bytes per the tabular contract (opset 17, standard ops: Cast, Sub, Div, Gemm, Neg, Sigmoid,
 *   Concat, ArgMax); metadata adds `shrinkage`.
 * @throws OnnxExportError `INVALID_METADATA`, `INVALID_MODEL`.
 */
export function exportLda(model: LdaModel, meta: OnnxExportMetadata): Uint8Array {
  return exportLinear(
    model,
    'lda',
    meta,
    { shrinkage: String(model.shrinkage) },
    'Two-class linear discriminant analysis with a shrunk pooled covariance',
  );
}

/**
 * Exports (L1-penalised) logistic regression: P(malignant) = σ(weights·z + bias).
 *
 * @param model - Trained logistic model (`trainLassoLogistic`, `fitLogistic`).
 * @param meta - Scenario, feature schema hash, feature names, optional task.
 * @returns ONNX bytes per the tabular contract; metadata adds `lambda` and `selected_features` (JSON indices
 *   of the non-zero weights).
 * @throws OnnxExportError `INVALID_METADATA`, `INVALID_MODEL`.
 */
export function exportLogistic(model: LogisticModel, meta: OnnxExportMetadata): Uint8Array {
  return exportLinear(
    model,
    'logistic',
    meta,
    { lambda: String(model.lambda), selected_features: JSON.stringify(Array.from(model.selectedFeatures)) },
    'Logistic regression (L1-penalised, coordinate descent)',
  );
}
