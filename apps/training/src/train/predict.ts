import { predictProba } from '@calcscope/ml';
import { TrainingError } from './errors';
import { matrixOf } from './labelled-rows';
import type { TrainedModel } from './types';

/**
 * P(malignant) of each row — column 1 of the model's `probabilities` output — for any trained model.
 *
 * @param model - a model from `fitModel`.
 * @param x - n × p raw features, row-major, in the model's feature order.
 * @param p - features per row (must equal the model's feature count).
 * @returns n probabilities in [0, 1].
 * @throws TrainingError `INVALID_DATA` when p is not the model's feature count or x.length is not a
 *   multiple of p; MlError `NON_FINITE` from the tabular models for NaN/Inf features.
 */
export function predictMalignancy(model: TrainedModel, x: Float64Array, p: number): Float64Array {
  const expected = model.family === 'sae' ? model.sae.parameters.nFeatures : model.featureCount;
  if (p !== expected || x.length % p !== 0) {
    throw new TrainingError(
      'INVALID_DATA',
      `the ${model.family} model takes ${expected} features; got ${x.length} values of ${p}-feature rows`,
    );
  }
  if (model.family !== 'sae') return predictProba(model, matrixOf(x, p));
  const both = model.sae.predictProba(x);
  const out = new Float64Array(both.length / 2);
  for (let r = 0; r < out.length; r++) out[r] = both[2 * r + 1];
  return out;
}
