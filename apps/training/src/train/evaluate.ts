import { aucWithDelongCi, binaryMetrics, labelsFromProbabilities, rocCurve } from '@calcscope/ml';
import { TrainingError } from './errors';
import { checkLabelledRows } from './labelled-rows';
import { predictMalignancy } from './predict';
import type { LabelledRows, TrainedModel } from './types';

/** An empirical ROC curve as plain arrays: point i is (fpr[i], tpr[i]), from (0, 0) to (1, 1). */
export interface RocPoints {
  /** False-positive rate = 1 − specificity. */
  readonly fpr: readonly number[];
  /** True-positive rate = sensitivity. */
  readonly tpr: readonly number[];
}

/** A model's results on held-out test rows (the paper's Tables 2–4 columns, plus what is behind them). */
export interface TestEvaluation {
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly trueNegatives: number;
  readonly falseNegatives: number;
  /** (TP + TN) / n. */
  readonly accuracy: number;
  /** TP / (TP + FN). */
  readonly sensitivity: number;
  /** TN / (TN + FP). */
  readonly specificity: number;
  /** ROC AUC of the scores (Mann–Whitney, ties ½). */
  readonly auc: number;
  /** DeLong 95 % confidence interval of the AUC (AUC ± 1.96·SE clipped to [0, 1], as pROC's `ci.auc`). */
  readonly aucCi95: readonly [number, number];
  /** DeLong standard error of the AUC. */
  readonly aucStandardError: number;
  readonly roc: RocPoints;
  /** P(malignant) per test row, row order (what the DeLong comparisons pair on). */
  readonly scores: Float64Array;
  /** The model's labels: 1 when P(malignant) > 0.5 (an exact 0.5 goes to 0, as the ONNX ArgMax). */
  readonly labels: Uint8Array;
}

/**
 * Evaluates a trained model on test rows: the model's labels (threshold 0.5 on column 1 of its
 * probabilities) give accuracy, sensitivity and specificity; its probabilities give the ROC curve and the
 * AUC with DeLong's 95 % confidence interval.
 *
 * @param model - a model from `fitModel`.
 * @param test - test rows with p equal to the model's feature count.
 * @returns the evaluation (counts, rates, AUC and CI, ROC points, scores, labels).
 * @throws TrainingError `INVALID_DATA` for malformed rows, a wrong feature count, or fewer than two rows of
 *   either class (DeLong's variance needs two of each).
 */
export function evaluateModel(model: TrainedModel, test: LabelledRows): TestEvaluation {
  const counts = checkLabelledRows(test, 'test set');
  if (counts.positives < 2 || counts.negatives < 2) {
    throw new TrainingError(
      'INVALID_DATA',
      `test set has ${counts.positives} positive and ${counts.negatives} negative rows; the DeLong CI needs at least 2 of each`,
    );
  }
  const scores = predictMalignancy(model, test.x, test.p);
  const labels = labelsFromProbabilities(scores);
  const metrics = binaryMetrics(labels, test.y);
  const auc = aucWithDelongCi(scores, test.y, { level: 0.95, method: 'plain' });
  const roc = rocCurve(scores, test.y);
  return {
    n: counts.n,
    positives: counts.positives,
    negatives: counts.negatives,
    truePositives: metrics.truePositives,
    falsePositives: metrics.falsePositives,
    trueNegatives: metrics.trueNegatives,
    falseNegatives: metrics.falseNegatives,
    accuracy: metrics.accuracy,
    sensitivity: metrics.sensitivity,
    specificity: metrics.specificity,
    auc: auc.auc,
    aucCi95: [auc.ci[0], auc.ci[1]],
    aucStandardError: auc.standardError,
    roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) },
    scores,
    labels,
  };
}
