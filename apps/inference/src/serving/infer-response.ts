/** Encoding inference results as an OIP v2 JSON response. */
import type { TensorArray } from './datatypes';
import type { HostTensor, HostTensorMap } from './host-tensor';
import type { ModelSignature } from './signature';

/** One output tensor of an OIP v2 inference response. */
export interface ResponseTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: number[] | boolean[];
}

/** An OIP v2 inference response body. */
export interface InferResponseBody {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: ResponseTensor[];
}

/**
 * Converts a typed array to JSON-ready values: numbers (64-bit integers through Number, exact up to
 * 2^53 - 1) or booleans for BOOL.
 *
 * @param tensor - Tensor to convert.
 * @returns A new plain array, row-major.
 */
export function jsonData(tensor: HostTensor): number[] | boolean[] {
  const data: TensorArray = tensor.data;
  const n = data.length;
  if (tensor.datatype === 'BOOL') {
    const out = new Array<boolean>(n);
    for (let i = 0; i < n; i++) out[i] = data[i] !== 0;
    return out;
  }
  const out = new Array<number>(n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array)
    for (let i = 0; i < n; i++) out[i] = Number(data[i]);
  else for (let i = 0; i < n; i++) out[i] = data[i];
  return out;
}

/**
 * Builds the response body of one request.
 *
 * @param modelName - Model name as addressed.
 * @param version - The version that computed the outputs.
 * @param id - The request's id, echoed when given.
 * @param outputs - The request's share of every output tensor.
 * @param signature - The model's signature (gives the order of outputs).
 * @param requested - Output names the request asked for (in its order); undefined = all, in model order.
 * @returns `{ model_name, model_version, id?, outputs: [{ name, datatype, shape, data }] }` with flat data.
 */
export function encodeInferResponse(
  modelName: string,
  version: number,
  id: string | undefined,
  outputs: HostTensorMap,
  signature: ModelSignature,
  requested: readonly string[] | undefined,
): InferResponseBody {
  const names = requested ?? signature.outputs.map((s) => s.name);
  const tensors: ResponseTensor[] = [];
  for (const name of names) {
    const tensor = outputs[name];
    tensors.push({ name, datatype: tensor.datatype, shape: [...tensor.shape], data: jsonData(tensor) });
  }
  const model_version = String(version);
  return id === undefined
    ? { model_name: modelName, model_version, outputs: tensors }
    : { model_name: modelName, model_version, id, outputs: tensors };
}
