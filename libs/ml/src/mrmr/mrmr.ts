import { MlError } from '../core/errors';
import { checkLabels, type Matrix } from '../core/matrix';
import { type Discretization, discretizeFeatures } from './discretize';
import { mutualInformation } from './mutual-information';

/**
 * mRMR criterion (Peng, Long & Ding 2005, eq. 6–7), with relevance I(f; class) and redundancy the mean
 * I(f; s) over the already selected s:
 * - `MID` (difference): relevance − redundancy;
 * - `MIQ` (quotient): relevance / redundancy (+∞ when redundancy is 0 and relevance > 0; 0 when both are 0).
 */
export type MrmrCriterion = 'MID' | 'MIQ';

/** Settings of `mrmr`. */
export interface MrmrOptions {
  /** Features to select (1 ≤ count ≤ p). */
  readonly count: number;
  readonly criterion?: MrmrCriterion;
  readonly discretization?: Discretization;
}

/** Selection result. */
export interface MrmrResult {
  /** Feature indices in selection order. */
  readonly selected: number[];
  /** Criterion value of each selected feature at the step it was chosen (the first: its relevance). */
  readonly scores: number[];
  /** I(feature; class) of every feature, in nats. */
  readonly relevance: Float64Array;
}

/**
 * Minimum-redundancy maximum-relevance incremental feature selection over discretized features.
 *
 * The first feature is the most relevant; each next one maximises the criterion among the rest. Ties go
 * to the more relevant feature, then to the lower index.
 *
 * @param x - n × p features.
 * @param y - labels 0/1 (the class variable).
 * @param options - count, criterion (default `MID`) and discretization (default Peng's μ ± σ tertiles).
 * @returns the selected indices with their criterion values, and every feature's relevance.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `INVALID_OPTION` (bad count).
 */
export function mrmr(x: Matrix, y: Uint8Array, options: MrmrOptions): MrmrResult {
  checkLabels(y, x.rows);
  const { count } = options;
  const p = x.cols;
  const n = x.rows;
  if (!(Number.isInteger(count) && count >= 1 && count <= p)) {
    throw new MlError('INVALID_OPTION', `count ${count} must be an integer in [1, ${p}]`);
  }
  const criterion = options.criterion ?? 'MID';
  const d = discretizeFeatures(x, options.discretization);
  const column = (j: number) => d.codes.subarray(j * n, (j + 1) * n);
  const scratch = new Float64Array(256 * 256 + 512);
  const relevance = new Float64Array(p);
  for (let j = 0; j < p; j++) relevance[j] = mutualInformation(column(j), d.states[j], y, 2, scratch);

  const selected: number[] = [];
  const scores: number[] = [];
  const chosen = new Uint8Array(p);
  const redundancySum = new Float64Array(p);
  for (let step = 0; step < count; step++) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < p; j++) {
      if (chosen[j]) continue;
      let score: number;
      if (step === 0) score = relevance[j];
      else {
        const redundancy = redundancySum[j] / step;
        if (criterion === 'MID') score = relevance[j] - redundancy;
        else
          score =
            redundancy > 0 ? relevance[j] / redundancy : relevance[j] > 0 ? Number.POSITIVE_INFINITY : 0;
      }
      if (best < 0 || score > bestScore || (score === bestScore && relevance[j] > relevance[best])) {
        best = j;
        bestScore = score;
      }
    }
    chosen[best] = 1;
    selected.push(best);
    scores.push(bestScore);
    const codes = column(best);
    for (let j = 0; j < p; j++) {
      if (!chosen[j])
        redundancySum[j] += mutualInformation(column(j), d.states[j], codes, d.states[best], scratch);
    }
  }
  return { selected, scores, relevance };
}
