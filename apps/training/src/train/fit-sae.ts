import type { Fold, SaeTrainOptions } from '@calcscope/ml';
import { selectRows, trainSae } from '@calcscope/ml';
import { summarizeFolds } from './cv-summary';
import type { SaeGrid } from './grids';
import { matrixOf } from './labelled-rows';
import { deriveSeed } from './seeds';
import type {
  CvSummary,
  FitOptions,
  Hyperparameters,
  LabelledRows,
  SaeClassifier,
  SearchEntry,
  SearchSummary,
  TrainingProgress,
} from './types';

/** Seed stream of the SAE (keeps its random numbers apart from other families' for the same run seed). */
const SAE_STREAM = 0x5ae;
/** Pseudo-fold index of the final fit's seed. */
const FINAL_FIT = 0xffff;

/** One SAE configuration of the search. */
interface SaeCandidate {
  readonly hidden: readonly number[];
  readonly noise: number;
}

/** The chosen SAE, its CV and the search table. */
export interface SaeFit {
  readonly model: SaeClassifier;
  readonly hyperparameters: Hyperparameters;
  readonly cv: CvSummary;
  readonly search: SearchSummary;
}

/**
 * Chooses the SAE's architecture and noise level by k-fold CV accuracy on the training set, then trains the
 * chosen configuration on all training rows.
 *
 * Every candidate (hidden × noise, hidden varying slowest) is trained on each fold's training rows and
 * scored by the accuracy of its labels (P(malignant) > 0.5) on the fold's held-out rows; inside each run,
 * `trainSae` picks the number of fine-tuning epochs by early stopping on its own validation fold. All
 * candidates see the same folds and, on a given fold, the same seed (common random numbers, so candidates
 * differ only by their settings). The best mean accuracy wins, ties going to the earlier (smaller)
 * candidate. The number of fine-tuning epochs is the median (rounded) of the early-stopping epochs of the
 * chosen candidate's folds; the final model trains on all training rows for that many epochs.
 *
 * @param train - training rows (checked by the caller: finite, 0/1 labels, enough rows per class).
 * @param folds - CV folds of `train`.
 * @param grid - candidates and fixed training settings.
 * @param options - seed, onnxruntime threads and providers, progress callback.
 * @returns the model, chosen and fixed hyperparameters (`hidden`, `noise`, `finetuneEpochs` chosen by CV,
 *   `cvBestEpochs` per fold, and the fixed settings), its CV accuracy and the search table.
 * @throws SaeError from `trainSae` for invalid data or options.
 */
export async function fitSaeByCv(
  train: LabelledRows,
  folds: readonly Fold[],
  grid: SaeGrid,
  options: Pick<FitOptions, 'seed' | 'threads' | 'providers' | 'onProgress'>,
): Promise<SaeFit> {
  const candidates: SaeCandidate[] = [];
  for (const hidden of grid.hidden) for (const noise of grid.noise) candidates.push({ hidden, noise });
  const settings = (candidate: SaeCandidate, seed: number): SaeTrainOptions => ({
    hidden: candidate.hidden,
    noise: candidate.noise,
    pretrainEpochs: grid.pretrainEpochs,
    finetuneEpochs: grid.finetuneEpochs,
    patience: grid.patience,
    batchSize: grid.batchSize,
    learningRate: grid.learningRate,
    validationFraction: grid.validationFraction,
    optimizer: 'adam',
    seed,
    threads: options.threads ?? 1,
    providers: options.providers,
  });
  const units = candidates.length * folds.length + 1;
  const report = (progress: Omit<TrainingProgress, 'family'>) =>
    options.onProgress?.({ family: 'sae', ...progress });

  const whole = matrixOf(train.x, train.p);
  const perCandidate: { accuracy: Float64Array; bestEpochs: number[] }[] = [];
  for (let ci = 0; ci < candidates.length; ci++) {
    const accuracy = new Float64Array(folds.length);
    const bestEpochs: number[] = [];
    for (let f = 0; f < folds.length; f++) {
      const fold = folds[f];
      const fitX = selectRows(whole, fold.train).data as Float64Array;
      const fitY = Uint8Array.from(fold.train, (row) => train.y[row]);
      const model = await trainSae(
        fitX,
        fitY,
        train.p,
        settings(candidates[ci], deriveSeed(options.seed, SAE_STREAM, f)),
      );
      const probabilities = model.predictProba(selectRows(whole, fold.test).data);
      let correct = 0;
      for (let t = 0; t < fold.test.length; t++) {
        const label = probabilities[2 * t + 1] > 0.5 ? 1 : 0;
        if (label === train.y[fold.test[t]]) correct++;
      }
      accuracy[f] = correct / fold.test.length;
      bestEpochs.push(model.history?.bestEpoch ?? grid.finetuneEpochs);
      const done = ci * folds.length + f + 1;
      report({
        stage: 'search',
        candidate: ci + 1,
        candidates: candidates.length,
        fold: f + 1,
        folds: folds.length,
        fraction: done / units,
        message: `SAE ${describe(candidates[ci])}: fold ${f + 1}/${folds.length} accuracy ${accuracy[f].toFixed(3)}`,
      });
    }
    perCandidate.push({ accuracy, bestEpochs });
  }

  const entries: SearchEntry[] = candidates.map((candidate, ci) => {
    const { accuracyMean, accuracyStd } = summarizeFolds(perCandidate[ci].accuracy);
    return {
      params: { hidden: [...candidate.hidden], noise: candidate.noise },
      score: accuracyMean,
      std: accuracyStd,
    };
  });
  let bestIndex = 0;
  for (let ci = 1; ci < entries.length; ci++)
    if (entries[ci].score > entries[bestIndex].score) bestIndex = ci;
  const best = candidates[bestIndex];

  // The epoch count is chosen by CV too: the median of the early-stopping epochs over the chosen
  // candidate's folds. The final fit then uses every training row (no validation hold-out) for that many
  // epochs, which is steadier than early stopping on one small validation fold of the final run.
  const finetuneEpochs = Math.max(1, Math.round(median(perCandidate[bestIndex].bestEpochs)));
  report({
    stage: 'final',
    fraction: (units - 1) / units,
    message: `SAE: training ${describe(best)} for ${finetuneEpochs} fine-tuning epochs on all ${train.y.length} rows`,
  });
  const sae = await trainSae(train.x, train.y, train.p, {
    ...settings(best, deriveSeed(options.seed, SAE_STREAM, FINAL_FIT)),
    finetuneEpochs,
    validationFraction: 0,
  });
  return {
    model: { family: 'sae', sae },
    hyperparameters: {
      hidden: [...best.hidden],
      noise: best.noise,
      pretrainEpochs: grid.pretrainEpochs,
      finetuneEpochs,
      cvBestEpochs: perCandidate[bestIndex].bestEpochs,
      finetuneEpochsMax: grid.finetuneEpochs,
      patience: grid.patience,
      validationFraction: grid.validationFraction,
      batchSize: grid.batchSize,
      learningRate: grid.learningRate,
      optimizer: 'adam',
      provider: sae.stats?.provider ?? null,
    },
    cv: summarizeFolds(perCandidate[bestIndex].accuracy),
    search: { criterion: 'cv-accuracy', entries, bestIndex },
  };
}

function describe(candidate: SaeCandidate): string {
  return `hidden [${candidate.hidden.join(', ')}], noise ${candidate.noise}`;
}

/** Median of a non-empty list (mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
