import { MlError } from '../core/errors';
import type { KernelColumns } from './kernel';

/** Result of the C-SVC dual solve. */
export interface SvmDualSolution {
  /** Lagrange multipliers αᵢ ∈ [0, C]. */
  readonly alpha: Float64Array;
  /** Offset ρ: the decision function is f(x) = Σ αᵢ yᵢ K(xᵢ, x) − ρ (yᵢ = ±1). */
  readonly rho: number;
  /** Gradient of the dual objective, Gᵢ = yᵢ Σⱼ αⱼ yⱼ Kᵢⱼ − 1, at the solution. */
  readonly gradient: Float64Array;
  readonly iterations: number;
  /** False when the iteration limit stopped the solver before the stopping tolerance was met. */
  readonly converged: boolean;
}

/** Solver settings. */
export interface SmoOptions {
  /** Stopping tolerance ε on the maximal violating pair, m(α) − M(α) ≤ ε (LIBSVM default 1e-3). */
  readonly tolerance?: number;
  /** Iteration limit (default max(100,000, 100·n)). */
  readonly maxIterations?: number;
}

/** LIBSVM's τ: replaces a non-positive curvature so the step stays finite (non-PD kernels, duplicates). */
const TAU = 1e-12;

/**
 * Solves the C-SVC dual  min ½ αᵀQα − eᵀα  s.t. yᵀα = 0, 0 ≤ αᵢ ≤ C, with Qᵢⱼ = yᵢyⱼKᵢⱼ, by SMO with
 * second-order working-set selection (Fan, Chen & Lin 2005, "WSS3", as LIBSVM's `Solver`): i maximises
 * −yᵢGᵢ over the "up" set, j minimises the second-order decrease −b²/a over the violating "low" set.
 * No shrinking (columns come from a precomputed kernel or an LRU cache, so it would save little).
 *
 * @param kernel - K as columns (n × n, symmetric).
 * @param y - labels 0/1 (1 ↦ +1, 0 ↦ −1), length n, both classes present.
 * @param c - box constraint C > 0.
 * @param options - tolerance and iteration limit.
 * @returns α, ρ, the final gradient and the iteration count.
 * @throws MlError `INVALID_OPTION` (C ≤ 0, tolerance ≤ 0), `SHAPE_MISMATCH`, `SINGLE_CLASS`.
 */
