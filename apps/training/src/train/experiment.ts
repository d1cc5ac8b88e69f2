import { delongTest } from '@calcscope/ml';
import type { ExecutionProviderName } from '@calcscope/onnx';
import { TrainingError } from './errors';
import { evaluateModel, type TestEvaluation } from './evaluate';
import type { FeatureTableLike } from './feature-table';
import { fitModel } from './fit-model';
import {
  type CvSummary,
  DEFAULT_MODEL_FAMILIES,
  type Hyperparameters,
  type LabelledRows,
  MODEL_FAMILIES,
  type ModelFamily,
  type SearchSummary,
  type TrainedModel,
  type TrainingProgress,
} from './types';

/** Settings of `runExperiment`. */
export interface ExperimentOptions {
  /** Families to train, in report order (default: sae, svm, knn, lda — the paper's four). */
  readonly models?: readonly ModelFamily[];
  /** Run seed: CV folds and all training randomness (integer in [0, 2³²)). */
  readonly seed: number;
  /** CV folds (default 10). */
  readonly cvFolds?: number;
  /** Tiny grids and few epochs (tests, smoke runs). */
  readonly quick?: boolean;
  /** onnxruntime threads and providers of SAE training (see `FitOptions`). */
  readonly threads?: number;
  readonly providers?: readonly ExecutionProviderName[];
  readonly onProgress?: (progress: ExperimentProgress) => void;
}

/** A `fitModel` progress event placed within the whole experiment. */
export interface ExperimentProgress extends TrainingProgress {
  readonly scenario: string;
  /** 1-based index of this scenario × model among all of them, and their number. */
  readonly task: number;
  readonly tasks: number;
  /** Share of the experiment done, in [0, 1], each scenario × model weighted by its family's typical cost. */
  readonly overall: number;
}

/**
 * Rough relative cost of one fit per family (measured on 1,000 × 41 rows: SAE search ≈ 60–120 s, SVM grid
 * ≈ 5–12 s, logistic ≈ 1–3 s, KNN and LDA < 0.5 s), so that `overall` progresses about evenly in time.
 */
const FAMILY_COST: Readonly<Record<ModelFamily, number>> = {
  sae: 20,
  svm: 2,
  logistic: 0.5,
  knn: 0.1,
  lda: 0.1,
};

/** Rows and class counts of one split. */
export interface ClassCounts {
  readonly n: number;
  readonly positives: number;
  readonly negatives: number;
}

