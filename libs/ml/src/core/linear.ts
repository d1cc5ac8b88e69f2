import type { Standardizer } from './standardize';

/**
 * The discriminant in raw feature units: log-odds = weights · x + bias (standardization folded in).
 *
 * @param model - a linear model with a standardizer (LDA or logistic).
 * @returns raw-unit weights wⱼ/scaleⱼ and bias b − Σ wⱼ meanⱼ/scaleⱼ.
 */
export function rawLinearCoefficients(model: {
  readonly standardizer: Standardizer;
  readonly weights: Float64Array;
  readonly bias: number;
}): { weights: Float64Array; bias: number } {
  const { mean, scale } = model.standardizer;
  const weights = new Float64Array(model.weights.length);
  let bias = model.bias;
  for (let j = 0; j < weights.length; j++) {
    weights[j] = model.weights[j] / scale[j];
    bias -= weights[j] * mean[j];
  }
  return { weights, bias };
}
