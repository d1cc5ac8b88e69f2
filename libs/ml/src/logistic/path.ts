import { MlError } from '../core/errors';
import { checkTrainingSet, type Dataset } from '../core/matrix';
import { fitStandardizer, type Standardizer, standardize } from '../core/standardize';

/** Coefficients of L1-penalised logistic regression along a decreasing λ sequence. */
export interface LassoPath {
  readonly standardizer: Standardizer;
  readonly featureCount: number;
  /** Decreasing penalties. */
  readonly lambdas: Float64Array;
  /** Intercept per λ (standardized-feature model). */
  readonly intercepts: Float64Array;
  /** lambdas.length × featureCount, row-major: coefficients of standardized features per λ. */
  readonly coefficients: Float64Array;
  /** Whether each λ's fit met the tolerance within the iteration limits. */
  readonly converged: Uint8Array;
  /** The λ above which every coefficient is 0 on this training set. */
  readonly lambdaMax: number;
}

/** Path settings. */
export interface LassoPathOptions {
  /** Explicit decreasing λ ≥ 0 values (override nLambda / lambdaMinRatio). */
  readonly lambdas?: readonly number[];
  /** Number of λ values (default 100), log-spaced from λ_max down to λ_max · lambdaMinRatio. */
  readonly nLambda?: number;
  /** Default 1e-4 when n > p, else 1e-2 (glmnet's choice). */
  readonly lambdaMinRatio?: number;
  /** Convergence threshold on max_j (Σᵢwᵢxᵢⱼ²/n)·Δβⱼ² of a coordinate sweep (default 1e-7, as glmnet). */
  readonly tolerance?: number;
  /** Coordinate sweeps per λ over all inner loops (default 100,000). */
  readonly maxSweeps?: number;
  /** IRLS (outer) iterations per λ (default 100). */
  readonly maxOuterIterations?: number;
}

/** glmnet bounds fitted probabilities away from 0 and 1 so IRLS weights stay positive. */
const PROBABILITY_FLOOR = 1e-5;

/**
 * The smallest λ at which all coefficients are 0: max_j |Σᵢ zᵢⱼ (yᵢ − ȳ)| / n over standardized columns z.
 *
 * @param zColumns - standardized features, column-major (p columns of n).
 * @param y - labels.
 * @param n - rows.
 * @param p - columns.
 */
function lambdaMaxOf(zColumns: Float64Array, y: Uint8Array, n: number, p: number): number {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let best = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += zColumns[j * n + i] * (y[i] - mean);
    best = Math.max(best, Math.abs(s) / n);
  }
  return best;
}

function softThreshold(v: number, t: number): number {
  if (v > t) return v - t;
  if (v < -t) return v + t;
  return 0;
}

/**
 * λ_max of a training set: the smallest penalty at which the LASSO logistic fit has all coefficients 0.
 *
 * @param train - training set.
 * @returns max_j |Σᵢ zᵢⱼ (yᵢ − ȳ)| / n over the standardized features z.
 * @throws MlError from validation.
 */
export function lassoLambdaMax(train: Dataset): number {
  checkTrainingSet(train);
  const { rows: n, cols: p } = train.x;
  return lambdaMaxOf(columnMajor(standardize(fitStandardizer(train.x), train.x).data, n, p), train.y, n, p);
}

function columnMajor(rowMajor: Float64Array | Float32Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[j * n + i] = rowMajor[i * p + j];
  return out;
}

/**
 * The λ sequence of a path: explicit values, or `nLambda` values log-spaced from λ_max to λ_max·ratio.
 *
 * @param lambdaMax - λ_max of the training set.
 * @param n - rows; p - features (pick the default ratio).
 * @param options - path options.
 * @returns decreasing λ values.
 * @throws MlError `INVALID_OPTION` for negative, non-finite or increasing explicit values.
 */
export function lambdaSequence(
  lambdaMax: number,
  n: number,
  p: number,
  options: LassoPathOptions = {},
): Float64Array {
  if (options.lambdas) {
    const values = Float64Array.from(options.lambdas);
    values.forEach((v, i) => {
      if (!(v >= 0 && Number.isFinite(v)))
        throw new MlError('INVALID_OPTION', `lambda ${v} must be finite and ≥ 0`);
      if (i > 0 && v > values[i - 1]) throw new MlError('INVALID_OPTION', 'lambdas must be decreasing');
    });
    return values;
  }
  const count = options.nLambda ?? 100;
  if (!(Number.isInteger(count) && count >= 1))
    throw new MlError('INVALID_OPTION', `nLambda ${count} must be ≥ 1`);
  const ratio = options.lambdaMinRatio ?? (n > p ? 1e-4 : 1e-2);
  if (!(ratio > 0 && ratio < 1))
    throw new MlError('INVALID_OPTION', `lambdaMinRatio ${ratio} outside (0, 1)`);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = lambdaMax * ratio ** (count === 1 ? 0 : k / (count - 1));
  return out;
}

