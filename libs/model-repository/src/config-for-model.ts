/**
 * The Triton config a model card implies, and the check that a config still matches a card: the tensor
 * declarations come from the card's signature, the serving settings from documented defaults.
 */
import type { ModelCard, TensorSignature } from '@calcscope/contracts';
import type {
  TritonDataType,
  TritonModelConfig,
  TritonTensorConfig,
  TritonVersionPolicy,
} from './config-types';
import { ModelRepositoryError } from './errors';

/** Serving settings for `configForModel`; every field optional, defaults in DEFAULT_SERVING_OPTIONS. */
export interface ConfigForModelOptions {
  /** Largest batch Triton (or Calcscope's batcher) may form. Only used when the signature is batched. */
  maxBatchSize?: number;
  /** Batch sizes the dynamic batcher forms first; each ≤ maxBatchSize. */
  preferredBatchSizes?: number[];
  /** How long a request may wait for others to join its batch (µs). */
  maxQueueDelayMicroseconds?: number;
  /** KIND_CPU, or KIND_GPU on a GPU host (with the CUDA build of ONNX Runtime). */
  instanceKind?: 'KIND_CPU' | 'KIND_GPU';
  /** Execution instances per device. */
  instanceCount?: number;
  versionPolicy?: TritonVersionPolicy;
  /** Backend parameters (ONNX Runtime: intra_op_thread_count, execution_mode, ...). */
  parameters?: Record<string, string>;
}

/**
 * Defaults and why:
 * - maxBatchSize 256: a tabular row is 41 floats, so 256 rows are ~42 KB in and out — far below any
 *   memory concern — and large enough that a batch amortises the per-call cost of session.run.
 * - preferredBatchSizes []: Triton's batcher guide advises against preferred sizes unless a size is much
 *   faster than its neighbours (TensorRT profiles); ONNX Runtime with a dynamic batch axis has no such
 *   size, so the batcher simply takes as many queued requests as it can, up to maxBatchSize.
 * - maxQueueDelayMicroseconds 500: a single-row tabular inference costs ~20–30 µs, so waiting up to 0.5 ms
 *   lets concurrent requests merge while keeping added latency small against an HTTP round trip.
 * - instance_group KIND_CPU × 1: ONNX Runtime already uses every core inside one session (intra-op
 *   threads); more instances would oversubscribe a small host. A GPU host passes instanceKind 'KIND_GPU'.
 * - versionPolicy latest 3: production, a staging/canary candidate and one rollback target stay loadable
 *   while the repository keeps every version ever written (nothing is overwritten), which `all` would load.
 */
export const DEFAULT_SERVING_OPTIONS: Readonly<Required<ConfigForModelOptions>> = Object.freeze({
  maxBatchSize: 256,
  preferredBatchSizes: Object.freeze([]) as unknown as number[],
  maxQueueDelayMicroseconds: 500,
  instanceKind: 'KIND_CPU',
  instanceCount: 1,
  versionPolicy: Object.freeze({ kind: 'latest', numVersions: 3 }),
  parameters: Object.freeze({}),
});

const DATA_TYPE_OF: Record<TensorSignature['datatype'], TritonDataType> = {
  FP32: 'TYPE_FP32',
  INT64: 'TYPE_INT64',
  INT32: 'TYPE_INT32',
  UINT8: 'TYPE_UINT8',
};

/** The card's tensors as the config must declare them, and whether they carry a batch dimension. */
type Signature = Pick<ModelCard, 'inputs' | 'outputs'>;

/**
 * Whether a signature is batched in Triton's sense: every input and output has -1 as its first axis.
 * Such a model gets max_batch_size > 0 and `dims` without that axis; otherwise max_batch_size is 0.
 */
export function isBatchedSignature(signature: Signature): boolean {
  return [...signature.inputs, ...signature.outputs].every(
    (tensor) => tensor.shape.length > 0 && tensor.shape[0] === -1,
  );
}

/**
 * Triton tensor declarations for card tensors.
 *
 * Parameters: `tensors` — the card's inputs or outputs; `batched` — drop the leading batch axis.
 * Returns one entry per tensor in the same order. A tensor left with no axes (e.g. `label` [N] when
 * batched) is declared `dims: [1]` with `reshape: { shape: [] }`, as Triton forbids empty dims.
 */
export function tensorsForSignature(
  tensors: readonly TensorSignature[],
  batched: boolean,
): TritonTensorConfig[] {
  return tensors.map((tensor) => {
    const dims = batched ? tensor.shape.slice(1) : [...tensor.shape];
    const dataType = DATA_TYPE_OF[tensor.datatype];
    if (dims.length === 0) return { name: tensor.name, dataType, dims: [1], reshape: { shape: [] } };
    return { name: tensor.name, dataType, dims };
  });
}

