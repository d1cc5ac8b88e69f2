import { MlError } from './errors';

/**
 * Cholesky factorisation A = LLᵀ of a symmetric positive-definite matrix.
 *
 * @param a - p × p row-major symmetric matrix (only the lower triangle is read).
 * @param p - order.
 * @returns L, p × p row-major lower-triangular (upper triangle zero).
 * @throws MlError `NOT_POSITIVE_DEFINITE` when a pivot is not positive (singular or indefinite A).
 */
export function cholesky(a: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) {
        if (!(s > 0))
          throw new MlError('NOT_POSITIVE_DEFINITE', `matrix is not positive definite (pivot ${i} = ${s})`);
        l[i * p + i] = Math.sqrt(s);
      } else {
        l[i * p + j] = s / l[j * p + j];
      }
    }
  }
  return l;
}

/**
 * Solves LLᵀx = b given the Cholesky factor L.
 *
 * @param l - p × p lower-triangular factor from `cholesky`.
 * @param p - order.
 * @param b - right-hand side, length p.
 * @returns x, length p.
 */
export function choleskySolve(l: Float64Array, p: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * x[k];
    x[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/**
 * The logistic function 1/(1 + e^(−t)) without overflow.
 *
 * @param t - log-odds.
 * @returns probability in [0, 1].
 */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}
