import type { ExperimentResult } from '../train/experiment';
import type { Hyperparameters, ModelFamily } from '../train/types';
import type { DatasetSummaryLike } from './context';

/** One scenario × model row of `report.json`'s `results`. */
export interface ReportResultRow {
  readonly scenario: string;
  readonly model: ModelFamily;
  /** Test accuracy, share in [0, 1]. */
  readonly accuracy: number;
  readonly sensitivity: number;
  readonly specificity: number;
  readonly auc: number;
  /** DeLong 95 % CI [lo, hi]. */
  readonly aucCi95: readonly [number, number];
  /** Training-set CV accuracy of the chosen configuration: mean and sample std over folds. */
  readonly cvAccuracyMean: number;
  readonly cvAccuracyStd: number;
  readonly cvAccuracyPerFold: readonly number[];
  /** Paired DeLong p-value of SAE vs this model (null for the SAE, or when no SAE was trained). */
  readonly delongPVsSae: number | null;
  /** AUC(SAE) − AUC(this model) (null as above). */
  readonly aucDifferenceSaeMinusModel: number | null;
  readonly hyperparameters: Hyperparameters;
  readonly confusion: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
  readonly testN: number;
  readonly trainSeconds: number;
}

/** The contents of `report.json`. */
export interface ReportJson {
  readonly runId: string;
  readonly seed: number;
  readonly createdAt: string;
  readonly startedAt: string;
  readonly commit: string | null;
  readonly command: string | null;
  readonly cvFolds: number;
  readonly quick: boolean;
  readonly models: readonly ModelFamily[];
  readonly dataset: DatasetSummaryLike | null;
  readonly scenarios: readonly {
    readonly scenario: string;
    readonly featureCount: number;
    readonly featureNames: readonly string[];
    readonly schemaHash: string;
    readonly train: { readonly n: number; readonly positives: number; readonly negatives: number };
    readonly test: { readonly n: number; readonly positives: number; readonly negatives: number };
    readonly otherRows: number;
    readonly rocFile: string;
  }[];
  readonly results: readonly ReportResultRow[];
  /** Seconds: `experiment` (all training and evaluation), per scenario, and the caller's stages. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Builds `report.json`: run facts, dataset summary, one result row per scenario × model.
 *
 * @param experiment - the experiment.
 * @param facts - run id, commit, command, dataset summary, extra timings, creation time, ROC file per scenario.
 * @returns the JSON object (NaN values become null when serialised).
 */
export function buildReportJson(
  experiment: ExperimentResult,
  facts: {
    readonly runId: string;
    readonly commit: string | null;
    readonly command?: string;
    readonly dataset?: DatasetSummaryLike;
    readonly timings?: Readonly<Record<string, number>>;
    readonly createdAt: Date;
    readonly rocFiles: Readonly<Record<string, string>>;
  },
): ReportJson {
  const timings: Record<string, number> = { ...facts.timings, experiment: experiment.seconds };
  for (const s of experiment.scenarios) timings[`scenario:${s.scenario}`] = s.seconds;
  return {
    runId: facts.runId,
    seed: experiment.seed,
    createdAt: facts.createdAt.toISOString(),
    startedAt: experiment.startedAt,
    commit: facts.commit,
    command: facts.command ?? null,
    cvFolds: experiment.cvFolds,
    quick: experiment.quick,
    models: experiment.models,
    dataset: facts.dataset ?? null,
    scenarios: experiment.scenarios.map((s) => ({
      scenario: s.scenario,
      featureCount: s.featureNames.length,
      featureNames: s.featureNames,
      schemaHash: s.schemaHash,
      train: s.train,
      test: s.test,
      otherRows: s.otherRows,
      rocFile: facts.rocFiles[s.scenario],
    })),
    results: experiment.scenarios.flatMap((s) =>
      s.results.map(
        (r): ReportResultRow => ({
          scenario: s.scenario,
          model: r.family,
          accuracy: r.test.accuracy,
          sensitivity: r.test.sensitivity,
          specificity: r.test.specificity,
          auc: r.test.auc,
          aucCi95: [r.test.aucCi95[0], r.test.aucCi95[1]],
          cvAccuracyMean: r.cv.accuracyMean,
          cvAccuracyStd: r.cv.accuracyStd,
          cvAccuracyPerFold: r.cv.perFold,
          delongPVsSae: r.delongVsSae?.pValue ?? null,
          aucDifferenceSaeMinusModel: r.delongVsSae?.aucDifference ?? null,
          hyperparameters: r.hyperparameters,
          confusion: {
            tp: r.test.truePositives,
            fp: r.test.falsePositives,
            tn: r.test.trueNegatives,
            fn: r.test.falseNegatives,
          },
          testN: r.test.n,
          trainSeconds: r.trainSeconds,
        }),
      ),
    ),
    timings,
  };
}
