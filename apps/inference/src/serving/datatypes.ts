/**
 * Tensor element types across the three vocabularies the service speaks: the Open Inference Protocol's
 * datatype names (FP32, INT64, ...), Triton's config.pbtxt names (TYPE_FP32, ...) and onnxruntime's tensor
 * types (float32, int64, ...), with the typed array that holds each.
 */

/** Datatypes of the Open Inference Protocol (KServe V2 / Triton). */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

/** Datatypes this service can carry as JSON numbers or booleans (FP16 and BYTES are not served). */
export type ServedDatatype = Exclude<OipDatatype, 'FP16' | 'BYTES'>;

/** A typed array holding one served datatype. */
export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** onnxruntime's name of each served datatype's tensor type. */
export type OrtTensorType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** How one served datatype is stored and checked. */
export interface DatatypeInfo {
  readonly ort: OrtTensorType;
  /** Allocates an array of `length` elements. */
  readonly allocate: (length: number) => TensorArray;
  /** JSON form of an element: a finite number, an integer in [min, max], or a boolean. */
  readonly kind: 'float' | 'integer' | 'bigint' | 'bool';
  /** Inclusive range of integer kinds; FP32's largest finite magnitude for floats. */
  readonly min: number;
  readonly max: number;
}

const FLT_MAX = 3.4028234663852886e38;

export const DATATYPE_INFO: Readonly<Record<ServedDatatype, DatatypeInfo>> = {
  BOOL: { ort: 'bool', allocate: (n) => new Uint8Array(n), kind: 'bool', min: 0, max: 1 },
  UINT8: { ort: 'uint8', allocate: (n) => new Uint8Array(n), kind: 'integer', min: 0, max: 255 },
  UINT16: { ort: 'uint16', allocate: (n) => new Uint16Array(n), kind: 'integer', min: 0, max: 65535 },
  UINT32: { ort: 'uint32', allocate: (n) => new Uint32Array(n), kind: 'integer', min: 0, max: 4294967295 },
  UINT64: {
    ort: 'uint64',
    allocate: (n) => new BigUint64Array(n),
    kind: 'bigint',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  },
  INT8: { ort: 'int8', allocate: (n) => new Int8Array(n), kind: 'integer', min: -128, max: 127 },
  INT16: { ort: 'int16', allocate: (n) => new Int16Array(n), kind: 'integer', min: -32768, max: 32767 },
  INT32: {
    ort: 'int32',
    allocate: (n) => new Int32Array(n),
    kind: 'integer',
    min: -2147483648,
    max: 2147483647,
  },
  INT64: {
    ort: 'int64',
    allocate: (n) => new BigInt64Array(n),
    kind: 'bigint',
    min: Number.MIN_SAFE_INTEGER,
    max: Number.MAX_SAFE_INTEGER,
  },
  FP32: { ort: 'float32', allocate: (n) => new Float32Array(n), kind: 'float', min: -FLT_MAX, max: FLT_MAX },
  FP64: {
    ort: 'float64',
    allocate: (n) => new Float64Array(n),
    kind: 'float',
    min: -Number.MAX_VALUE,
    max: Number.MAX_VALUE,
  },
};

/**
 * Whether a datatype name is one this service serves.
 *
 * @param name - A datatype name from a request or a config.
 * @returns True for BOOL, UINT8–UINT64, INT8–INT64, FP32 and FP64.
 */
export function isServedDatatype(name: unknown): name is ServedDatatype {
  return typeof name === 'string' && Object.hasOwn(DATATYPE_INFO, name);
}

/**
 * The OIP datatype of a config.pbtxt `data_type`.
 *
 * @param tritonType - e.g. `TYPE_FP32`; `TYPE_STRING` is BYTES, `TYPE_BF16` BF16.
 * @returns The datatype name without the `TYPE_` prefix (STRING becomes BYTES).
 */
export function oipDatatypeOfTriton(tritonType: string): string {
  const name = tritonType.replace(/^TYPE_/, '');
  return name === 'STRING' ? 'BYTES' : name;
}

/**
 * The OIP datatype of an onnxruntime tensor type.
 *
 * @param ortType - e.g. `float32`.
 * @returns The served datatype, or undefined for a type this service does not serve (string, float16, ...).
 */
export function oipDatatypeOfOrt(ortType: string): ServedDatatype | undefined {
  for (const [name, info] of Object.entries(DATATYPE_INFO))
    if (info.ort === ortType) return name as ServedDatatype;
  return undefined;
}
