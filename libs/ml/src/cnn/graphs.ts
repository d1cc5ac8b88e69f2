import {
  appendTrainingStep,
  GraphBuilder,
  type OptimizerConfig,
  op,
  type TensorRef,
  type TrainingStepSignature,
} from '@calcscope/onnx';
import { CNN_CLASSES, type CnnPlan } from './architecture';
import { CnnError } from './errors';
import { createCnnContext, inputParameters, softmaxCrossEntropy } from './layers';
import { cnnForward } from './network';

/** Names of the data inputs of the CNN graphs. */
export const CNN_INPUT = {
  /** ROIs, float32 `[N, 1, H, W]`. */
  roi: 'roi',
  /** One-hot class targets, float32 `[N, 2]`. */
  target: 'target',
} as const;

/** Output of the training step holding the minibatch logits `[N, 2]` (training accuracy). */
export const CNN_OUTPUT_LOGITS = 'logits';

/** Where a training step reports one batch normalisation's batch statistics. */
export interface BatchStatisticsOutput {
  /** Conv name stem (`ConvSpec.name`); the running statistics are `<name>.bn.mean|var`. */
  readonly name: string;
  /** Output holding the batch mean `[C]`. */
  readonly mean: string;
  /** Output holding the biased batch variance `[C]`. */
  readonly variance: string;
  /** Values each statistic averages over per sample (h·w), for the unbiased variance. */
  readonly countPerSample: number;
}

/** A serialised training-step graph and how to drive it. */
export interface CnnStepGraph {
  readonly bytes: Uint8Array;
  readonly signature: TrainingStepSignature;
  readonly statistics: readonly BatchStatisticsOutput[];
}

function throwBuffer(name: string): TensorRef {
  throw new CnnError('INVALID_MODEL', `training graphs use batch statistics, not '${name}'`);
}

/**
 * One training step of the CNN as one onnxruntime graph: forward pass with batch statistics, mean softmax
 * cross-entropy against the one-hot `target`, backward pass (conv-family gradient rules of
 * `@calcscope/onnx`), optimizer update; the logits and the batch statistics of every BN are extra outputs.
 *
 * @param plan - Unrolled architecture.
 * @param batch - Rows per step: a number for a static batch, or a symbol (e.g. `'N'`) for any size.
 * @param optimizer - SGD with momentum or Adam, with weight decay.
 * @returns Bytes, trainer signature and the batch-statistics outputs.
 */
export function buildCnnTrainingStep(
  plan: CnnPlan,
  batch: number | string,
  optimizer: OptimizerConfig,
): CnnStepGraph {
  const a = plan.architecture;
  const g = new GraphBuilder({ name: 'cnn_train_step' });
  const roi = g.input(CNN_INPUT.roi, 'float32', [batch, 1, a.inputHeight, a.inputWidth]);
  const target = g.input(CNN_INPUT.target, 'float32', [batch, CNN_CLASSES]);
  const params: TensorRef[] = [];
  const ctx = createCnnContext(g, 'train', inputParameters(g, params), throwBuffer, a.batchNormEpsilon);
  const { logits } = cnnForward(ctx, plan, roi);
  const loss = softmaxCrossEntropy(ctx, logits, target);
  const signature = appendTrainingStep(g, loss, params, optimizer);
  g.output(logits, CNN_OUTPUT_LOGITS);
  const statistics = ctx.batchStatistics.map((s) => ({
    name: s.name,
    mean: g.output(s.mean, `${s.name}.bn.batch_mean`).name,
    variance: g.output(s.variance, `${s.name}.bn.batch_var`).name,
    countPerSample: s.countPerSample,
  }));
  return { bytes: g.toBytes(), signature, statistics };
}

/**
 * Inference-mode class probabilities with every parameter and running statistic as a graph input (validation
 * during training, without rebuilding a model per epoch).
 *
 * @param plan - Unrolled architecture.
 * @returns Bytes: inputs `roi` and the tensors by name, output `probabilities` `[N, 2]`.
 */
export function buildCnnEvaluator(plan: CnnPlan): Uint8Array {
  const a = plan.architecture;
  const g = new GraphBuilder({ name: 'cnn_evaluate' });
  const roi = g.input(CNN_INPUT.roi, 'float32', ['N', 1, a.inputHeight, a.inputWidth]);
  const source = inputParameters(g);
  const ctx = createCnnContext(g, 'inference', source, source, a.batchNormEpsilon);
  g.output(op.softmax(g, cnnForward(ctx, plan, roi).logits, 1), 'probabilities');
  return g.toBytes();
}
