/**
 * Decoding and validating an OIP v2 JSON inference request against a model's signature: every check a
 * request can fail happens here, before anything is queued, and each failure names the tensor and rule.
 */
import { InferenceError } from '../errors';
import { DATATYPE_INFO, type DatatypeInfo, type TensorArray } from './datatypes';
import { elementCount, type HostTensor, type HostTensorMap } from './host-tensor';
import type { ModelSignature, TensorSpec } from './signature';

/** A validated inference request. */
export interface DecodedInferRequest {
  /** The caller's request id, echoed in the response. */
  readonly id?: string;
  /** Input tensors by name, in the shapes clients see (batch axis first for a batched model). */
  readonly inputs: HostTensorMap;
  /** Batch size of the request (the leading dimension; 1 for a model without a batch axis). */
  readonly rows: number;
  /** Names of the outputs to return, in request order; undefined = every output. */
  readonly outputs?: readonly string[];
}

function bad(message: string): InferenceError {
  return new InferenceError('BAD_REQUEST', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 20))}`;
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * Flattens nested JSON arrays (row-major) into `out`, refusing nesting deeper than the tensor's rank.
 * Returns the number of leaves written; leaves past `out.length` are counted but not stored.
 */
function flattenNested(
  value: unknown[],
  depth: number,
  maxDepth: number,
  out: unknown[],
  name: string,
): void {
  if (depth > maxDepth)
    throw bad(`input '${name}': data is nested deeper than the tensor's rank ${maxDepth}`);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (Array.isArray(item)) flattenNested(item, depth + 1, maxDepth, out, name);
    else out.push(item);
  }
}

function elementProblem(
  name: string,
  datatype: string,
  index: number,
  value: unknown,
  info: DatatypeInfo,
): string {
  const where = `input '${name}' (${datatype}) element ${index}`;
  if (value === null)
    return `${where} is null: NaN and Infinity are not valid ${datatype} data (JSON.stringify writes them as null)`;
  if (info.kind === 'bool') return `${where} is ${describeValue(value)}, expected true or false`;
  if (typeof value !== 'number') return `${where} is ${describeValue(value)}, expected a number`;
  if (info.kind === 'float')
    return `${where} is ${value}: ${datatype} data must be finite and within ±${info.max}`;
  if (!Number.isInteger(value)) return `${where} is ${value}, expected an integer`;
  return `${where} is ${value}, outside [${info.min}, ${info.max}]${info.kind === 'bigint' ? ' (JSON numbers are exact only up to 2^53 - 1)' : ''}`;
}

/**
 * Copies validated JSON leaves into a typed array of the datatype.
 *
 * @returns The typed array, or throws BAD_REQUEST naming the first bad element.
 */
