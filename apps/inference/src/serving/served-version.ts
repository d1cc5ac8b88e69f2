/**
 * One model version being served: its verified files, an onnxruntime session on the provider it got, a
 * dynamic batcher in front of the session, statistics, and a reference count so that the session is
 * released only after every request that picked this version has finished (hot swap without failures).
 */
import type { ModelCard } from '@calcscope/contracts';
import type { LoadedModelVersion, TritonModelConfig } from '@calcscope/model-repository';
import { createSession, type ExecutionProviderName, type InferenceSession, Tensor } from '@calcscope/onnx';
import { InferenceError } from '../errors';
import type { VersionInstruments } from '../metrics';
import { type BatchedResult, DynamicBatcher } from './batcher';
import { DATATYPE_INFO, type TensorArray } from './datatypes';
import { elementCount, type HostTensor, type HostTensorMap } from './host-tensor';
import { type ModelSignature, signatureFromConfig, type TensorSpec } from './signature';
import { VersionStats } from './version-stats';

/** Lifecycle of a served version: serving, draining before release, released. */
export type ServedVersionState = 'READY' | 'UNLOADING' | 'UNLOADED';

/** Options of `ServedVersion.open`. */
export interface OpenVersionOptions {
  /** Execution providers to try in order. */
  readonly providers: readonly ExecutionProviderName[];
  /** Intra-op threads unless config.pbtxt's `intra_op_thread_count` parameter says otherwise (0 = onnxruntime's default). */
  readonly intraOpThreads: number;
  /** Metric recorders bound to this version. */
  readonly instruments: VersionInstruments;
  /** The batcher's hint that more requests for this model are being received (see DynamicBatcher). */
  readonly moreExpected?: () => boolean;
  /** Receives one line when a provider falls back. */
  readonly log?: (line: string) => void;
}

/**
 * Resolves a shape whose dims may hold one -1 (a reshape target) for a tensor of `count` elements.
 *
 * @returns The shape with the -1 replaced by the size that makes the element count match.
 */
