import { MlError } from '../core/errors';
import { checkLabels } from '../core/matrix';

/** Counts of a binary confusion matrix (positive = label 1 = malignant). */
export interface ConfusionCounts {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
  readonly falseNegatives: number;
}

/**
 * Confusion counts plus the paper's three rates (Wang 2016: accuracy = (TP+TN)/all,
 * sensitivity = TP/(TP+FN), specificity = TN/(TN+FP)). A rate whose denominator is 0 is NaN.
 */
export interface BinaryMetrics extends ConfusionCounts {
  readonly accuracy: number;
  readonly sensitivity: number;
  readonly specificity: number;
}

/**
 * Computes the confusion matrix and rates of predicted labels against true labels.
 *
 * @param predicted - predicted labels, 0 or 1.
 * @param y - true labels, 0 or 1, same length.
 * @returns counts, accuracy, sensitivity and specificity.
 * @throws MlError `SHAPE_MISMATCH` (lengths), `INVALID_LABEL` (a value other than 0/1).
 */
export function binaryMetrics(predicted: ArrayLike<number>, y: ArrayLike<number>): BinaryMetrics {
  checkLabels(y, undefined, 'y');
  checkLabels(predicted, y.length, 'predicted');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (predicted[i] === 1) {
      if (y[i] === 1) tp++;
      else fp++;
    } else if (y[i] === 1) fn++;
    else tn++;
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    accuracy: (tp + tn) / y.length,
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
  };
}

/**
 * Rates of the rule "positive when score ≥ threshold" (the ROC convention: each ROC point is one threshold).
 *
 * Model labels use the stricter rule p > 0.5 (see `labelsFromProbabilities`); call `binaryMetrics` on those
 * labels to report a model's own decisions.
 *
 * @param scores - one finite score per row (higher = more likely positive).
 * @param y - true labels, 0 or 1.
 * @param threshold - decision threshold.
 * @returns counts and rates at that threshold.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE` (a NaN/∞ score).
 */
export function metricsAtThreshold(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  threshold: number,
): BinaryMetrics {
  if (scores.length !== y.length) {
    throw new MlError('SHAPE_MISMATCH', `scores has ${scores.length} entries, y has ${y.length}`);
  }
  const predicted = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new MlError('NON_FINITE', `scores[${i}] is ${scores[i]}`);
    predicted[i] = scores[i] >= threshold ? 1 : 0;
  }
  return binaryMetrics(predicted, y);
}
