import { aucWithDelongCi, binaryMetrics, delongTest, rocCurve } from '@calcscope/ml';
import { RoiError } from './errors';

/** One model on one split: the 2025 paper's columns (AUC with 95% CI, sensitivity, specificity, accuracy) and more. */
export interface RoiEvaluation {
  readonly model: string;
  readonly split: string;
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
  readonly auc: number;
  /** DeLong 95% CI, clipped to [0, 1]. */
  readonly aucCi95: [number, number];
  readonly aucStandardError: number;
  /** Labels are P(class 1) > 0.5. */
  readonly sensitivity: number;
  readonly specificity: number;
  readonly accuracy: number;
  /** Positive / negative predictive value (NaN when nothing is called positive / negative). */
  readonly ppv: number;
  readonly npv: number;
  readonly confusion: { tp: number; fp: number; tn: number; fn: number };
  readonly roc: { fpr: number[]; tpr: number[] };
}

/** The paired DeLong test of two models on one split. */
export interface AucComparison {
  readonly split: string;
  readonly modelA: string;
  readonly modelB: string;
  readonly aucA: number;
  readonly aucB: number;
  readonly difference: number;
  readonly z: number;
  readonly pValue: number;
}

/**
 * Checks that a split can be evaluated: scores and labels of equal length, at least two of each class.
 *
 * @throws RoiError `INVALID_DATA` otherwise.
 */
function checkSplit(split: string, scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length)
    throw new RoiError('INVALID_DATA', `${split}: ${scores.length} scores for ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  if (positives < 2 || labels.length - positives < 2)
    throw new RoiError(
      'INVALID_DATA',
      `${split}: needs at least two cases of each class for DeLong's AUC, has ${positives} positive and ${labels.length - positives} negative`,
    );
}

/**
 * Evaluates P(class 1) scores against labels.
 *
 * @param model - Model name (report row).
 * @param split - Split name.
 * @param scores - P(class 1) per case.
 * @param labels - 0/1 per case.
 * @returns The evaluation (labels P > 0.5, as the exported graphs' `label`).
 * @throws RoiError `INVALID_DATA` for mismatched lengths or fewer than two cases of a class.
 */
export function evaluateScores(
  model: string,
  split: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): RoiEvaluation {
  checkSplit(split, scores, labels);
  const auc = aucWithDelongCi(scores, labels);
  const predicted = Uint8Array.from({ length: scores.length }, (_, i) => (scores[i] > 0.5 ? 1 : 0));
  const m = binaryMetrics(predicted, labels);
  const roc = rocCurve(scores, labels);
  const tp = m.truePositives;
  const fp = m.falsePositives;
  const tn = m.trueNegatives;
  const fn = m.falseNegatives;
  return {
    model,
    split,
    n: labels.length,
    positives: tp + fn,
    negatives: tn + fp,
    auc: auc.auc,
    aucCi95: [auc.ci[0], auc.ci[1]],
    aucStandardError: auc.standardError,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    accuracy: m.accuracy,
    ppv: tp / (tp + fp),
    npv: tn / (tn + fn),
    confusion: { tp, fp, tn, fn },
    roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) },
  };
}

/**
 * DeLong's paired test of two models' AUCs on the same cases.
 *
 * @param split - Split name.
 * @param modelA - First model's name.
 * @param scoresA - Its scores.
 * @param modelB - Second model's name.
 * @param scoresB - Its scores.
 * @param labels - 0/1 per case.
 * @returns Both AUCs, the difference A − B, z and the two-sided p-value.
 * @throws RoiError `INVALID_DATA` as `evaluateScores`.
 */
export function compareAucs(
  split: string,
  modelA: string,
  scoresA: ArrayLike<number>,
  modelB: string,
  scoresB: ArrayLike<number>,
  labels: ArrayLike<number>,
): AucComparison {
  checkSplit(split, scoresA, labels);
  const t = delongTest(scoresA, scoresB, labels);
  return {
    split,
    modelA,
    modelB,
    aucA: t.aucA,
    aucB: t.aucB,
    difference: t.difference,
    z: t.z,
    pValue: t.pValue,
  };
}
