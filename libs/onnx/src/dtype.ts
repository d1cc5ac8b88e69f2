/**
 * Element types the builder knows, named as onnxruntime-node names them (`ort.Tensor` type strings), so a
 * graph's declared types and the tensors fed to it use one vocabulary.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** ONNX `TensorProto.DataType` code of each element type (onnx.proto3: FLOAT = 1, ..., DOUBLE = 11). */
export const ONNX_DATA_TYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** The typed array that holds raw data of each element type (bool as one byte per element). */
export interface DTypeArray {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any typed array the builder accepts as initializer data. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * Whether values of this element type can carry gradients.
 *
 * @param dtype - Element type.
 * @returns True for float32 and float64.
 */
export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * The element type a typed array holds when used as initializer data.
 *
 * @param data - Initializer data. A Uint8Array is read as uint8 (pass `'bool'` explicitly where needed).
 * @returns The matching element type.
 */
export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}
