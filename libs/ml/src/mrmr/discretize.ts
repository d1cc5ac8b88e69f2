import { MlError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import { midranks } from '../metrics/ranks';

/**
 * How continuous features become discrete states before mutual information is estimated:
 * - `sigma` (default, Peng, Long & Ding 2005): three states split at μ − f·σ and μ + f·σ (population σ,
 *   f = `factor`, default 1): 0 below, 2 above, 1 between (boundaries belong to the middle state).
 * - `equal-frequency`: `bins` states by rank, each holding ≈ n/bins rows; tied values share a state.
 */
export type Discretization =
  | { readonly kind: 'sigma'; readonly factor?: number }
  | { readonly kind: 'equal-frequency'; readonly bins: number };

/** Discrete codes of every feature, column-major, with the number of states per feature. */
export interface DiscreteFeatures {
  readonly rows: number;
  readonly cols: number;
  /** cols × rows, column-major: codes[j * rows + i] ∈ [0, states[j]). */
  readonly codes: Uint8Array;
  readonly states: Uint8Array;
}

function discretizeColumn(values: Float64Array, d: Discretization, out: Uint8Array, offset: number): number {
  const n = values.length;
  if (d.kind === 'sigma') {
    const factor = d.factor ?? 1;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    const lo = mean - factor * sd;
    const hi = mean + factor * sd;
    for (let i = 0; i < n; i++) out[offset + i] = values[i] < lo ? 0 : values[i] > hi ? 2 : 1;
    return 3;
  }
  const ranks = midranks(values);
  for (let i = 0; i < n; i++)
    out[offset + i] = Math.min(d.bins - 1, Math.floor(((ranks[i] - 0.5) * d.bins) / n));
  return d.bins;
}

/**
 * Discretizes every column of x.
 *
 * @param x - n × p features (finite).
 * @param discretization - see `Discretization` (default Peng's μ ± σ tertiles).
 * @returns codes (column-major) and the state count per feature.
 * @throws MlError `INVALID_OPTION` for factor ≤ 0 or bins outside [2, 255]; `NON_FINITE` for NaN/∞ values.
 */
export function discretizeFeatures(
  x: Matrix,
  discretization: Discretization = { kind: 'sigma' },
): DiscreteFeatures {
  if (discretization.kind === 'sigma' && !((discretization.factor ?? 1) > 0)) {
    throw new MlError('INVALID_OPTION', `sigma factor ${discretization.factor} must be > 0`);
  }
  if (discretization.kind === 'equal-frequency') {
    const { bins } = discretization;
    if (!(Number.isInteger(bins) && bins >= 2 && bins <= 255))
      throw new MlError('INVALID_OPTION', `bins ${bins} outside [2, 255]`);
  }
  const { rows: n, cols: p, data } = x;
  const codes = new Uint8Array(n * p);
  const states = new Uint8Array(p);
  const column = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) {
      column[i] = data[i * p + j];
      if (!Number.isFinite(column[i]))
        throw new MlError('NON_FINITE', `row ${i}, column ${j} is ${column[i]}`);
    }
    states[j] = discretizeColumn(column, discretization, codes, j * n);
  }
  return { rows: n, cols: p, codes, states };
}
