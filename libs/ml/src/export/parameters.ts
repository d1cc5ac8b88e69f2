import { OnnxExportError } from './errors';

/**
 * Copies model parameters for a float64 initializer, refusing NaN and ±∞.
 *
 * @param values - Parameters.
 * @param what - Name used in the error message (e.g. `'svm support vectors'`).
 * @returns A new Float64Array with the same values.
 * @throws OnnxExportError `INVALID_MODEL` for a non-finite value.
 */
export function finiteFloat64(values: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new OnnxExportError('INVALID_MODEL', `${what}[${i}] = ${out[i]}`);
  }
  return out;
}

/**
 * One finite number.
 *
 * @param value - The number.
 * @param what - Name used in the error message.
 * @returns The value.
 * @throws OnnxExportError `INVALID_MODEL` when it is NaN or ±∞.
 */
export function finiteScalar(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new OnnxExportError('INVALID_MODEL', `${what} = ${value}`);
  return value;
}

/**
 * Throws unless an array has the expected length.
 *
 * @param values - The array.
 * @param expected - Its required length.
 * @param what - Name used in the error message.
 * @throws OnnxExportError `INVALID_MODEL` on a mismatch.
 */
export function checkLength(values: ArrayLike<unknown>, expected: number, what: string): void {
  if (values.length !== expected) {
    throw new OnnxExportError('INVALID_MODEL', `${what} has ${values.length} values, expected ${expected}`);
  }
}
