import { MlError } from '../core/errors';
import { checkFinite, checkTrainingSet, type Dataset, type Matrix, selectRows } from '../core/matrix';
import { fitStandardizer, type Standardizer, standardize } from '../core/standardize';
import { stratifiedKFold } from '../cv/folds';
import { decisionFromFullKernel, subsetLabels } from './fold-kernel';
import {
  type KernelColumns,
  PrecomputedKernel,
  RbfKernelCache,
  rbfFromSquaredDistances,
  squaredDistanceMatrix,
  squareSubmatrix,
} from './kernel';
import { fitPlattSigmoid, type PlattSigmoid, plattProbability } from './platt';
import { type SmoOptions, type SvmDualSolution, solveSvmDual } from './smo';

/**
 * A trained RBF C-SVC with Platt probabilities, as plain data (what the ONNX exporter reads).
 *
 * For a raw feature row x: z = (x − standardizer.mean) / standardizer.scale;
 * f(z) = Σₛ dualCoefficients[s] · exp(−gamma · ‖z − supportVectors[s]‖²) + bias;
 * P(malignant) = 1 / (1 + exp(platt.a · f + platt.b)); label = P > 0.5.
 */
export interface SvmModel {
  readonly family: 'svm';
  readonly featureCount: number;
  readonly standardizer: Standardizer;
  readonly kernel: 'rbf';
  /** RBF width γ, in 1 / (standardized units)². */
  readonly gamma: number;
  /** Box constraint C. */
  readonly c: number;
  /** supportVectorCount × featureCount, row-major, standardized units. */
  readonly supportVectors: Float64Array;
  readonly supportVectorCount: number;
  /** αₛ·yₛ with yₛ = ±1, one per support vector. */
  readonly dualCoefficients: Float64Array;
  /** −ρ. */
  readonly bias: number;
  readonly platt: PlattSigmoid;
  /** SMO iterations of the final fit and whether it met its tolerance (diagnostics for the model card). */
  readonly iterations: number;
  readonly converged: boolean;
}

/** Hyperparameters and solver settings of one SVM fit. */
export interface SvmParams extends SmoOptions {
  readonly c: number;
  readonly gamma: number;
  /** Folds of the internal CV whose decision values fit Platt's sigmoid (default 5, as LIBSVM; at most n). */
  readonly plattFolds?: number;
  /** Seed of those folds (default 0). */
  readonly seed?: number;
  /** Largest n for which the n × n kernel is precomputed (default 5,000 = 200 MB); above it, an LRU cache. */
  readonly precomputeLimit?: number;
  /** Columns the LRU kernel cache keeps when n > precomputeLimit (default 2,000). */
  readonly cacheColumns?: number;
}

function checkParams(params: SvmParams): void {
  if (!(params.c > 0) || !Number.isFinite(params.c))
    throw new MlError('INVALID_OPTION', `C = ${params.c} must be > 0`);
  if (!(params.gamma > 0) || !Number.isFinite(params.gamma)) {
    throw new MlError('INVALID_OPTION', `gamma = ${params.gamma} must be > 0`);
  }
}

/** Out-of-fold decision values for Platt scaling, on standardized rows `xs`. */
function crossValidatedDecisionValues(
  xs: Matrix,
  y: Uint8Array,
  fullKernel: Float64Array | null,
  params: SvmParams,
): Float64Array {
  const n = xs.rows;
  const folds = stratifiedKFold(y, Math.min(params.plattFolds ?? 5, n), params.seed ?? 0);
  const values = new Float64Array(n);
  for (const fold of folds) {
    const trainY = subsetLabels(y, fold.train);
    if (fullKernel) {
      const kernel = new PrecomputedKernel(squareSubmatrix(fullKernel, n, fold.train), fold.train.length);
      const solution = solveSvmDual(kernel, trainY, params.c, params);
      for (const row of fold.test)
        values[row] = decisionFromFullKernel(fullKernel, n, fold.train, solution, trainY, row);
    } else {
      const trainX = selectRows(xs, fold.train);
      const kernel = new RbfKernelCache(trainX, params.gamma, params.cacheColumns ?? 2000);
      const solution = solveSvmDual(kernel, trainY, params.c, params);
      const support = supportOf(trainX, trainY, solution);
      const f = rbfDecisionValues(
        selectRows(xs, fold.test),
        support.vectors,
        support.coefficients,
        -solution.rho,
        params.gamma,
      );
      fold.test.forEach((row, t) => {
        values[row] = f[t];
      });
    }
  }
  return values;
}

