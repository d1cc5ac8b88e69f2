import { appendGradients } from './autodiff/gradients';
import { OnnxGraphError } from './errors';
import type { GraphBuilder } from './graph-builder';
import { add, div, mul, sqrt, sub } from './ops';
import { formatShape, isStaticShape, type TensorRef } from './tensor';

/** SGD with (heavy-ball) momentum and L2 weight decay: v ← μ·v + (g + λ·p); p ← p − lr·v. */
export interface SgdConfig {
  readonly kind: 'sgd';
  /** μ in [0, 1) (default 0: plain SGD, no state). */
  readonly momentum?: number;
  /** λ ≥ 0 (default 0). */
  readonly weightDecay?: number;
}

/**
 * Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − αₜ·m / (√v + εₜ), where the trainer feeds the bias-corrected
 * αₜ = lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and εₜ = ε·√(1−β₂ᵗ) each step (identical to the textbook m̂/(√v̂ + ε) form).
 */
export interface AdamConfig {
  readonly kind: 'adam';
  /** β₁ (default 0.9). */
  readonly beta1?: number;
  /** β₂ (default 0.999). */
  readonly beta2?: number;
  /** ε (default 1e-8). */
  readonly epsilon?: number;
  /** λ ≥ 0 (default 0). */
  readonly weightDecay?: number;
}

/** An optimizer whose update is written into the training-step graph. */
export type OptimizerConfig = SgdConfig | AdamConfig;

/** One tensor the trainer feeds and gets back updated every step. */
export interface CarriedTensor {
  /** Graph input name. */
  readonly name: string;
  /** Graph output name of the updated value, fed back as `name` next step. */
  readonly updatedName: string;
  /** Static shape. */
  readonly shape: readonly number[];
}

/** How to drive a training-step graph built by `appendTrainingStep`. */
export interface TrainingStepSignature {
  /** Trainable parameters (graph inputs) and their updated outputs. */
  readonly params: readonly CarriedTensor[];
  /** Optimizer state (momentum, Adam moments), zero-initialised, and their updated outputs. */
  readonly state: readonly CarriedTensor[];
  /** Name of the scalar loss output (the loss before this step's update). */
  readonly loss: string;
  /** The optimizer with its defaults filled in. */
  readonly optimizer: Required<SgdConfig> | Required<AdamConfig>;
}

/** Scalar hyperparameter inputs of training-step graphs. */
export const STEP_INPUT = {
  /** SGD learning rate. */
  learningRate: 'learning_rate',
  /** Adam's bias-corrected step size αₜ. */
  adamStepSize: 'adam_step_size',
  /** Adam's bias-corrected εₜ. */
  adamEpsilon: 'adam_epsilon',
} as const;

/**
 * Completes a forward graph into one training step: appends the gradients of `loss` with respect to
 * `params` (graph inputs of static shape), the optimizer update, and outputs for the loss, the updated
 * parameters and the updated optimizer state. Running the model once = forward + backward + update.
 *
 * @param g - Forward graph whose `params` are graph inputs.
 * @param loss - Scalar float loss.
 * @param params - Trainable float32 inputs with static shapes.
 * @param optimizer - SGD or Adam settings.
 * @returns Names and shapes the trainer needs.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for a non-input, non-float32 or dynamically shaped parameter or
 *   an out-of-range hyperparameter; whatever `appendGradients` throws.
 */
