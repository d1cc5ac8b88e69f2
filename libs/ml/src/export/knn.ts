import { op } from '@calcscope/onnx';
import { KNN_DISTANCE_FLOOR, type KnnModel } from '../knn/knn';
import {
  appendContractOutputs,
  createTabularGraph,
  finishTabularGraph,
  TABULAR_TENSOR_NAMES,
} from './contract';
import { appendSquaredDistances } from './distances';
import { OnnxExportError } from './errors';
import { checkExportMetadata, metadataProperties, type OnnxExportMetadata } from './metadata';
import { checkLength } from './parameters';
import { appendStandardization } from './standardize';

/**
 * Exports a k-nearest-neighbour classifier.
 *
 * Graph, in float64: z = standardized features → d² to every training point, bit-identical to TypeScript's
 * (`appendSquaredDistances`) → TopK(d², k, smallest, sorted), which breaks ties by the lower index as
 * `nearestNeighbours` does → Gather the neighbours' one-hot labels [N, k, 2] → weights 1, or
 * 1 / max(√d², KNN_DISTANCE_FLOOR) when `weighted` → pⱼ = Σ w·[y = j] / Σ w → float32, ArgMax. With uniform
 * weights the shares are counts divided by k, so an even split is exactly 0.5 and labels 0, as in TypeScript.
 *
 * @param model - Trained KNN (`fitKnn`, `trainKnn`).
 * @param meta - Scenario, feature schema hash, feature names, optional task.
 * @returns ONNX bytes per the tabular contract (ops: Cast, Sub, Div, Split, Mul, Add, TopK, Gather, Sqrt,
 *   Clip, Unsqueeze, ReduceSum, ArgMax); metadata adds `k`, `weighted`, `training_points`.
 * @throws OnnxExportError `INVALID_METADATA`; `INVALID_MODEL` for k outside [1, training count], labels
 *   other than 0/1 or inconsistent arrays.
 */
export function exportKnn(model: KnnModel, meta: OnnxExportMetadata): Uint8Array {
  const f = model.featureCount;
  const m = model.trainingCount;
  const k = model.k;
  checkExportMetadata(meta, f);
  if (!Number.isInteger(k) || k < 1 || k > m) {
    throw new OnnxExportError('INVALID_MODEL', `knn k = ${k} must be an integer in [1, ${m}]`);
  }
  checkLength(model.trainingLabels, m, 'knn training labels');
  const oneHot = new Float64Array(m * 2);
  for (let i = 0; i < m; i++) {
    const y = model.trainingLabels[i];
    if (y !== 0 && y !== 1) throw new OnnxExportError('INVALID_MODEL', `knn training label ${i} is ${y}`);
    oneHot[i * 2 + y] = 1;
  }

  const { g, features64 } = createTabularGraph('knn_classifier', f, 'k-nearest-neighbour vote share');
  const z = appendStandardization(g, features64, model.standardizer, 'knn');
  const d2 = appendSquaredDistances(g, z, model.trainingPoints, m, 'knn_training');
  const [nearestD2, nearestIndex] = g.addNode(
    'TopK',
    [d2, g.int64Vector([k], 'k')],
    [
      { dtype: 'float64', shape: [d2.shape[0], k] },
      { dtype: 'int64', shape: [d2.shape[0], k] },
    ],
    { axis: { int: 1 }, largest: { int: 0 }, sorted: { int: 1 } },
  );
  // One-hot label rows [M, 2] gathered by [N, k] indices → [N, k, 2].
  let votes = op.gather(g, g.initializer('knn_labels_one_hot', oneHot, [m, 2]), nearestIndex, 0);
  if (model.weighted) {
    const distance = op.clip(g, op.sqrt(g, nearestD2), KNN_DISTANCE_FLOOR, undefined);
    votes = op.mul(g, votes, op.unsqueeze(g, op.div(g, 1, distance), [2]));
  }
  const tally = op.reduceSum(g, votes, [1], { keepdims: false }); // [N, 2]
  const total = op.reduceSum(g, tally, [1]); // [N, 1]
  appendContractOutputs(g, op.div(g, tally, total, { name: TABULAR_TENSOR_NAMES.probabilitiesFloat64 }));
  return finishTabularGraph(
    g,
    metadataProperties('knn', meta, {
      k: String(k),
      weighted: String(model.weighted),
      training_points: String(m),
    }),
  );
}