/** The rows with α > 0 and their coefficients αᵢyᵢ. */
function supportOf(
  xs: Matrix,
  y: Uint8Array,
  solution: SvmDualSolution,
): { vectors: Float64Array; coefficients: Float64Array } {
  const rows: number[] = [];
  for (let i = 0; i < xs.rows; i++) if (solution.alpha[i] > 0) rows.push(i);
  return {
    vectors: selectRows(xs, rows).data as Float64Array,
    coefficients: Float64Array.from(rows, (i) => (y[i] === 1 ? solution.alpha[i] : -solution.alpha[i])),
  };
}

function modelFromSolution(
  xs: Matrix,
  y: Uint8Array,
  solution: SvmDualSolution,
  params: SvmParams,
  standardizer: Standardizer,
  platt: PlattSigmoid,
): SvmModel {
  const p = xs.cols;
  const support = supportOf(xs, y, solution);
  return {
    family: 'svm',
    featureCount: p,
    standardizer,
    kernel: 'rbf',
    gamma: params.gamma,
    c: params.c,
    supportVectors: support.vectors,
    supportVectorCount: support.coefficients.length,
    dualCoefficients: support.coefficients,
    bias: -solution.rho,
    platt,
    iterations: solution.iterations,
    converged: solution.converged,
  };
}

/**
 * Trains an RBF C-SVC on standardized features, then Platt-scales it on cross-validated decision values.
 *
 * @param train - training set (both classes, ≥ 2 rows of each, finite values).
 * @param params - C, γ and solver settings; see `SvmParams`.
 * @returns the model as plain data.
 * @throws MlError from validation, `INVALID_OPTION` for C ≤ 0 or γ ≤ 0.
 */
export function fitSvm(train: Dataset, params: SvmParams): SvmModel {
  checkTrainingSet(train, 2);
  checkParams(params);
  const standardizer = fitStandardizer(train.x);
  const xs = standardize(standardizer, train.x);
  const n = xs.rows;
  let kernel: KernelColumns;
  let fullKernel: Float64Array | null = null;
  if (n <= (params.precomputeLimit ?? 5000)) {
    fullKernel = rbfFromSquaredDistances(squaredDistanceMatrix(xs), params.gamma);
    kernel = new PrecomputedKernel(fullKernel, n);
  } else {
    kernel = new RbfKernelCache(xs, params.gamma, params.cacheColumns ?? 2000);
  }
  const solution = solveSvmDual(kernel, train.y, params.c, params);
  const platt = fitPlattSigmoid(crossValidatedDecisionValues(xs, train.y, fullKernel, params), train.y);
  return modelFromSolution(xs, train.y, solution, params, standardizer, platt);
}

/**
 * Σₛ coefficients[s] · exp(−γ‖zᵣ − vectorsₛ‖²) + bias for every row r of zs (all in standardized units).
 *
 * @param zs - n × p standardized rows.
 * @param vectors - support vectors, row-major (count × p).
 * @param coefficients - αₛyₛ per support vector.
 * @param bias - −ρ.
 * @param gamma - RBF γ.
 * @returns n decision values.
 */
export function rbfDecisionValues(
  zs: Matrix,
  vectors: Float64Array,
  coefficients: Float64Array,
  bias: number,
  gamma: number,
): Float64Array {
  const p = zs.cols;
  const count = coefficients.length;
  const out = new Float64Array(zs.rows);
  for (let r = 0; r < zs.rows; r++) {
    const o = r * p;
    let f = bias;
    for (let s = 0; s < count; s++) {
      const os = s * p;
      let d2 = 0;
      for (let c = 0; c < p; c++) {
        const d = zs.data[o + c] - vectors[os + c];
        d2 += d * d;
      }
      f += coefficients[s] * Math.exp(-gamma * d2);
    }
    out[r] = f;
  }
  return out;
}

/**
 * SVM decision values f(x) for raw feature rows (positive = malignant side of the margin).
 *
 * @param model - trained SVM.
 * @param x - n × featureCount raw features.
 * @returns n decision values.
 * @throws MlError `SHAPE_MISMATCH` for the wrong width, `NON_FINITE` for NaN/∞ features.
 */
export function svmDecisionValues(model: SvmModel, x: Matrix): Float64Array {
  checkFinite(x);
  return rbfDecisionValues(
    standardize(model.standardizer, x),
    model.supportVectors,
    model.dualCoefficients,
    model.bias,
    model.gamma,
  );
}

/**
 * Platt-scaled probabilities of the positive class for raw feature rows.
 *
 * @param model - trained SVM.
 * @param x - n × featureCount raw features.
 * @returns n probabilities P(malignant).
 * @throws MlError as `svmDecisionValues`.
 */
export function predictProbaSvm(model: SvmModel, x: Matrix): Float64Array {
  const f = svmDecisionValues(model, x);
  for (let i = 0; i < f.length; i++) f[i] = plattProbability(f[i], model.platt);
  return f;
}
