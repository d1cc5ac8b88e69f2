import type { Dataset, Matrix } from './core/matrix';
import type { FitPredict, Prediction } from './cv/cross-validate';
import { type KnnModel, predictProbaKnn } from './knn/knn';
import { type LdaModel, predictProbaLda } from './lda/lda';
import { type LogisticModel, predictProbaLogistic } from './logistic/logistic';
import { predictProbaSvm, type SvmModel } from './svm/svm';

/** Every trained tabular model of this library; `family` tells them apart. */
export type TabularModel = SvmModel | KnnModel | LdaModel | LogisticModel;

/** `svm` | `knn` | `lda` | `logistic`. */
export type TabularFamily = TabularModel['family'];

/**
 * P(malignant) for raw feature rows, whatever the family.
 *
 * @param model - a trained model.
 * @param x - n × featureCount raw features in schema order.
 * @returns n probabilities in [0, 1].
 * @throws MlError `SHAPE_MISMATCH`, `NON_FINITE`.
 */
export function predictProba(model: TabularModel, x: Matrix): Float64Array {
  switch (model.family) {
    case 'svm':
      return predictProbaSvm(model, x);
    case 'knn':
      return predictProbaKnn(model, x);
    case 'lda':
      return predictProbaLda(model, x);
    case 'logistic':
      return predictProbaLogistic(model, x);
  }
}

/**
 * The label rule of every model: 1 when P(malignant) > 0.5, else 0 — the ArgMax of [1 − p, p] with ties to
 * class 0, which is what an exported graph's `label` output computes.
 *
 * @param probabilities - P(malignant) per row.
 * @returns labels 0/1.
 */
export function labelsFromProbabilities(probabilities: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(probabilities.length);
  for (let i = 0; i < out.length; i++) out[i] = probabilities[i] > 0.5 ? 1 : 0;
  return out;
}

/**
 * Probabilities and labels together.
 *
 * @param model - a trained model.
 * @param x - raw features.
 * @returns `{ scores: P(malignant), labels }`.
 */
export function predict(model: TabularModel, x: Matrix): Prediction {
  const scores = predictProba(model, x);
  return { scores, labels: labelsFromProbabilities(scores) };
}

/**
 * Adapts a training function to `crossValidate`'s fit/predict signature.
 *
 * @param fit - trains a model on a dataset (e.g. `(d) => fitKnn(d, { k: 8 })`).
 * @returns a FitPredict that trains on each fold and predicts its held-out rows.
 */
export function fitPredictOf(fit: (train: Dataset) => TabularModel): FitPredict {
  return (train, testX) => predict(fit(train), testX);
}