export function appendTrainingStep(
  g: GraphBuilder,
  loss: TensorRef,
  params: readonly TensorRef[],
  optimizer: OptimizerConfig,
): TrainingStepSignature {
  for (const p of params) {
    if (!g.inputs.includes(p) || p.dtype !== 'float32' || !isStaticShape(p.shape)) {
      throw new OnnxGraphError(
        'INVALID_ARGUMENT',
        `parameter '${p.name}' must be a float32 graph input of static shape, got ${p.dtype} ${formatShape(p.shape)}`,
      );
    }
  }
  const resolved = resolveOptimizer(optimizer);
  const grads = appendGradients(g, loss, params);
  const lossOut = g.output(loss, g.uniqueName('loss'));
  const carriedParams: CarriedTensor[] = [];
  const state: CarriedTensor[] = [];
  const carry = (list: CarriedTensor[], input: TensorRef, updated: TensorRef) => {
    const out = g.output(updated, g.uniqueName(`${input.name}__next`));
    list.push({ name: input.name, updatedName: out.name, shape: input.shape as number[] });
  };
  const stateInput = (p: TensorRef, suffix: string) => g.input(`${p.name}__${suffix}`, 'float32', p.shape);

  if (resolved.kind === 'sgd') {
    const lr = g.input(STEP_INPUT.learningRate, 'float32', []);
    params.forEach((p, i) => {
      const grad = decayed(g, grads[i], p, resolved.weightDecay);
      let direction = grad;
      if (resolved.momentum > 0) {
        const velocity = stateInput(p, 'velocity');
        direction = add(g, mul(g, velocity, resolved.momentum), grad);
        carry(state, velocity, direction);
      }
      carry(carriedParams, p, sub(g, p, mul(g, direction, lr)));
    });
  } else {
    const stepSize = g.input(STEP_INPUT.adamStepSize, 'float32', []);
    const epsilon = g.input(STEP_INPUT.adamEpsilon, 'float32', []);
    params.forEach((p, i) => {
      const grad = decayed(g, grads[i], p, resolved.weightDecay);
      const m = stateInput(p, 'adam_m');
      const v = stateInput(p, 'adam_v');
      const mNext = add(g, mul(g, m, resolved.beta1), mul(g, grad, 1 - resolved.beta1));
      const vNext = add(g, mul(g, v, resolved.beta2), mul(g, mul(g, grad, grad), 1 - resolved.beta2));
      const update = mul(g, div(g, mNext, add(g, sqrt(g, vNext), epsilon)), stepSize);
      carry(state, m, mNext);
      carry(state, v, vNext);
      carry(carriedParams, p, sub(g, p, update));
    });
  }
  return { params: carriedParams, state, loss: lossOut.name, optimizer: resolved };
}

function decayed(g: GraphBuilder, grad: TensorRef, p: TensorRef, weightDecay: number): TensorRef {
  return weightDecay > 0 ? add(g, grad, mul(g, p, weightDecay)) : grad;
}

/**
 * Fills in optimizer defaults and checks ranges.
 *
 * @param optimizer - User settings.
 * @returns Settings with every field present.
 * @throws OnnxGraphError `INVALID_ARGUMENT` for momentum/betas outside [0, 1), ε ≤ 0 or weight decay < 0.
 */
export function resolveOptimizer(optimizer: OptimizerConfig): Required<SgdConfig> | Required<AdamConfig> {
  const inUnit = (v: number) => Number.isFinite(v) && v >= 0 && v < 1;
  const weightDecay = optimizer.weightDecay ?? 0;
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `weightDecay must be ≥ 0, got ${weightDecay}`);
  }
  if (optimizer.kind === 'sgd') {
    const momentum = optimizer.momentum ?? 0;
    if (!inUnit(momentum))
      throw new OnnxGraphError('INVALID_ARGUMENT', `momentum must be in [0, 1), got ${momentum}`);
    return { kind: 'sgd', momentum, weightDecay };
  }
  const beta1 = optimizer.beta1 ?? 0.9;
  const beta2 = optimizer.beta2 ?? 0.999;
  const epsilon = optimizer.epsilon ?? 1e-8;
  if (!inUnit(beta1) || !inUnit(beta2)) {
    throw new OnnxGraphError('INVALID_ARGUMENT', `Adam betas must be in [0, 1), got ${beta1}, ${beta2}`);
  }
  if (!(epsilon > 0))
    throw new OnnxGraphError('INVALID_ARGUMENT', `Adam epsilon must be > 0, got ${epsilon}`);
  return { kind: 'adam', beta1, beta2, epsilon, weightDecay };
}