function fillTensor(name: string, spec: TensorSpec, leaves: readonly unknown[], count: number): TensorArray {
  const info = DATATYPE_INFO[spec.datatype];
  const out = info.allocate(count);
  const min = info.min;
  const max = info.max;
  if (info.kind === 'float') {
    const target = out as Float32Array | Float64Array;
    for (let i = 0; i < count; i++) {
      const v = leaves[i];
      // typeof + range also rejects NaN (every comparison with NaN is false) and ±Infinity.
      if (typeof v !== 'number' || !(v >= min && v <= max))
        throw bad(elementProblem(name, spec.datatype, i, v, info));
      target[i] = v;
    }
  } else if (info.kind === 'integer') {
    const target = out as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
    for (let i = 0; i < count; i++) {
      const v = leaves[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw bad(elementProblem(name, spec.datatype, i, v, info));
      target[i] = v;
    }
  } else if (info.kind === 'bigint') {
    const target = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < count; i++) {
      const v = leaves[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        throw bad(elementProblem(name, spec.datatype, i, v, info));
      target[i] = BigInt(v);
    }
  } else {
    const target = out as Uint8Array;
    for (let i = 0; i < count; i++) {
      const v = leaves[i];
      if (typeof v !== 'boolean') throw bad(elementProblem(name, spec.datatype, i, v, info));
      target[i] = v ? 1 : 0;
    }
  }
  return out;
}

function readShape(name: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw bad(`input '${name}': 'shape' must be an array of non-negative integers`);
  for (const d of value)
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw bad(
        `input '${name}': 'shape' must be an array of non-negative integers, got ${JSON.stringify(value)}`,
      );
  return value as number[];
}

function checkShape(
  name: string,
  shape: readonly number[],
  spec: TensorSpec,
  signature: ModelSignature,
): void {
  const batched = signature.maxBatchSize > 0;
  const expected = batched ? [-1, ...spec.dims] : spec.dims;
  const describe = `[${expected.join(', ')}]`;
  if (shape.length !== expected.length)
    throw bad(
      `input '${name}': shape [${shape.join(', ')}] has rank ${shape.length}, the model expects ${describe}`,
    );
  for (let i = 0; i < shape.length; i++) {
    const want = expected[i];
    if (shape[i] === 0) throw bad(`input '${name}': shape [${shape.join(', ')}] has an empty axis ${i}`);
    if (want !== -1 && shape[i] !== want)
      throw bad(
        `input '${name}': shape [${shape.join(', ')}] does not match the model's ${describe} at axis ${i}`,
      );
  }
  if (batched && shape[0] > signature.maxBatchSize)
    throw bad(
      `input '${name}': batch size ${shape[0]} exceeds the model's max_batch_size ${signature.maxBatchSize}`,
    );
}

function decodeInput(raw: unknown, index: number, signature: ModelSignature): [TensorSpec, HostTensor] {
  if (!isPlainObject(raw))
    throw bad(`inputs[${index}] must be an object with name, shape, datatype and data`);
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw bad(`inputs[${index}].name must be a non-empty string`);
  const spec = signature.inputs.find((s) => s.name === name);
  if (spec === undefined)
    throw bad(
      `unknown input '${name}'; the model's inputs are ${signature.inputs.map((s) => `'${s.name}'`).join(', ')}`,
    );
  if (raw.datatype !== spec.datatype)
    throw bad(
      `input '${name}': datatype ${typeof raw.datatype === 'string' ? raw.datatype.slice(0, 20) : describeValue(raw.datatype)} does not match the model's ${spec.datatype}`,
    );
  const parameters = raw.parameters;
  if (parameters !== undefined && !isPlainObject(parameters))
    throw bad(`input '${name}': 'parameters' must be an object`);
  if (parameters && parameters.binary_data_size !== undefined)
    throw bad(`input '${name}': binary tensor data is not supported; send the values as JSON 'data'`);
  const shape = readShape(name, raw.shape);
  checkShape(name, shape, spec, signature);
  const data = raw.data;
  if (!Array.isArray(data)) throw bad(`input '${name}': 'data' must be an array (flat or nested, row-major)`);
  const count = elementCount(shape);
  let leaves: unknown[] = data;
  if (data.length > 0 && Array.isArray(data[0])) {
    if (data.length > count)
      throw bad(`input '${name}': data holds more than the ${count} elements of shape [${shape.join(', ')}]`);
    leaves = [];
    flattenNested(data, 1, shape.length, leaves, name);
  }
  if (leaves.length !== count)
    throw bad(
      `input '${name}': data holds ${leaves.length} elements, shape [${shape.join(', ')}] needs ${count}`,
    );
  return [spec, { datatype: spec.datatype, shape, data: fillTensor(name, spec, leaves, count) }];
}

function decodeRequestedOutputs(raw: unknown, signature: ModelSignature): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw bad(`'outputs' must be an array of {"name": ...} objects`);
  const names: string[] = [];
  raw.forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string')
      throw bad(`outputs[${index}] must be an object with a string 'name'`);
    if (!signature.outputs.some((s) => s.name === entry.name))
      throw bad(
        `unknown output '${entry.name}'; the model's outputs are ${signature.outputs.map((s) => `'${s.name}'`).join(', ')}`,
      );
    const parameters = entry.parameters;
    if (parameters !== undefined && !isPlainObject(parameters))
      throw bad(`output '${entry.name}': 'parameters' must be an object`);
    if (parameters && parameters.binary_data === true)
      throw bad(
        `output '${entry.name}': binary tensor data is not supported; omit binary_data or set it false`,
      );
    if (!names.includes(entry.name)) names.push(entry.name);
  });
  return names;
}

/**
 * Validates an OIP v2 inference request body and converts its tensors to typed arrays.
 *
 * @param body - The parsed JSON body.
 * @param signature - The signature of the model version that will run it.
 * @returns The request id, input tensors, batch size and requested outputs.
 * @throws InferenceError BAD_REQUEST, naming the tensor and the rule: body not an object; `id` not a
 *   string; `inputs` missing or empty; an unknown, duplicated or missing input; a datatype other than the
 *   model's; a shape of the wrong rank, with a wrong fixed dimension, an empty axis or a batch above
 *   max_batch_size; inputs with different batch sizes; `data` not an array, nested deeper than the rank or
 *   holding a different number of elements than the shape; an element that is not a finite number within
 *   the datatype's range (NaN/Infinity arrive as null), not an integer, or not a boolean; binary data
 *   parameters; an unknown requested output.
 */
export function decodeInferRequest(body: unknown, signature: ModelSignature): DecodedInferRequest {
  if (!isPlainObject(body)) throw bad('the request body must be a JSON object with an "inputs" array');
  const id = body.id;
  if (id !== undefined && typeof id !== 'string')
    throw bad(`'id' must be a string, got ${describeValue(id)}`);
  const parameters = body.parameters;
  if (parameters !== undefined && !isPlainObject(parameters)) throw bad(`'parameters' must be an object`);
  if (parameters && parameters.binary_data_output === true)
    throw bad('binary tensor data is not supported; omit binary_data_output or set it false');
  const rawInputs = body.inputs;
  if (!Array.isArray(rawInputs) || rawInputs.length === 0)
    throw bad(`'inputs' must be a non-empty array of tensors`);
  const inputs: HostTensorMap = {};
  let rows = -1;
  for (let i = 0; i < rawInputs.length; i++) {
    const [spec, tensor] = decodeInput(rawInputs[i], i, signature);
    if (Object.hasOwn(inputs, spec.name)) throw bad(`input '${spec.name}' is given twice`);
    const tensorRows = signature.maxBatchSize > 0 ? tensor.shape[0] : 1;
    if (rows !== -1 && tensorRows !== rows)
      throw bad(`input '${spec.name}' has batch size ${tensorRows}, other inputs ${rows}; all must agree`);
    rows = tensorRows;
    inputs[spec.name] = tensor;
  }
  for (const spec of signature.inputs)
    if (!Object.hasOwn(inputs, spec.name)) throw bad(`input '${spec.name}' is missing`);
  const outputs = decodeRequestedOutputs(body.outputs, signature);
  return { ...(id === undefined ? {} : { id }), inputs, rows, ...(outputs === undefined ? {} : { outputs }) };
}
