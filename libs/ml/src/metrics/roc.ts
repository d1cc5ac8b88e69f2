import { MlError } from '../core/errors';
import { checkLabels } from '../core/matrix';
import { midranks } from './ranks';

/**
 * An empirical ROC curve: point i is (fpr[i], tpr[i]) for the rule "positive when score ≥ thresholds[i]".
 * Points run from (0, 0) (threshold +∞) to (1, 1) (threshold = lowest score), one per distinct score,
 * so tied scores move the curve diagonally.
 */
export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  readonly thresholds: Float64Array;
}

/** Splits scores by class after validating them; shared by ROC, AUC and DeLong. */
export function splitScoresByClass(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
): { positives: Float64Array; negatives: Float64Array } {
  if (scores.length !== y.length) {
    throw new MlError('SHAPE_MISMATCH', `scores has ${scores.length} entries, y has ${y.length}`);
  }
  const counts = checkLabels(y, undefined, 'y');
  if (counts.positives === 0 || counts.negatives === 0) {
    throw new MlError(
      'SINGLE_CLASS',
      `ROC analysis needs both classes (${counts.positives} positive, ${counts.negatives} negative)`,
    );
  }
  const positives = new Float64Array(counts.positives);
  const negatives = new Float64Array(counts.negatives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < y.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw new MlError('NON_FINITE', `scores[${i}] is ${s}`);
    if (y[i] === 1) positives[p++] = s;
    else negatives[q++] = s;
  }
  return { positives, negatives };
}

/**
 * Computes the empirical ROC curve.
 *
 * @param scores - one finite score per row, higher = more likely positive.
 * @param y - labels 0/1 with at least one of each.
 * @returns the curve's points and thresholds (length = distinct scores + 1).
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `SINGLE_CLASS`.
 */
export function rocCurve(scores: ArrayLike<number>, y: ArrayLike<number>): RocCurve {
  const { positives, negatives } = splitScoresByClass(scores, y);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thresholds: number[] = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (k < n) {
    const threshold = scores[order[k]];
    while (k < n && scores[order[k]] === threshold) {
      if (y[order[k]] === 1) tp++;
      else fp++;
      k++;
    }
    fpr.push(fp / negatives.length);
    tpr.push(tp / positives.length);
    thresholds.push(threshold);
  }
  return {
    fpr: Float64Array.from(fpr),
    tpr: Float64Array.from(tpr),
    thresholds: Float64Array.from(thresholds),
  };
}

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random positive scores
 * higher than a random negative, ties counted ½ (equals the trapezoidal area under `rocCurve`).
 *
 * @param scores - one finite score per row, higher = more likely positive.
 * @param y - labels 0/1 with at least one of each.
 * @returns AUC in [0, 1].
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `SINGLE_CLASS`.
 */
export function rocAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const { positives, negatives } = splitScoresByClass(scores, y);
  const ranks = midranks(scores);
  let positiveRankSum = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positiveRankSum += ranks[i];
  const m = positives.length;
  return (positiveRankSum - (m * (m + 1)) / 2) / (m * negatives.length);
}
