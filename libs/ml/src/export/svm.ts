import { op } from '@calcscope/onnx';
import type { SvmModel } from '../svm/svm';
import { appendLogOddsOutputs, createTabularGraph, finishTabularGraph } from './contract';
import { appendSquaredDistances } from './distances';
import { OnnxExportError } from './errors';
import { checkExportMetadata, metadataProperties, type OnnxExportMetadata } from './metadata';
import { checkLength, finiteFloat64, finiteScalar } from './parameters';
import { appendStandardization } from './standardize';

/**
 * Exports an RBF C-SVC with Platt probabilities.
 *
 * Graph, in float64: z = standardized features → d² to each support vector (`appendSquaredDistances`) →
 * K = Exp(−γ·d²) → f = Gemm(K, αy, bias) → t = −(A·f + B) → [σ(−t), σ(t)] → float32, ArgMax; σ(t) is Platt's
 * P = 1 / (1 + exp(A·f + B)). Float64 matters here: with a small γ and a large C (corners of the default
 * grid) the coefficients cancel, and rounding K to float32 alone moves P by up to ~1e-4.
 *
 * @param model - Trained SVM (`fitSvm`, `trainSvm`).
 * @param meta - Scenario, feature schema hash, feature names, optional task.
 * @returns ONNX bytes per the tabular contract (ops: Cast, Sub, Div, Split, Mul, Add, Exp, Gemm, Neg,
 *   Sigmoid, Concat, ArgMax); metadata adds `gamma`, `c`, `support_vectors`, `platt_a`, `platt_b`.
 * @throws OnnxExportError `INVALID_METADATA`; `INVALID_MODEL` for inconsistent arrays, γ ≤ 0, no support
 *   vectors or non-finite values.
 */
export function exportSvm(model: SvmModel, meta: OnnxExportMetadata): Uint8Array {
  const f = model.featureCount;
  const count = model.supportVectorCount;
  checkExportMetadata(meta, f);
  if (!Number.isInteger(count) || count < 1) {
    throw new OnnxExportError('INVALID_MODEL', `svm has ${count} support vectors; at least 1 is needed`);
  }
  if (!(model.gamma > 0 && Number.isFinite(model.gamma))) {
    throw new OnnxExportError('INVALID_MODEL', `svm gamma = ${model.gamma} must be finite and > 0`);
  }
  checkLength(model.dualCoefficients, count, 'svm dual coefficients');
  const { a, b } = model.platt;

  const { g, features64 } = createTabularGraph(
    'svm_classifier',
    f,
    'RBF C-SVC with Platt-scaled probabilities',
  );
  const z = appendStandardization(g, features64, model.standardizer, 'svm');
  const d2 = appendSquaredDistances(g, z, model.supportVectors, count, 'svm_support');
  const kernel = op.exp(g, op.mul(g, d2, -model.gamma));
  const coefficients = finiteFloat64(model.dualCoefficients, 'svm dual coefficients');
  const decision = op.gemm(
    g,
    kernel,
    g.initializer('svm_dual_coefficients', coefficients, [count, 1]),
    g.initializer('svm_bias', Float64Array.of(finiteScalar(model.bias, 'svm bias')), [1]),
  );
  const plattArgument = op.add(
    g,
    op.mul(g, decision, finiteScalar(a, 'platt a')),
    finiteScalar(b, 'platt b'),
  );
  appendLogOddsOutputs(g, op.neg(g, plattArgument));
  return finishTabularGraph(
    g,
    metadataProperties('svm', meta, {
      gamma: String(model.gamma),
      c: String(model.c),
      support_vectors: String(count),
      platt_a: String(a),
      platt_b: String(b),
    }),
  );
}