/**
 * The config.pbtxt content a model card implies.
 *
 * Parameters: `card` — name and signature of the model (a full ModelCard fits); `options` — serving
 * settings overriding DEFAULT_SERVING_OPTIONS (see there for the reasons behind each default).
 * Returns a config with platform 'onnxruntime_onnx', the card's tensors, and — when the signature is
 * batched (every tensor's first axis -1) — max_batch_size and dynamic_batching; an unbatched signature
 * gets max_batch_size 0, full shapes and no dynamic batching.
 * Raises ModelRepositoryError INVALID_ARGUMENT for a max batch size, preferred size, delay or instance
 * count that is not a positive (delay: non-negative) integer, or a preferred size above the maximum.
 */
export function configForModel(
  card: Pick<ModelCard, 'name'> & Signature,
  options: ConfigForModelOptions = {},
): TritonModelConfig {
  const defaults = DEFAULT_SERVING_OPTIONS;
  const settings: Required<ConfigForModelOptions> = {
    maxBatchSize: options.maxBatchSize ?? defaults.maxBatchSize,
    preferredBatchSizes: options.preferredBatchSizes ?? defaults.preferredBatchSizes,
    maxQueueDelayMicroseconds: options.maxQueueDelayMicroseconds ?? defaults.maxQueueDelayMicroseconds,
    instanceKind: options.instanceKind ?? defaults.instanceKind,
    instanceCount: options.instanceCount ?? defaults.instanceCount,
    versionPolicy: options.versionPolicy ?? defaults.versionPolicy,
    parameters: options.parameters ?? defaults.parameters,
  };
  const problems: string[] = [];
  const positive = (value: number, what: string) => {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${what} must be a positive integer`);
  };
  positive(settings.maxBatchSize, 'maxBatchSize');
  positive(settings.instanceCount, 'instanceCount');
  settings.preferredBatchSizes.forEach((size) => {
    positive(size, 'preferredBatchSizes entries');
    if (size > settings.maxBatchSize) problems.push(`preferred batch size ${size} exceeds maxBatchSize`);
  });
  const delay = settings.maxQueueDelayMicroseconds;
  if (!Number.isSafeInteger(delay) || delay < 0)
    problems.push('maxQueueDelayMicroseconds must be a non-negative integer');
  if (problems.length > 0)
    throw new ModelRepositoryError('INVALID_ARGUMENT', 'invalid serving options', problems);

  const batched = isBatchedSignature(card);
  const config: TritonModelConfig = {
    name: card.name,
    platform: 'onnxruntime_onnx',
    maxBatchSize: batched ? settings.maxBatchSize : 0,
    input: tensorsForSignature(card.inputs, batched),
    output: tensorsForSignature(card.outputs, batched),
  };
  if (batched)
    config.dynamicBatching = {
      preferredBatchSize: [...settings.preferredBatchSizes],
      maxQueueDelayMicroseconds: delay,
    };
  config.instanceGroup = [{ count: settings.instanceCount, kind: settings.instanceKind }];
  config.versionPolicy = structuredClone(settings.versionPolicy);
  if (Object.keys(settings.parameters).length > 0) config.parameters = { ...settings.parameters };
  return config;
}

function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function describe(tensor: TritonTensorConfig): string {
  const reshape = tensor.reshape ? ` reshape [${tensor.reshape.shape.join(', ')}]` : '';
  return `${tensor.dataType} dims [${tensor.dims.join(', ')}]${reshape}`;
}

function tensorProblems(
  kind: 'input' | 'output',
  expected: TritonTensorConfig[],
  declared: TritonTensorConfig[],
): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const have = declared.find((tensor) => tensor.name === want.name);
    if (have === undefined) problems.push(`${kind} '${want.name}' is missing from config.pbtxt`);
    else if (
      have.dataType !== want.dataType ||
      !sameNumbers(have.dims, want.dims) ||
      !sameNumbers(have.reshape?.shape, want.reshape?.shape)
    )
      problems.push(`${kind} '${want.name}': card implies ${describe(want)}, config has ${describe(have)}`);
  }
  for (const have of declared)
    if (!expected.some((tensor) => tensor.name === have.name))
      problems.push(`${kind} '${have.name}' is in config.pbtxt but not in the card`);
  return problems;
}

/**
 * Every difference between the tensors a card implies and those a config declares.
 *
 * Parameters: `card` — the signature; `config` — a parsed config.pbtxt.
 * Returns an empty list when they match: same batching (max_batch_size > 0 exactly when the signature is
 * batched) and, per tensor name, the same data type, dims and reshape. Order of tensors is not compared
 * (Triton binds tensors by name).
 */
export function signatureProblems(card: Signature, config: TritonModelConfig): string[] {
  const batched = isBatchedSignature(card);
  const problems: string[] = [];
  if (batched !== config.maxBatchSize > 0)
    problems.push(
      batched
        ? 'the card has a batch axis but config.pbtxt has max_batch_size 0'
        : `the card has no batch axis but config.pbtxt has max_batch_size ${config.maxBatchSize}`,
    );
  problems.push(...tensorProblems('input', tensorsForSignature(card.inputs, batched), config.input));
  problems.push(...tensorProblems('output', tensorsForSignature(card.outputs, batched), config.output));
  return problems;
}