export function solveSvmDual(
  kernel: KernelColumns,
  y: Uint8Array,
  c: number,
  options: SmoOptions = {},
): SvmDualSolution {
  const n = kernel.size;
  const tolerance = options.tolerance ?? 1e-3;
  const maxIterations = options.maxIterations ?? Math.max(100_000, 100 * n);
  if (!(c > 0) || !Number.isFinite(c))
    throw new MlError('INVALID_OPTION', `C = ${c} must be a positive finite number`);
  if (!(tolerance > 0)) throw new MlError('INVALID_OPTION', `tolerance ${tolerance} must be > 0`);
  if (y.length !== n) throw new MlError('SHAPE_MISMATCH', `${y.length} labels for a ${n}×${n} kernel`);
  const sign = new Float64Array(n);
  let positives = 0;
  for (let t = 0; t < n; t++) {
    sign[t] = y[t] === 1 ? 1 : -1;
    positives += y[t] === 1 ? 1 : 0;
  }
  if (positives === 0 || positives === n)
    throw new MlError('SINGLE_CLASS', 'SVM training needs both classes');

  const alpha = new Float64Array(n);
  const gradient = new Float64Array(n).fill(-1);
  const diagonal = new Float64Array(n);
  for (let t = 0; t < n; t++) diagonal[t] = kernel.diagonal(t);

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    // --- working set selection (WSS3) ---
    let gMax = Number.NEGATIVE_INFINITY;
    let gMax2 = Number.NEGATIVE_INFINITY;
    let i = -1;
    for (let t = 0; t < n; t++) {
      // t ∈ I_up: y = +1 and α < C, or y = −1 and α > 0; the violation measure is −yₜGₜ.
      if (sign[t] > 0) {
        if (alpha[t] < c && -gradient[t] >= gMax) {
          gMax = -gradient[t];
          i = t;
        }
      } else if (alpha[t] > 0 && gradient[t] >= gMax) {
        gMax = gradient[t];
        i = t;
      }
    }
    if (i < 0) {
      converged = true;
      break;
    }
    const kI = kernel.column(i);
    const signI = sign[i];
    const diagI = diagonal[i];
    let j = -1;
    let bestDecrease = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      // t ∈ I_low: y = +1 and α > 0, or y = −1 and α < C.
      let gradDiff: number;
      if (sign[t] > 0) {
        if (!(alpha[t] > 0)) continue;
        gradDiff = gMax + gradient[t];
        if (gradient[t] >= gMax2) gMax2 = gradient[t];
      } else {
        if (!(alpha[t] < c)) continue;
        gradDiff = gMax - gradient[t];
        if (-gradient[t] >= gMax2) gMax2 = -gradient[t];
      }
      if (gradDiff > 0) {
        // Curvature along the pair's feasible direction: K_ii + K_tt − 2 K_it for either sign pairing.
        let curvature = diagI + diagonal[t] - 2 * kI[t];
        if (curvature <= 0) curvature = TAU;
        const decrease = -(gradDiff * gradDiff) / curvature;
        if (decrease <= bestDecrease) {
          bestDecrease = decrease;
          j = t;
        }
      }
    }
    if (gMax + gMax2 < tolerance || j < 0) {
      converged = true;
      break;
    }
    iterations++;

    // --- two-variable sub-problem (LIBSVM's update with clipping to the box) ---
    const kJ = kernel.column(j);
    const kIrefreshed = kernel.column(i); // the cache may have evicted column i while fetching j
    const kIJ = kIrefreshed[j];
    const oldAlphaI = alpha[i];
    const oldAlphaJ = alpha[j];
    let curvature = diagonal[i] + diagonal[j] - 2 * kIJ;
    if (curvature <= 0) curvature = TAU;
    if (signI !== sign[j]) {
      const delta = (-gradient[i] - gradient[j]) / curvature;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > c) {
          alpha[i] = c;
          alpha[j] = c - diff;
        }
      } else if (alpha[j] > c) {
        alpha[j] = c;
        alpha[i] = c + diff;
      }
    } else {
      const delta = (gradient[i] - gradient[j]) / curvature;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > c) {
        if (alpha[i] > c) {
          alpha[i] = c;
          alpha[j] = sum - c;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > c) {
        if (alpha[j] > c) {
          alpha[j] = c;
          alpha[i] = sum - c;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    // --- gradient update: Gₜ += Qₜᵢ Δαᵢ + Qₜⱼ Δαⱼ with Qₜᵢ = yₜ yᵢ Kₜᵢ ---
    const stepI = signI * (alpha[i] - oldAlphaI);
    const stepJ = sign[j] * (alpha[j] - oldAlphaJ);
    for (let t = 0; t < n; t++) gradient[t] += sign[t] * (kIrefreshed[t] * stepI + kJ[t] * stepJ);
  }

  return { alpha, rho: computeRho(alpha, gradient, sign, c), gradient, iterations, converged };
}

/** ρ as LIBSVM: the mean of yᵢGᵢ over free αᵢ, or the midpoint of the feasible interval when none is free. */
function computeRho(alpha: Float64Array, gradient: Float64Array, sign: Float64Array, c: number): number {
  let upper = Number.POSITIVE_INFINITY;
  let lower = Number.NEGATIVE_INFINITY;
  let freeCount = 0;
  let freeSum = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = sign[t] * gradient[t];
    if (alpha[t] >= c) {
      if (sign[t] < 0) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else if (alpha[t] <= 0) {
      if (sign[t] > 0) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else {
      freeCount++;
      freeSum += yG;
    }
  }
  return freeCount > 0 ? freeSum / freeCount : (upper + lower) / 2;
}
