import { MlError } from '../core/errors';
import { checkFinite, checkTrainingSet, type Dataset, type Matrix } from '../core/matrix';
import { fitStandardizer, type Standardizer, standardize } from '../core/standardize';

/**
 * A k-nearest-neighbour classifier as plain data (what the ONNX exporter reads).
 *
 * For a raw row x: z = (x − mean) / scale; take the k training points closest to z in Euclidean distance
 * (ties broken by lower training index, as ONNX TopK); P(malignant) = Σ wᵢ·yᵢ / Σ wᵢ over them, with
 * wᵢ = 1 (uniform) or wᵢ = 1 / max(dᵢ, DISTANCE_FLOOR) (distance-weighted); label = P > 0.5, so an even
 * split goes to benign.
 */
export interface KnnModel {
  readonly family: 'knn';
  readonly featureCount: number;
  readonly standardizer: Standardizer;
  readonly k: number;
  readonly weighted: boolean;
  /** trainingCount × featureCount, standardized units, row-major. */
  readonly trainingPoints: Float64Array;
  readonly trainingLabels: Uint8Array;
  readonly trainingCount: number;
}

/** Distances below this count as this (standardized units) in distance weighting: exact matches dominate. */
export const KNN_DISTANCE_FLOOR = 1e-6;

/**
 * Stores the standardized training set.
 *
 * @param train - training set (both classes, finite).
 * @param options.k - neighbours, 1 ≤ k ≤ n; options.weighted - 1/d weights (default false).
 * @returns the model.
 * @throws MlError from validation, `INVALID_OPTION` for a bad k.
 */
export function fitKnn(train: Dataset, options: { k: number; weighted?: boolean }): KnnModel {
  checkTrainingSet(train);
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > train.x.rows) {
    throw new MlError('INVALID_OPTION', `k = ${k} must be an integer in [1, ${train.x.rows}]`);
  }
  const standardizer = fitStandardizer(train.x);
  return {
    family: 'knn',
    featureCount: train.x.cols,
    standardizer,
    k,
    weighted: options.weighted ?? false,
    trainingPoints: standardize(standardizer, train.x).data as Float64Array,
    trainingLabels: Uint8Array.from(train.y),
    trainingCount: train.x.rows,
  };
}

/**
 * The `count` nearest reference rows of every query row, nearest first (ties: lower reference index first).
 *
 * @param queries - m × p rows.
 * @param reference - n × p rows, row-major.
 * @param referenceCount - n.
 * @param count - neighbours wanted, 1 ≤ count ≤ n.
 * @returns `indices` and Euclidean `distances`, both m × count row-major.
 */
export function nearestNeighbours(
  queries: Matrix,
  reference: Float64Array,
  referenceCount: number,
  count: number,
): { indices: Uint32Array; distances: Float64Array } {
  const p = queries.cols;
  const indices = new Uint32Array(queries.rows * count);
  const squared = new Float64Array(queries.rows * count);
  for (let q = 0; q < queries.rows; q++) {
    const oq = q * p;
    const base = q * count;
    let filled = 0;
    for (let i = 0; i < referenceCount; i++) {
      const oi = i * p;
      let d2 = 0;
      for (let c = 0; c < p; c++) {
        const d = queries.data[oq + c] - reference[oi + c];
        d2 += d * d;
      }
      // Insertion into the sorted top list; an equal distance never displaces an earlier (lower) index.
      if (filled === count && d2 >= squared[base + count - 1]) continue;
      let pos = filled < count ? filled++ : count - 1;
      while (pos > 0 && squared[base + pos - 1] > d2) {
        squared[base + pos] = squared[base + pos - 1];
        indices[base + pos] = indices[base + pos - 1];
        pos--;
      }
      squared[base + pos] = d2;
      indices[base + pos] = i;
    }
  }
  const distances = squared.map(Math.sqrt);
  return { indices, distances };
}

/**
 * Vote share of the first k of each query's sorted neighbour list.
 *
 * @param neighbours - output of `nearestNeighbours` with `stride` neighbours per query (≥ k).
 * @param stride - neighbours stored per query.
 * @param labels - training labels.
 * @param k - neighbours that vote.
 * @param weighted - 1/max(d, floor) weights instead of 1.
 * @returns P(malignant) per query.
 */
export function neighbourVoteShare(
  neighbours: { indices: Uint32Array; distances: Float64Array },
  stride: number,
  labels: Uint8Array,
  k: number,
  weighted: boolean,
): Float64Array {
  const queries = neighbours.indices.length / stride;
  const out = new Float64Array(queries);
  for (let q = 0; q < queries; q++) {
    let positive = 0;
    let total = 0;
    for (let t = 0; t < k; t++) {
      const at = q * stride + t;
      const w = weighted ? 1 / Math.max(neighbours.distances[at], KNN_DISTANCE_FLOOR) : 1;
      total += w;
      if (labels[neighbours.indices[at]] === 1) positive += w;
    }
    out[q] = positive / total;
  }
  return out;
}

/**
 * Probabilities of the positive class for raw feature rows.
 *
 * @param model - trained KNN.
 * @param x - n × featureCount raw features.
 * @returns n probabilities (vote shares).
 * @throws MlError `SHAPE_MISMATCH`, `NON_FINITE`.
 */
export function predictProbaKnn(model: KnnModel, x: Matrix): Float64Array {
  checkFinite(x);
  const z = standardize(model.standardizer, x);
  const neighbours = nearestNeighbours(z, model.trainingPoints, model.trainingCount, model.k);
  return neighbourVoteShare(neighbours, model.k, model.trainingLabels, model.k, model.weighted);
}
