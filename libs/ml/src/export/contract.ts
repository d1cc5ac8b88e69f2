import { GraphBuilder, op, type TensorRef } from '@calcscope/onnx';

/** Default-domain opset of every exported tabular model (ARCHITECTURE.md, "Tabular models"). */
export const TABULAR_ONNX_OPSET = 17;

/** Tensor names of the tabular model contract, plus the float64 probabilities the outputs derive from. */
export const TABULAR_TENSOR_NAMES = {
  input: 'features',
  probabilities: 'probabilities',
  label: 'label',
  /** Internal float64 [N, 2] probabilities (not a graph output); the ensemble exporter reads it. */
  probabilitiesFloat64: 'probabilities_float64',
} as const;

/** Symbolic name of the dynamic batch dimension. */
export const BATCH_DIM = 'N';

/**
 * A new graph with the contract's input, `features` float32 [N, F] (raw values, schema order), and that input
 * cast to float64, in which the exporters compute: the TypeScript models compute in float64, and float32
 * arithmetic cannot reproduce them to 1e-5 in general (an SVM whose coefficients cancel loses
 * ε₃₂·Σ|cₛKₛ| ≈ 1e-4 in P; a KNN needs bit-identical distances to break ties as TypeScript does).
 *
 * @param name - Graph name (e.g. `svm_classifier`).
 * @param featureCount - F.
 * @param docString - Model description stored in the file.
 * @returns The builder, its `features` input and `features64` = Cast(features, float64).
 */
export function createTabularGraph(
  name: string,
  featureCount: number,
  docString: string,
): { g: GraphBuilder; features: TensorRef; features64: TensorRef } {
  const g = new GraphBuilder({ name, opset: TABULAR_ONNX_OPSET, docString });
  const features = g.input(TABULAR_TENSOR_NAMES.input, 'float32', [BATCH_DIM, featureCount]);
  return { g, features, features64: op.cast(g, features, 'float64') };
}

/**
 * Declares the contract's outputs from float64 class probabilities: `probabilities` = Cast to float32,
 * [N, 2], and `label` = ArgMax over the float64 values, int64 [N]. ArgMax takes the first index on a tie, so
 * P = 0.5 gives 0 — the TypeScript rule `label = P > 0.5`; taking it before the cast keeps a P within
 * float32 rounding of 0.5 on the side TypeScript puts it.
 *
 * @param g - Graph.
 * @param probabilities64 - [P(class 0), P(class 1)] per row, float64 [N, 2], named
 *   `TABULAR_TENSOR_NAMES.probabilitiesFloat64`.
 */
export function appendContractOutputs(g: GraphBuilder, probabilities64: TensorRef): void {
  g.output(op.cast(g, probabilities64, 'float32', { name: TABULAR_TENSOR_NAMES.probabilities }));
  g.output(op.argMax(g, probabilities64, 1, { keepdims: false, name: TABULAR_TENSOR_NAMES.label }));
}

/**
 * Appends the contract's outputs for a model whose P(class 1) = σ(t) for a log-odds t. Both columns are
 * sigmoids, [σ(−t), σ(t)], rather than 1 − σ(t), so the small one keeps its relative precision.
 *
 * @param g - Graph.
 * @param logOdds - t, float64 [N, 1].
 */
export function appendLogOddsOutputs(g: GraphBuilder, logOdds: TensorRef): void {
  const p0 = op.sigmoid(g, op.neg(g, logOdds));
  const p1 = op.sigmoid(g, logOdds);
  appendContractOutputs(g, op.concat(g, [p0, p1], 1, { name: TABULAR_TENSOR_NAMES.probabilitiesFloat64 }));
}

/**
 * Sets metadata and serialises.
 *
 * @param g - Finished graph.
 * @param properties - Metadata key/value pairs, in order.
 * @returns ONNX model bytes.
 */
export function finishTabularGraph(g: GraphBuilder, properties: readonly [string, string][]): Uint8Array {
  for (const [key, value] of properties) g.setMetadata(key, value);
  return g.toBytes();
}