/**
 * Fits L1-penalised logistic regression along a λ path by cyclic coordinate descent, as glmnet
 * (Friedman, Hastie & Tibshirani 2010): features standardized (population sd), unpenalised intercept,
 * objective −(1/n)·log-likelihood + λ‖β‖₁; for each λ an IRLS outer loop builds the weighted least-squares
 * approximation, and coordinate descent with soft-thresholding solves it, sweeping the active set until it
 * converges and then all features to confirm; each λ starts from the previous λ's solution (warm start).
 *
 * @param train - training set (both classes, finite).
 * @param options - see `LassoPathOptions`.
 * @returns the path (coefficients in standardized units; `rawLinearCoefficients` converts).
 * @throws MlError from validation and `lambdaSequence`.
 */
export function fitLassoPath(train: Dataset, options: LassoPathOptions = {}): LassoPath {
  checkTrainingSet(train);
  const { rows: n, cols: p } = train.x;
  const standardizer = fitStandardizer(train.x);
  // Column-major: coordinate descent walks columns.
  const z = columnMajor(standardize(standardizer, train.x).data, n, p);
  const y = train.y;
  const lambdaMax = lambdaMaxOf(z, y, n, p);
  const lambdas = lambdaSequence(lambdaMax, n, p, options);
  const tolerance = options.tolerance ?? 1e-7;
  const maxSweeps = options.maxSweeps ?? 100_000;
  const maxOuter = options.maxOuterIterations ?? 100;

  const intercepts = new Float64Array(lambdas.length);
  const coefficients = new Float64Array(lambdas.length * p);
  const converged = new Uint8Array(lambdas.length);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let beta0 = Math.log(mean / (1 - mean));
  const beta = new Float64Array(p);
  const eta = new Float64Array(n);
  const w = new Float64Array(n);
  const r = new Float64Array(n); // working residual zᵢ − ηᵢ of the quadratic approximation
  const xw = new Float64Array(p);
  const active = new Uint8Array(p);

  for (let l = 0; l < lambdas.length; l++) {
    const lambda = lambdas[l];
    let sweeps = 0;
    let outerConverged = false;
    for (let outer = 0; outer < maxOuter && sweeps < maxSweeps; outer++) {
      // --- IRLS: weights and working residuals at the current coefficients ---
      for (let i = 0; i < n; i++) {
        let e = beta0;
        for (let j = 0; j < p; j++) if (beta[j] !== 0) e += beta[j] * z[j * n + i];
        eta[i] = e;
        let prob = 1 / (1 + Math.exp(-e));
        prob = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, prob));
        w[i] = prob * (1 - prob);
        r[i] = (y[i] - prob) / w[i];
      }
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i] * z[j * n + i] * z[j * n + i];
        xw[j] = s / n;
      }
      let weightSum = 0;
      for (let i = 0; i < n; i++) weightSum += w[i];
      const startBeta0 = beta0;
      const startBeta = Float64Array.from(beta);
      // --- coordinate descent on the penalised weighted least squares ---
      let onlyActive = false;
      while (sweeps < maxSweeps) {
        sweeps++;
        let maxChange = 0;
        for (let j = 0; j < p; j++) {
          if (onlyActive && !active[j]) continue;
          let g = 0;
          const oj = j * n;
          for (let i = 0; i < n; i++) g += w[i] * z[oj + i] * r[i];
          g /= n;
          const old = beta[j];
          const updated = softThreshold(g + xw[j] * old, lambda) / xw[j];
          if (updated !== old) {
            const delta = updated - old;
            for (let i = 0; i < n; i++) r[i] -= delta * z[oj + i];
            beta[j] = updated;
            maxChange = Math.max(maxChange, xw[j] * delta * delta);
          }
          active[j] = beta[j] !== 0 ? 1 : active[j];
        }
        let interceptStep = 0;
        for (let i = 0; i < n; i++) interceptStep += w[i] * r[i];
        interceptStep /= weightSum;
        if (interceptStep !== 0) {
          for (let i = 0; i < n; i++) r[i] -= interceptStep;
          beta0 += interceptStep;
          maxChange = Math.max(maxChange, (weightSum / n) * interceptStep * interceptStep);
        }
        if (maxChange < tolerance) {
          if (!onlyActive) break; // a full sweep changed nothing: converged
          onlyActive = false; // active set converged: confirm with a full sweep
        } else if (!onlyActive) {
          onlyActive = true;
        }
      }
      // --- outer convergence: the quadratic approximation barely moved the coefficients ---
      let outerChange = (weightSum / n) * (beta0 - startBeta0) ** 2;
      for (let j = 0; j < p; j++) outerChange = Math.max(outerChange, xw[j] * (beta[j] - startBeta[j]) ** 2);
      if (outerChange < tolerance) {
        outerConverged = true;
        break;
      }
    }
    intercepts[l] = beta0;
    coefficients.set(beta, l * p);
    converged[l] = outerConverged ? 1 : 0;
  }
  return { standardizer, featureCount: p, lambdas, intercepts, coefficients, converged, lambdaMax };
}
