import { type GraphBuilder, op, type TensorRef } from '@calcscope/onnx';
import type { Standardizer } from '../core/standardize';
import { checkLength, finiteFloat64 } from './parameters';

/**
 * Appends z = (x − mean) / scale, the libs/ml standardizer, in float64 with the float64 mean and scale: the
 * same two IEEE operations TypeScript's `standardize` performs, so z is bit-identical to it.
 *
 * @param g - Graph.
 * @param features64 - Raw features, float64 [N, F].
 * @param standardizer - Per-feature mean and scale (F each).
 * @param prefix - Name stem of the initializers (e.g. `lda`).
 * @returns z, float64 [N, F].
 * @throws OnnxExportError `INVALID_MODEL` for a length other than F or non-finite values.
 */
export function appendStandardization(
  g: GraphBuilder,
  features64: TensorRef,
  standardizer: Standardizer,
  prefix: string,
): TensorRef {
  const f = features64.shape[1] as number;
  checkLength(standardizer.mean, f, 'standardizer mean');
  checkLength(standardizer.scale, f, 'standardizer scale');
  const mean = g.initializer(`${prefix}_mean`, finiteFloat64(standardizer.mean, 'standardizer mean'), [f]);
  const scale = g.initializer(`${prefix}_scale`, finiteFloat64(standardizer.scale, 'standardizer scale'), [
    f,
  ]);
  return op.div(g, op.sub(g, features64, mean), scale);
}
