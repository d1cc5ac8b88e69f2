import { MlError } from '../core/errors';
import { checkLabels } from '../core/matrix';

/** Platt's sigmoid P(y = 1 | f) = 1 / (1 + exp(A·f + B)) on a decision value f (A < 0 for a useful model). */
export interface PlattSigmoid {
  readonly a: number;
  readonly b: number;
}

/**
 * Fits Platt's sigmoid by the robust Newton method with backtracking of Lin, Lin & Weng (2007,
 * "A note on Platt's probabilistic outputs for support vector machines", Algorithm 1): regularised targets
 * (N₊+1)/(N₊+2) and 1/(N₋+2), objective evaluated without overflow, Hessian ridge σ = 1e-12.
 *
 * Fit it on decision values the model did not train on (cross-validated), as LIBSVM does.
 *
 * @param decisionValues - one finite decision value per row.
 * @param y - labels 0/1, same length, both classes present.
 * @param options.maxIterations - Newton iterations (default 100); options.tolerance - gradient tolerance (1e-5).
 * @returns A and B.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `SINGLE_CLASS`, `NON_FINITE`.
 */
export function fitPlattSigmoid(
  decisionValues: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { maxIterations?: number; tolerance?: number } = {},
): PlattSigmoid {
  const { positives, negatives } = checkLabels(y, decisionValues.length, 'y');
  if (positives === 0 || negatives === 0)
    throw new MlError('SINGLE_CLASS', 'Platt scaling needs both classes');
  const n = decisionValues.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(decisionValues[i]))
      throw new MlError('NON_FINITE', `decision value ${i} is ${decisionValues[i]}`);
  }
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const hiTarget = (positives + 1) / (positives + 2);
  const loTarget = 1 / (negatives + 2);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) target[i] = y[i] === 1 ? hiTarget : loTarget;

  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const fApB = decisionValues[i] * a + b;
      f +=
        fApB >= 0
          ? target[i] * fApB + Math.log1p(Math.exp(-fApB))
          : (target[i] - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return f;
  };

  let a = 0;
  let b = Math.log((negatives + 1) / (positives + 1));
  let fval = objective(a, b);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const f = decisionValues[i];
      const fApB = f * a + b;
      // p = P(y=1) = 1/(1+e^{fApB}), q = 1 − p, each computed on the side that cannot overflow.
      let p: number;
      let q: number;
      if (fApB >= 0) {
        const e = Math.exp(-fApB);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(fApB);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = p * q;
      h11 += f * f * d2;
      h22 += d2;
      h21 += f * d2;
      const d1 = target[i] - p;
      g1 += f * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < tolerance && Math.abs(g2) < tolerance) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= minStep) {
      const newA = a + step * dA;
      const newB = b + step * dB;
      const newF = objective(newA, newB);
      if (newF < fval + 0.0001 * step * gd) {
        a = newA;
        b = newB;
        fval = newF;
        break;
      }
      step /= 2;
    }
    if (step < minStep) break; // line search failed: keep the best point found
  }
  return { a, b };
}

/**
 * Evaluates Platt's sigmoid without overflow.
 *
 * @param decisionValue - f.
 * @param sigmoid - fitted A, B.
 * @returns P(y = 1 | f) = 1 / (1 + exp(A·f + B)).
 */
export function plattProbability(decisionValue: number, sigmoid: PlattSigmoid): number {
  const fApB = decisionValue * sigmoid.a + sigmoid.b;
  if (fApB >= 0) {
    const e = Math.exp(-fApB);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(fApB));
}