function resolveDims(prefix: number[], dims: readonly number[], count: number): number[] {
  const shape = prefix.concat(dims as number[]);
  const free = shape.indexOf(-1);
  if (free >= 0) {
    let known = 1;
    for (let i = 0; i < shape.length; i++) if (i !== free) known *= shape[i];
    shape[free] = known === 0 ? 0 : count / known;
  }
  return shape;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function signatureProblems(signature: ModelSignature, session: InferenceSession): string[] {
  const problems: string[] = [];
  const batchAxes = signature.maxBatchSize > 0 ? 1 : 0;
  const check = (
    kind: 'input' | 'output',
    specs: readonly TensorSpec[],
    names: readonly string[],
    metadata: readonly InferenceSession.ValueMetadata[],
  ) => {
    for (const spec of specs) {
      const meta = metadata.find((m) => m.name === spec.name);
      if (meta === undefined) {
        problems.push(
          `config ${kind} '${spec.name}' is not an ${kind} of model.onnx (it has ${names.map((n) => `'${n}'`).join(', ')})`,
        );
        continue;
      }
      if (!meta.isTensor) {
        problems.push(`model.onnx ${kind} '${spec.name}' is not a tensor`);
        continue;
      }
      const ortType = DATATYPE_INFO[spec.datatype].ort;
      if (meta.type !== ortType)
        problems.push(
          `${kind} '${spec.name}': model.onnx has ${meta.type}, config.pbtxt declares ${spec.datatype} (${ortType})`,
        );
      const rank = batchAxes + spec.modelDims.length;
      if (meta.shape.length !== rank)
        problems.push(
          `${kind} '${spec.name}': model.onnx has rank ${meta.shape.length}, config.pbtxt implies ${rank}`,
        );
    }
  };
  check('input', signature.inputs, session.inputNames, session.inputMetadata);
  check('output', signature.outputs, session.outputNames, session.outputMetadata);
  for (const name of session.inputNames)
    if (!signature.inputs.some((s) => s.name === name))
      problems.push(`model.onnx input '${name}' is not declared in config.pbtxt`);
  return problems;
}

function intraOpThreadsOf(config: TritonModelConfig, fallback: number): number {
  const text = config.parameters?.intra_op_thread_count;
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InferenceError(
      'MODEL_FAILURE',
      `config parameter intra_op_thread_count='${text}' is not a non-negative integer`,
    );
  return value;
}

/** A loaded, warmed model version behind its dynamic batcher. */
export class ServedVersion {
  readonly name: string;
  readonly version: number;
  readonly card: ModelCard;
  readonly config: TritonModelConfig;
  readonly signature: ModelSignature;
  /** The execution provider the session actually got. */
  readonly provider: ExecutionProviderName;
  readonly stats = new VersionStats();
  readonly instruments: VersionInstruments;
  /** When loading finished, and how long the warm-up batch took (seconds). */
  readonly loadedAt = new Date();
  warmSeconds = 0;
  private stateValue: ServedVersionState = 'READY';
  private refs = 0;
  private readonly batcher: DynamicBatcher;
  private readonly outputNames: string[];
  private drained: (() => void) | undefined;
  private released: Promise<void> | undefined;

  private constructor(
    loaded: LoadedModelVersion,
    signature: ModelSignature,
    private readonly session: InferenceSession,
    provider: ExecutionProviderName,
    options: OpenVersionOptions,
  ) {
    this.name = loaded.name;
    this.version = loaded.version;
    this.card = loaded.card;
    this.config = loaded.config;
    this.signature = signature;
    this.provider = provider;
    this.instruments = options.instruments;
    this.outputNames = signature.outputs.map((s) => s.name);
    const batching = loaded.config.dynamicBatching;
    this.batcher = new DynamicBatcher((inputs, rows) => this.run(inputs, rows), {
      maxBatchSize: signature.maxBatchSize,
      dynamic: batching !== undefined,
      preferredBatchSizes: batching?.preferredBatchSize ?? [],
      maxQueueDelayMicroseconds: batching?.maxQueueDelayMicroseconds ?? 0,
      ...(options.moreExpected ? { moreExpected: options.moreExpected } : {}),
    });
  }

  /**
   * Opens a verified model version: creates its session (providers tried in order), checks the ONNX
   * graph's inputs and outputs against config.pbtxt, and warms it with one real batch (one row of zeros)
   * through session.run.
   *
   * @param loaded - Files returned by loadModelVersion (sha256 and schema already verified).
   * @param options - Providers, threads, metric recorders, batching hint, logger.
   * @returns The version, ready to serve.
   * @throws InferenceError MODEL_FAILURE when the config declares an unservable datatype, the graph's
   *   tensors differ from the config, no provider can create the session, or the warm-up run fails.
   */
  static async open(loaded: LoadedModelVersion, options: OpenVersionOptions): Promise<ServedVersion> {
    const signature = signatureFromConfig(loaded.config);
    const intraOpNumThreads = intraOpThreadsOf(loaded.config, options.intraOpThreads);
    let opened: Awaited<ReturnType<typeof createSession>>;
    try {
      opened = await createSession(loaded.onnx, {
        providers: options.providers,
        intraOpNumThreads,
        ...(options.log ? { log: options.log } : {}),
      });
    } catch (error) {
      throw new InferenceError(
        'MODEL_FAILURE',
        `onnxruntime could not open model.onnx: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const problems = signatureProblems(signature, opened.session);
    if (problems.length > 0) {
      await opened.session.release();
      throw new InferenceError(
        'MODEL_FAILURE',
        `model.onnx does not match config.pbtxt: ${problems.join('; ')}`,
      );
    }
    const served = new ServedVersion(loaded, signature, opened.session, opened.provider, options);
    try {
      const started = performance.now();
      await served.warm();
      served.warmSeconds = (performance.now() - started) / 1000;
    } catch (error) {
      await opened.session.release();
      throw new InferenceError('MODEL_FAILURE', `warm-up run failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return served;
  }

  /** READY while serving, UNLOADING while draining, UNLOADED once the session is released. */
  get state(): ServedVersionState {
    return this.stateValue;
  }

  /** Requests queued or executing in this version's batcher. */
  get pending(): number {
    return this.batcher.pending;
  }

  /** Requests holding a reference (picked this version and not finished). */
  get inFlight(): number {
    return this.refs;
  }

  /**
   * Takes a reference for one request; the session stays open until it is released.
   *
   * @returns False when the version is no longer serving (the caller must pick another).
   */
  acquire(): boolean {
    if (this.stateValue !== 'READY') return false;
    this.refs++;
    return true;
  }

  /** Drops a reference taken by `acquire`; the last one of a retiring version releases the session. */
  release(): void {
    this.refs--;
    if (this.refs === 0 && this.drained) this.drained();
  }

  /**
   * Queues one validated request in the dynamic batcher. The caller must hold a reference.
   *
   * @param inputs - Input tensors in the shapes clients see.
   * @param rows - Batch size of the request.
   * @returns The request's rows of every output with queue and compute times.
   */
  infer(inputs: HostTensorMap, rows: number): Promise<BatchedResult> {
    return this.batcher.submit(inputs, rows);
  }

  /** Tells the batcher to re-examine its queue (an arrival hint changed). */
  poke(): void {
    this.batcher.poke();
  }

  /**
   * Stops serving: new acquires fail, requests already holding a reference finish, then the session is
   * released.
   *
   * @returns Resolves once the session is released.
   */
  retire(): Promise<void> {
    if (this.released) return this.released;
    this.stateValue = 'UNLOADING';
    this.released = new Promise<void>((resolve) => {
      this.drained = resolve;
      if (this.refs === 0) resolve();
    }).then(async () => {
      await this.session.release();
      this.stateValue = 'UNLOADED';
    });
    return this.released;
  }

  private async warm(): Promise<void> {
    const batched = this.signature.maxBatchSize > 0;
    const inputs: HostTensorMap = {};
    for (const spec of this.signature.inputs) {
      const shape = (batched ? [1] : []).concat(spec.dims.map((d) => (d === -1 ? 1 : d)));
      inputs[spec.name] = {
        datatype: spec.datatype,
        shape,
        data: DATATYPE_INFO[spec.datatype].allocate(elementCount(shape)),
      };
    }
    const outputs = await this.run(inputs, 1, false);
    for (const spec of this.signature.outputs) {
      const tensor = outputs[spec.name];
      if (batched && tensor.shape[0] !== 1)
        throw new Error(`output '${spec.name}' has shape [${tensor.shape.join(', ')}] for a batch of 1`);
    }
  }

  /**
   * The batcher's runner: one session.run on a (merged) batch, with shape and type conversion. `record`
   * is false for the warm-up run, which statistics and metrics leave out.
   */
  private async run(inputs: HostTensorMap, rows: number, record = true): Promise<HostTensorMap> {
    const batched = this.signature.maxBatchSize > 0;
    const prefix = batched ? [rows] : [];
    const t0 = performance.now();
    const feeds: Record<string, Tensor> = {};
    for (const spec of this.signature.inputs) {
      const tensor = inputs[spec.name];
      const dims = sameDims(spec.dims, spec.modelDims)
        ? (tensor.shape as number[])
        : resolveDims(prefix, spec.modelDims, tensor.data.length);
      feeds[spec.name] = new Tensor(DATATYPE_INFO[spec.datatype].ort, tensor.data as Float32Array, dims);
    }
    const t1 = performance.now();
    let results: InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds, this.outputNames);
    } catch (error) {
      throw new InferenceError(
        'MODEL_FAILURE',
        `${this.name} version ${this.version} failed to run: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const t2 = performance.now();
    const outputs: HostTensorMap = {};
    for (const spec of this.signature.outputs) {
      const value = results[spec.name];
      if (batched && value.dims[0] !== rows)
        throw new InferenceError(
          'MODEL_FAILURE',
          `${this.name} version ${this.version}: output '${spec.name}' has shape [${value.dims.join(', ')}] for a batch of ${rows}`,
        );
      const data = value.data as TensorArray;
      const shape = sameDims(spec.dims, spec.modelDims)
        ? (value.dims as number[])
        : resolveDims(prefix, spec.dims, data.length);
      const tensor: HostTensor = { datatype: spec.datatype, shape, data };
      outputs[spec.name] = tensor;
    }
    const t3 = performance.now();
    if (!record) return outputs;
    this.stats.recordExecution(rows, (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000);
    this.instruments.batch(rows, (t3 - t0) / 1000);
    return outputs;
  }
}
