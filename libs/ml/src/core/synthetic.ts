import { MlError } from './errors';
import type { Dataset } from './matrix';
import { createGaussian, createRandom } from './random';

/** Settings of `gaussianClasses`. */
export interface GaussianClassesOptions {
  /** Rows in all (≥ 2). */
  readonly n: number;
  /** Features (≥ 1). */
  readonly p: number;
  /** Mean of class 0 (length p); default all zeros. */
  readonly mean0?: readonly number[];
  /** Mean of class 1 (length p); default all zeros except `separation` on feature 0. */
  readonly mean1?: readonly number[];
  /** Distance between the class means along feature 0 when mean1 is not given (default 2). */
  readonly separation?: number;
  /** Lower-triangular Cholesky factor L (p × p, row-major) of the shared covariance LLᵀ; default identity. */
  readonly choleskyFactor?: readonly number[];
  /** Probability of class 1 (default 0.5). */
  readonly positiveFraction?: number;
  readonly seed: number;
}

/**
 * Draws a two-class Gaussian data set x | y ~ N(mean_y, LLᵀ) with y ~ Bernoulli(positiveFraction), for
 * tests and benchmarks whose Bayes rule is known in closed form.
 *
 * @param options - see `GaussianClassesOptions`.
 * @returns the dataset (Float64, row-major).
 * @throws MlError `INVALID_OPTION` for sizes or vectors of the wrong length.
 */
export function gaussianClasses(options: GaussianClassesOptions): Dataset {
  const { n, p, seed } = options;
  if (!(n >= 2 && p >= 1 && Number.isInteger(n) && Number.isInteger(p))) {
    throw new MlError('INVALID_OPTION', `n = ${n}, p = ${p} must be integers ≥ 2 and ≥ 1`);
  }
  const mean0 = options.mean0 ?? new Array<number>(p).fill(0);
  const mean1 =
    options.mean1 ?? Array.from({ length: p }, (_, j) => (j === 0 ? (options.separation ?? 2) : 0));
  const factor = options.choleskyFactor;
  if (mean0.length !== p || mean1.length !== p || (factor && factor.length !== p * p)) {
    throw new MlError('INVALID_OPTION', 'mean or Cholesky factor length does not match p');
  }
  const random = createRandom(seed);
  const gaussian = createGaussian(random);
  const positiveFraction = options.positiveFraction ?? 0.5;
  const x = new Float64Array(n * p);
  const y = new Uint8Array(n);
  const z = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    y[r] = random() < positiveFraction ? 1 : 0;
    const mean = y[r] === 1 ? mean1 : mean0;
    for (let j = 0; j < p; j++) z[j] = gaussian();
    for (let i = 0; i < p; i++) {
      let v = 0;
      if (factor) for (let j = 0; j <= i; j++) v += factor[i * p + j] * z[j];
      else v = z[i];
      x[r * p + i] = mean[i] + v;
    }
  }
  return { x: { rows: n, cols: p, data: x }, y };
}
