/**
 * The 2021 paper's benign vs malignant classification of MC ROIs, on the wang2016 phantom cohort's MC cases:
 * several CNNs trained from different seeds, and their ensemble (the mean of the members' probabilities).
 */
import type { CnnModel } from '@calcscope/ml';
import { deriveSeed } from '../train/seeds';
import { type RoiCnnSettings, roiCnnSettings, trainRoiCnn } from './cnn-training';
import { type RoiDataset, selectSplits } from './dataset';
import { type AucComparison, compareAucs, evaluateScores, type RoiEvaluation } from './evaluate';

/** Settings of `runMalignancyExperiment`. */
export interface MalignancyOptions {
  readonly seed: number;
  /** Ensemble members (default 3; quick 2). */
  readonly members?: number;
  readonly quick?: boolean;
  /** Per CNN epoch of each member. */
  readonly onEpoch?: (member: number, members: number, epoch: number, epochs: number, loss: number) => void;
}

/** Everything the benign/malignant experiment produced. */
export interface MalignancyResult {
  readonly seed: number;
  readonly quick: boolean;
  readonly settings: RoiCnnSettings;
  /** The members; member 0 is also reported and exported alone as 'the CNN'. */
  readonly members: readonly CnnModel[];
  readonly memberSeeds: readonly number[];
  /** P(malignant) of every case, dataset order: `member<i>` and `ensemble`. */
  readonly scores: Readonly<Record<string, Float64Array>>;
  /** Model × split (train, test); models `member<i>` and `ensemble`. */
  readonly evaluations: readonly RoiEvaluation[];
  /** On the test split: the ensemble against each member. */
  readonly comparisons: readonly AucComparison[];
  readonly timings: Readonly<Record<string, number>>;
}

/** Splits of the wang2016 cohort, in report order. */
export const MALIGNANCY_SPLITS = ['train', 'test'] as const;

/**
 * Trains the members on the training split (member i's seed: deriveSeed(seed, 10, i)), scores every case
 * with onnxruntime and evaluates the members and the ensemble on the training and test splits.
 *
 * @param dataset - The wang2016 MC ROI dataset (splits train / test).
 * @param options - Seed, member count, quick mode, epoch callback.
 * @returns Models, scores, evaluations and the ensemble-vs-member DeLong tests.
 * @throws RoiError `INVALID_DATA` when a split lacks two cases of a class.
 */
export async function runMalignancyExperiment(
  dataset: RoiDataset,
  options: MalignancyOptions,
): Promise<MalignancyResult> {
  const quick = options.quick ?? false;
  const count = options.members ?? (quick ? 2 : 3);
  const settings = roiCnnSettings(dataset.spec.pixels, quick);
  const train = selectSplits(dataset, ['train']);
  const n = dataset.cases.length;
  const members: CnnModel[] = [];
  const memberSeeds: number[] = [];
  const scores: Record<string, Float64Array> = {};
  const ensemble = new Float64Array(n);
  const t0 = performance.now();
  for (let m = 0; m < count; m++) {
    const seed = deriveSeed(options.seed, 10, m);
    const model = await trainRoiCnn(train.images, train.labels, settings, seed, (p) =>
      options.onEpoch?.(m, count, p.epoch, p.epochs, p.loss),
    );
    const prediction = await model.predict(dataset.images);
    const p = Float64Array.from({ length: n }, (_, i) => prediction.probabilities[2 * i + 1]);
    for (let i = 0; i < n; i++) ensemble[i] += p[i] / count;
    scores[`member${m}`] = p;
    members.push(model);
    memberSeeds.push(seed);
  }
  scores.ensemble = ensemble;
  const seconds = (performance.now() - t0) / 1000;
  const labels = Uint8Array.from(dataset.cases, (c) => c.label);
  const evaluations: RoiEvaluation[] = [];
  const comparisons: AucComparison[] = [];
  for (const split of MALIGNANCY_SPLITS) {
    const rows = dataset.cases.flatMap((c, i) => (c.split === split ? [i] : []));
    const y = Uint8Array.from(rows, (i) => labels[i]);
    const pick = (s: Float64Array) => Float64Array.from(rows, (i) => s[i]);
    for (const [name, s] of Object.entries(scores)) evaluations.push(evaluateScores(name, split, pick(s), y));
    if (split !== 'test') continue;
    for (let m = 0; m < count; m++)
      comparisons.push(
        compareAucs(split, 'ensemble', pick(ensemble), `member${m}`, pick(scores[`member${m}`]), y),
      );
  }
  return {
    seed: options.seed,
    quick,
    settings,
    members,
    memberSeeds,
    scores,
    evaluations,
    comparisons,
    timings: { cnnTraining: seconds },
  };
}
