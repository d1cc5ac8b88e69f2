import {
  appendTrainingStep,
  GraphBuilder,
  type OptimizerConfig,
  op,
  type TensorRef,
  type TrainingStepSignature,
} from '@calcscope/onnx';

/** Decoder output of one denoising autoencoder layer. */
export type DecoderActivation = 'linear' | 'sigmoid';

/** Names of the data inputs of the SAE graphs. */
export const SAE_INPUT = {
  /** Layer input (standardised features or the previous layer's code), float32 [N, d]. */
  x: 'x',
  /** Masking-noise keep mask (1 keeps, 0 zeroes), float32 [N, d]. */
  keepMask: 'keep_mask',
  /** One-hot class targets, float32 [N, 2]. */
  target: 'target',
} as const;

/** Parameter names of encoder layer k (weights [in, out], bias [out]). */
export function encoderNames(k: number): { weight: string; bias: string } {
  return { weight: `enc${k}_W`, bias: `enc${k}_b` };
}

/** Parameter names of the pretraining decoder (weights [hidden, in], bias [in]). */
export const DECODER = { weight: 'dec_W', bias: 'dec_b' } as const;

/** Parameter names of the softmax layer (weights [last hidden, 2], bias [2]). */
export const CLASSIFIER = { weight: 'out_W', bias: 'out_b' } as const;

/** A compiled training-step graph and how to drive it. */
export interface StepGraph {
  readonly bytes: Uint8Array;
  readonly signature: TrainingStepSignature;
}

/**
 * Training step of one denoising autoencoder layer: x̃ = x ⊙ mask, h = σ(x̃·W + b), x̂ = h·W' + b'
 * (σ(·) around it for a sigmoid decoder), loss = mean over rows of ½‖x̂ − x‖², then the optimizer update.
 * Weights are untied (W' is its own parameter), as in the DeepLearnToolbox SAE the paper's setup follows.
 *
 * @param inputDim - d, width of the layer input.
 * @param hiddenDim - h, width of the code.
 * @param decoder - Decoder activation: linear for standardised (unbounded) inputs, sigmoid for codes in (0, 1).
 * @param masked - Whether the graph takes a keep mask (false when the noise fraction is 0).
 * @param optimizer - Update rule.
 * @returns Serialised graph and signature (parameters enc0_W, enc0_b, dec_W, dec_b).
 */
export function buildPretrainStep(
  inputDim: number,
  hiddenDim: number,
  decoder: DecoderActivation,
  masked: boolean,
  optimizer: OptimizerConfig,
): StepGraph {
  const g = new GraphBuilder({ name: 'sae_pretrain_step' });
  const x = g.input(SAE_INPUT.x, 'float32', ['N', inputDim]);
  const corrupted = masked ? op.mul(g, x, g.input(SAE_INPUT.keepMask, 'float32', ['N', inputDim])) : x;
  const enc = encoderNames(0);
  const w = g.input(enc.weight, 'float32', [inputDim, hiddenDim]);
  const b = g.input(enc.bias, 'float32', [hiddenDim]);
  const wd = g.input(DECODER.weight, 'float32', [hiddenDim, inputDim]);
  const bd = g.input(DECODER.bias, 'float32', [inputDim]);
  const code = op.sigmoid(g, op.gemm(g, corrupted, w, b));
  const linear = op.gemm(g, code, wd, bd);
  const reconstruction = decoder === 'sigmoid' ? op.sigmoid(g, linear) : linear;
  const diff = op.sub(g, reconstruction, x);
  const rowError = op.reduceSum(g, op.mul(g, diff, diff), [1], { keepdims: false });
  const loss = op.mul(g, op.reduceMean(g, rowError, undefined, { keepdims: false }), 0.5);
  const signature = appendTrainingStep(g, loss, [w, b, wd, bd], optimizer);
  return { bytes: g.toBytes(), signature };
}