/** DeLong's paired test of the SAE's test AUC against one baseline's, on the same test rows. */
export interface DelongComparison {
  /** AUC(SAE) − AUC(this model). */
  readonly aucDifference: number;
  readonly z: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

/** One scenario × model: the fit and its test evaluation. */
export interface ModelResult {
  readonly scenario: string;
  readonly family: ModelFamily;
  readonly model: TrainedModel;
  readonly hyperparameters: Hyperparameters;
  readonly cv: CvSummary;
  readonly search: SearchSummary;
  readonly test: TestEvaluation;
  /** SAE vs this model; null for the SAE itself and when no SAE was trained. */
  readonly delongVsSae: DelongComparison | null;
  /** Wall time of `fitModel` (search + final fit), seconds. */
  readonly trainSeconds: number;
}

/** Everything about one scenario (one feature table). */
export interface ScenarioResult {
  readonly scenario: string;
  readonly featureNames: readonly string[];
  readonly schemaHash: string;
  readonly train: ClassCounts;
  readonly test: ClassCounts;
  /** Rows of other splits (e.g. `internal`, `external`), not used by this experiment. */
  readonly otherRows: number;
  /** Ids of the test rows, in the order of every model's `test.scores`. */
  readonly testIds: readonly string[];
  readonly results: readonly ModelResult[];
  readonly seconds: number;
}

/** The whole run: every scenario × model. */
export interface ExperimentResult {
  readonly seed: number;
  readonly cvFolds: number;
  readonly quick: boolean;
  readonly models: readonly ModelFamily[];
  readonly scenarios: readonly ScenarioResult[];
  /** ISO 8601 start time (UTC). */
  readonly startedAt: string;
  readonly seconds: number;
}

/**
 * The paper's experiment on each feature table: for every scenario × model, `fitModel` on the table's
 * `train` rows (hyperparameters by CV, CV accuracy mean ± std) and `evaluateModel` on its `test` rows
 * (accuracy, sensitivity, specificity, AUC with DeLong 95 % CI); then, per scenario, DeLong's paired test
 * of the SAE's AUC against each baseline's on the same test rows.
 *
 * @param tables - one feature table per scenario (distinct scenario names); rows split `train` / `test`.
 * @param options - models, seed, cvFolds, quick, SAE threads/providers, progress callback.
 * @returns per scenario the counts and the model results, in table order and `models` order.
 * @throws TrainingError `INVALID_OPTION` (no tables, unknown or repeated model, repeated scenario),
 *   `INVALID_DATA` (table arrays of inconsistent length, bad values), `INVALID_SPLIT` (no train or test rows);
 *   errors of `fitModel` and `evaluateModel`.
 */
export async function runExperiment(
  tables: readonly FeatureTableLike[],
  options: ExperimentOptions,
): Promise<ExperimentResult> {
  const models = options.models ?? DEFAULT_MODEL_FAMILIES;
  checkExperimentOptions(tables, models);
  const started = new Date();
  const t0 = performance.now();
  const tasks = tables.length * models.length;
  const scenarioCost = models.reduce((sum, family) => sum + FAMILY_COST[family], 0);
  const totalCost = tables.length * scenarioCost;
  const scenarios: ScenarioResult[] = [];
  for (const [ti, table] of tables.entries()) {
    const s0 = performance.now();
    const { train, test, testIds, otherRows } = splitTable(table);
    const fits: Omit<ModelResult, 'delongVsSae'>[] = [];
    let costBefore = ti * scenarioCost;
    for (const [mi, family] of models.entries()) {
      const task = ti * models.length + mi + 1;
      const costDone = costBefore;
      const fit = await fitModel(family, train.rows, {
        seed: options.seed,
        cvFolds: options.cvFolds,
        quick: options.quick,
        threads: options.threads,
        providers: options.providers,
        onProgress: (p) =>
          options.onProgress?.({
            ...p,
            scenario: table.scenario,
            task,
            tasks,
            overall: Math.min(1, (costDone + FAMILY_COST[family] * p.fraction) / totalCost),
          }),
      });
      costBefore += FAMILY_COST[family];
      fits.push({
        scenario: table.scenario,
        family,
        model: fit.model,
        hyperparameters: fit.hyperparameters,
        cv: fit.cv,
        search: fit.search,
        test: evaluateModel(fit.model, test.rows),
        trainSeconds: fit.seconds,
      });
    }
    const sae = fits.find((f) => f.family === 'sae');
    const results: ModelResult[] = fits.map((fit) => ({
      ...fit,
      delongVsSae: sae && fit.family !== 'sae' ? compareWithSae(sae.test, fit.test, test.rows.y) : null,
    }));
    scenarios.push({
      scenario: table.scenario,
      featureNames: [...table.featureNames],
      schemaHash: table.schemaHash,
      train: train.counts,
      test: test.counts,
      otherRows,
      testIds,
      results,
      seconds: (performance.now() - s0) / 1000,
    });
  }
  return {
    seed: options.seed,
    cvFolds: options.cvFolds ?? 10,
    quick: options.quick ?? false,
    models: [...models],
    scenarios,
    startedAt: started.toISOString(),
    seconds: (performance.now() - t0) / 1000,
  };
}

function compareWithSae(sae: TestEvaluation, other: TestEvaluation, y: Uint8Array): DelongComparison {
  const t = delongTest(sae.scores, other.scores, y);
  return { aucDifference: t.difference, z: t.z, pValue: t.pValue };
}

function checkExperimentOptions(tables: readonly FeatureTableLike[], models: readonly ModelFamily[]): void {
  if (tables.length === 0) throw new TrainingError('INVALID_OPTION', 'no feature tables to train on');
  if (models.length === 0) throw new TrainingError('INVALID_OPTION', 'no model families to train');
  for (const family of models) {
    if (!MODEL_FAMILIES.includes(family)) {
      throw new TrainingError(
        'INVALID_OPTION',
        `unknown model family '${family}' (known: ${MODEL_FAMILIES.join(', ')})`,
      );
    }
  }
  if (new Set(models).size !== models.length) {
    throw new TrainingError('INVALID_OPTION', `a model family is listed twice: ${models.join(', ')}`);
  }
  const names = tables.map((t) => t.scenario);
  if (new Set(names).size !== names.length) {
    throw new TrainingError('INVALID_OPTION', `a scenario is listed twice: ${names.join(', ')}`);
  }
}

interface SplitPart {
  readonly rows: LabelledRows;
  readonly counts: ClassCounts;
}

/**
 * The `train` and `test` rows of a table, in table order.
 *
 * @throws TrainingError `INVALID_DATA` for inconsistent array lengths, `INVALID_SPLIT` when either part is empty.
 */
function splitTable(table: FeatureTableLike): {
  train: SplitPart;
  test: SplitPart;
  testIds: string[];
  otherRows: number;
} {
  const n = table.rows;
  const p = table.featureNames.length;
  const where = `table '${table.scenario}'`;
  if (
    table.y.length !== n ||
    table.x.length !== n * p ||
    table.split.length !== n ||
    table.ids.length !== n
  ) {
    throw new TrainingError(
      'INVALID_DATA',
      `${where}: ${n} rows but ${table.y.length} labels, ${table.x.length} values for ${p} features, ${table.split.length} split entries, ${table.ids.length} ids`,
    );
  }
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (table.split[i] === 'train') trainRows.push(i);
    else if (table.split[i] === 'test') testRows.push(i);
  }
  if (trainRows.length === 0 || testRows.length === 0) {
    throw new TrainingError(
      'INVALID_SPLIT',
      `${where} has ${trainRows.length} train and ${testRows.length} test rows; both are needed`,
    );
  }
  return {
    train: part(table, trainRows, p),
    test: part(table, testRows, p),
    testIds: testRows.map((i) => table.ids[i]),
    otherRows: n - trainRows.length - testRows.length,
  };
}

function part(table: FeatureTableLike, rows: readonly number[], p: number): SplitPart {
  const x = new Float64Array(rows.length * p);
  const y = new Uint8Array(rows.length);
  rows.forEach((row, r) => {
    x.set(table.x.subarray(row * p, (row + 1) * p), r * p);
    y[r] = table.y[row];
  });
  let positives = 0;
  for (let r = 0; r < y.length; r++) if (y[r] === 1) positives++;
  return { rows: { x, y, p }, counts: { n: rows.length, positives, negatives: rows.length - positives } };
}
