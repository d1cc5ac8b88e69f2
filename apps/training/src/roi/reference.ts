import { CnnModel, HEAD } from '@calcscope/ml';
import { headCamWeights } from './export-graphs';
import type { LinearHead } from './heads';

/**
 * The TypeScript counterpart of a deep head on our CNN: the same net with its dense layer replaced by the
 * head folded onto the embedding (class-0 logit 0, class-1 logit Σ_c weight[c]·embedding[c] + offset, see
 * `headCamWeights`). Its `forwardReference` then gives, in float64, the head's P(class 1) as column 1 of
 * `probabilities` (for a head without clinical columns) and the head's CAM as `cam` / `camUpsampled` — what the
 * exported graph must reproduce.
 *
 * @param model - The trained CNN (the backbone).
 * @param head - A head on its embedding.
 * @returns A CNN with the folded head (weights shared except the dense layer).
 */
export function foldHeadIntoCnn(model: CnnModel, head: LinearHead): CnnModel {
  const channels = model.plan.featureChannels;
  const { weight, offset } = headCamWeights(head, channels);
  const dense = new Float32Array(channels * 2);
  for (let c = 0; c < channels; c++) dense[2 * c + 1] = weight[c];
  return new CnnModel(model.architecture, {
    parameters: {
      ...model.weights.parameters,
      [HEAD.weight]: dense,
      [HEAD.bias]: Float32Array.of(0, offset),
    },
    buffers: model.weights.buffers,
  });
}
