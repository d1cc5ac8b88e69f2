/**
 * A model's tensor signature as the service exposes it, derived from config.pbtxt the way Triton does:
 * when max_batch_size > 0 every tensor gets a leading batch axis (-1) that `dims` leave out, and `reshape`
 * gives the shape the ONNX graph itself uses when it differs from the shape clients see.
 */
import type { TritonModelConfig, TritonTensorConfig } from '@calcscope/model-repository';
import { InferenceError } from '../errors';
import { isServedDatatype, oipDatatypeOfTriton, type ServedDatatype } from './datatypes';

/** One input or output tensor. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: ServedDatatype;
  /** Shape clients see, without the batch axis; -1 marks a variable axis. */
  readonly dims: readonly number[];
  /** Shape the ONNX graph uses, without the batch axis (config `reshape`, else `dims`). */
  readonly modelDims: readonly number[];
}

/** Inputs, outputs and batching of one model. */
export interface ModelSignature {
  /** Largest batch a request or a merged batch may hold; 0 when the model has no batch axis. */
  readonly maxBatchSize: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

function fixedSize(dims: readonly number[]): number | undefined {
  let size = 1;
  for (const d of dims) {
    if (d < 0) return undefined;
    size *= d;
  }
  return size;
}

function specOf(tensor: TritonTensorConfig, kind: 'input' | 'output'): TensorSpec {
  const datatype = oipDatatypeOfTriton(tensor.dataType);
  if (!isServedDatatype(datatype))
    throw new InferenceError(
      'MODEL_FAILURE',
      `${kind} '${tensor.name}' has data_type ${tensor.dataType}, which the JSON tensor protocol of this service does not carry`,
    );
  const modelDims = tensor.reshape ? tensor.reshape.shape : tensor.dims;
  const apiSize = fixedSize(tensor.dims);
  const modelSize = fixedSize(modelDims);
  if (tensor.reshape && apiSize !== undefined && modelSize !== undefined && apiSize !== modelSize)
    throw new InferenceError(
      'MODEL_FAILURE',
      `${kind} '${tensor.name}': reshape [${modelDims.join(', ')}] holds ${modelSize} elements, dims [${tensor.dims.join(', ')}] ${apiSize}`,
    );
  return { name: tensor.name, datatype, dims: [...tensor.dims], modelDims: [...modelDims] };
}

/**
 * The signature a config.pbtxt declares.
 *
 * @param config - A parsed config.pbtxt (already checked against the model card by the repository).
 * @returns Inputs and outputs in config order and the max batch size.
 * @throws InferenceError MODEL_FAILURE for a datatype this service cannot carry (FP16, BF16, BYTES), a
 *   reshape whose element count differs from its dims, or a config without inputs or outputs.
 */
export function signatureFromConfig(config: TritonModelConfig): ModelSignature {
  if (config.input.length === 0 || config.output.length === 0)
    throw new InferenceError('MODEL_FAILURE', 'config.pbtxt declares no inputs or no outputs');
  return {
    maxBatchSize: config.maxBatchSize,
    inputs: config.input.map((t) => specOf(t, 'input')),
    outputs: config.output.map((t) => specOf(t, 'output')),
  };
}

/**
 * The full shape clients see for a tensor, as OIP metadata reports it.
 *
 * @param spec - The tensor.
 * @param signature - Its model's signature (decides whether a batch axis leads).
 * @returns `[-1, ...dims]` for a batched model, else `dims`.
 */
export function apiShape(spec: TensorSpec, signature: ModelSignature): number[] {
  return signature.maxBatchSize > 0 ? [-1, ...spec.dims] : [...spec.dims];
}
