/** A tensor held in JavaScript memory between the protocol layer and onnxruntime. */
import type { ServedDatatype, TensorArray } from './datatypes';

/** A dense row-major tensor; `data.length` equals the product of `shape`. */
export interface HostTensor {
  readonly datatype: ServedDatatype;
  readonly shape: readonly number[];
  readonly data: TensorArray;
}

/** Tensors by name. */
export type HostTensorMap = Record<string, HostTensor>;

/**
 * Number of elements of a shape.
 *
 * @param shape - Non-negative dimensions.
 * @returns Their product (1 for a scalar shape `[]`).
 */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}