/**
 * Forward pass of the encoder stack and softmax layer with the parameters as graph inputs (encoder k:
 * `enc{k}_W`, `enc{k}_b`; softmax layer `out_W`, `out_b`).
 *
 * @param g - Graph to extend.
 * @param x - Standardised features [N, F].
 * @param sizes - Layer widths [F, h₁, ..., hₖ].
 * @returns The parameter inputs (in order enc0_W, enc0_b, ..., out_W, out_b) and the logits [N, 2].
 */
function stackForward(
  g: GraphBuilder,
  x: TensorRef,
  sizes: readonly number[],
): { params: TensorRef[]; logits: TensorRef } {
  const params: TensorRef[] = [];
  let h = x;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const names = encoderNames(k);
    const w = g.input(names.weight, 'float32', [sizes[k], sizes[k + 1]]);
    const b = g.input(names.bias, 'float32', [sizes[k + 1]]);
    params.push(w, b);
    h = op.sigmoid(g, op.gemm(g, h, w, b));
  }
  const wo = g.input(CLASSIFIER.weight, 'float32', [sizes[sizes.length - 1], 2]);
  const bo = g.input(CLASSIFIER.bias, 'float32', [2]);
  params.push(wo, bo);
  return { params, logits: op.gemm(g, h, wo, bo) };
}

/**
 * Supervised fine-tuning step of the whole stack: softmax cross-entropy (mean over rows) of the one-hot
 * targets, then the optimizer update of every encoder layer and the softmax layer.
 *
 * @param sizes - Layer widths [F, h₁, ..., hₖ].
 * @param optimizer - Update rule.
 * @returns Serialised graph and signature.
 */
export function buildFinetuneStep(sizes: readonly number[], optimizer: OptimizerConfig): StepGraph {
  const g = new GraphBuilder({ name: 'sae_finetune_step' });
  const x = g.input(SAE_INPUT.x, 'float32', ['N', sizes[0]]);
  const target = g.input(SAE_INPUT.target, 'float32', ['N', 2]);
  const { params, logits } = stackForward(g, x, sizes);
  const logp = op.logSoftmax(g, logits, 1);
  const rowLoss = op.neg(g, op.reduceSum(g, op.mul(g, target, logp), [1], { keepdims: false }));
  const loss = op.reduceMean(g, rowLoss, undefined, { keepdims: false });
  const signature = appendTrainingStep(g, loss, params, optimizer);
  return { bytes: g.toBytes(), signature };
}

/**
 * Class probabilities of the stack with the parameters as inputs (for validation during fine-tuning).
 *
 * @param sizes - Layer widths [F, h₁, ..., hₖ].
 * @returns Serialised graph: inputs x and the parameters, output `probabilities` [N, 2].
 */
export function buildStackEvaluator(sizes: readonly number[]): Uint8Array {
  const g = new GraphBuilder({ name: 'sae_evaluate' });
  const x = g.input(SAE_INPUT.x, 'float32', ['N', sizes[0]]);
  g.output(op.softmax(g, stackForward(g, x, sizes).logits, 1), 'probabilities');
  return g.toBytes();
}

/**
 * One encoder layer σ(x·W + b) with the parameters as inputs (to compute the next layer's training input).
 *
 * @param inputDim - d.
 * @param hiddenDim - h.
 * @returns Serialised graph: inputs x, enc0_W, enc0_b; output `code` [N, h].
 */
export function buildEncoder(inputDim: number, hiddenDim: number): Uint8Array {
  const g = new GraphBuilder({ name: 'sae_encode' });
  const x = g.input(SAE_INPUT.x, 'float32', ['N', inputDim]);
  const names = encoderNames(0);
  const w = g.input(names.weight, 'float32', [inputDim, hiddenDim]);
  const b = g.input(names.bias, 'float32', [hiddenDim]);
  g.output(op.sigmoid(g, op.gemm(g, x, w, b)), 'code');
  return g.toBytes();
}
