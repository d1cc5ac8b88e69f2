import { type GraphBuilder, op, type TensorRef } from '@calcscope/onnx';
import { checkLength, finiteFloat64 } from './parameters';

/**
 * Appends the squared Euclidean distances from every standardized input row to every reference row,
 * d²[n, m] = Σⱼ (zₙⱼ − rₘⱼ)², in float64, accumulated feature by feature in schema order.
 *
 * Why this form: it performs TypeScript's operations in TypeScript's order (difference, square, running
 * sum from j = 0), so d² is bit-identical to `nearestNeighbours` / `rbfDecisionValues` and distance ties
 * break as they do there. A ReduceSum over the feature axis would not do: onnxruntime's vectorised sum
 * gives identical rows different roundings depending on their position in memory; and the expansion
 * ‖z‖² + ‖r‖² − 2z·r cancels. Each step is an element-wise op on [N, M], so memory stays O(N·M), not
 * O(N·M·F).
 *
 * @param g - Graph.
 * @param z - Standardized input rows, float64 [N, F].
 * @param reference - Standardized reference rows, M × F row-major.
 * @param referenceCount - M.
 * @param prefix - Name stem of the initializer.
 * @returns d², float64 [N, M].
 * @throws OnnxExportError `INVALID_MODEL` for a wrong length or non-finite values.
 */
export function appendSquaredDistances(
  g: GraphBuilder,
  z: TensorRef,
  reference: ArrayLike<number>,
  referenceCount: number,
  prefix: string,
): TensorRef {
  const f = z.shape[1] as number;
  const m = referenceCount;
  checkLength(reference, m * f, `${prefix} reference rows`);
  const values = finiteFloat64(reference, `${prefix} reference rows`);
  // Stored feature-major, [F, M], so each feature's reference values are one [1, M] slice.
  const byFeature = new Float64Array(f * m);
  for (let r = 0; r < m; r++) for (let j = 0; j < f; j++) byFeature[j * m + r] = values[r * f + j];
  const ones = new Array<number>(f).fill(1);
  const inputColumns = op.split(g, z, ones, 1); // F × [N, 1]
  const referenceRows = op.split(g, g.initializer(`${prefix}_points_by_feature`, byFeature, [f, m]), ones, 0);
  let sum: TensorRef | undefined;
  for (let j = 0; j < f; j++) {
    const difference = op.sub(g, inputColumns[j], referenceRows[j]); // [N, 1] − [1, M] → [N, M]
    const square = op.mul(g, difference, difference);
    sum = sum === undefined ? square : op.add(g, sum, square);
  }
  return sum as TensorRef;
}
