import * as ort from 'onnxruntime-node';
import { OnnxSessionError } from './errors';
import { STEP_INPUT, type TrainingStepSignature } from './optimizer';
import { type CreateSessionOptions, createSession, type ExecutionProviderName } from './session';
import { staticSize } from './tensor';

/**
 * Runs a training-step graph (see `appendTrainingStep`) step after step: one `session.run` does forward,
 * backward and the optimizer update; the updated parameters and optimizer state it returns are fed back
 * as the next step's inputs without copying.
 */
export class GraphTrainer {
  /** Execution provider running the steps. */
  readonly provider: ExecutionProviderName;
  /** Optimizer steps taken so far (Adam's bias correction uses it). */
  stepCount = 0;
  private readonly session: ort.InferenceSession;
  private readonly signature: TrainingStepSignature;
  private readonly carried = new Map<string, ort.Tensor>();

  private constructor(
    session: ort.InferenceSession,
    provider: ExecutionProviderName,
    signature: TrainingStepSignature,
  ) {
    this.session = session;
    this.provider = provider;
    this.signature = signature;
  }

  /**
   * Creates the session and the initial parameter/state tensors.
   *
   * @param model - Bytes of the training-step graph.
   * @param signature - What `appendTrainingStep` returned for that graph.
   * @param initialParams - Starting values per parameter name (row-major, length = shape size); not copied.
   * @param options - Session options (providers, threads).
   * @returns The trainer.
   * @throws OnnxSessionError `INVALID_OPTION` when a parameter is missing or has the wrong length.
   */
  static async create(
    model: Uint8Array,
    signature: TrainingStepSignature,
    initialParams: Readonly<Record<string, Float32Array>>,
    options: CreateSessionOptions = {},
  ): Promise<GraphTrainer> {
    checkParameters(signature, initialParams);
    const { session, provider } = await createSession(model, options);
    const trainer = new GraphTrainer(session, provider, signature);
    trainer.setParameters(initialParams);
    trainer.resetOptimizerState();
    return trainer;
  }

  /**
   * Replaces the parameter values (e.g. to restore the best epoch).
   *
   * @param values - Data per parameter name; not copied (do not modify afterwards).
   * @throws OnnxSessionError `INVALID_OPTION` when a parameter is missing or has the wrong length.
   */
  setParameters(values: Readonly<Record<string, Float32Array>>): void {
    checkParameters(this.signature, values);
    for (const p of this.signature.params)
      this.carried.set(p.name, new ort.Tensor('float32', values[p.name], p.shape));
  }

  /** Sets every optimizer state tensor to zero and the step count to 0. */
  resetOptimizerState(): void {
    for (const s of this.signature.state) {
      this.carried.set(s.name, new ort.Tensor('float32', new Float32Array(staticSize(s.shape)), s.shape));
    }
    this.stepCount = 0;
  }

  /**
   * Current parameter values. The arrays are the tensors fed to the next step: onnxruntime never writes
   * into them (each step returns new buffers), so they stay valid after later steps; copy before modifying.
   *
   * @returns Data per parameter name.
   */
  parameters(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const p of this.signature.params) out[p.name] = this.carried.get(p.name)!.data as Float32Array;
    return out;
  }

  /**
   * One optimizer step on a minibatch.
   *
   * @param batch - The data inputs of the graph (everything except parameters, state and hyperparameters).
   * @param learningRate - Learning rate of this step (> 0).
   * @returns The minibatch loss before the update.
   * @throws OnnxSessionError `INVALID_OPTION` for a non-positive learning rate; onnxruntime errors as thrown.
   */
  async step(batch: Readonly<Record<string, ort.Tensor>>, learningRate: number): Promise<number> {
    return (await this.stepWithOutputs(batch, learningRate)).loss;
  }

  /**
   * One optimizer step that also hands back the graph's other outputs (e.g. batch-normalisation statistics
   * for running averages), as `step` otherwise.
   *
   * @param batch - The data inputs of the graph.
   * @param learningRate - Learning rate of this step (> 0).
   * @returns The minibatch loss before the update and every output of the run, by name.
   * @throws OnnxSessionError `INVALID_OPTION` for a non-positive learning rate; onnxruntime errors as thrown.
   */
  async stepWithOutputs(
    batch: Readonly<Record<string, ort.Tensor>>,
    learningRate: number,
  ): Promise<{ loss: number; outputs: Record<string, ort.Tensor> }> {
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new OnnxSessionError(
        'INVALID_OPTION',
        `learning rate must be a positive number, got ${learningRate}`,
      );
    }
    const t = this.stepCount + 1;
    const feeds: Record<string, ort.Tensor> = { ...batch };
    for (const [name, tensor] of this.carried) feeds[name] = tensor;
    const opt = this.signature.optimizer;
    if (opt.kind === 'sgd') {
      feeds[STEP_INPUT.learningRate] = scalar(learningRate);
    } else {
      const correction2 = Math.sqrt(1 - opt.beta2 ** t);
      feeds[STEP_INPUT.adamStepSize] = scalar((learningRate * correction2) / (1 - opt.beta1 ** t));
      feeds[STEP_INPUT.adamEpsilon] = scalar(opt.epsilon * correction2);
    }
    const results = await this.session.run(feeds);
    for (const c of this.signature.params) this.carried.set(c.name, results[c.updatedName] as ort.Tensor);
    for (const c of this.signature.state) this.carried.set(c.name, results[c.updatedName] as ort.Tensor);
    this.stepCount = t;
    return {
      loss: (results[this.signature.loss].data as Float32Array)[0],
      outputs: results as Record<string, ort.Tensor>,
    };
  }

  /** Frees the onnxruntime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

function checkParameters(
  signature: TrainingStepSignature,
  values: Readonly<Record<string, Float32Array>>,
): void {
  for (const p of signature.params) {
    const data = values[p.name];
    if (!(data instanceof Float32Array) || data.length !== staticSize(p.shape)) {
      throw new OnnxSessionError(
        'INVALID_OPTION',
        `parameter '${p.name}' needs a Float32Array of ${staticSize(p.shape)} values, got ${data ? data.length : 'none'}`,
      );
    }
  }
}

function scalar(value: number): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.of(value), []);
}
