import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { exportTabularModel, tabularSignature } from '@calcscope/ml';
import { writeModelVersion } from '@calcscope/model-repository';
import {
  buildFeatureTables,
  type DatasetSummary,
  extractFeatures,
  type FeatureTable,
  makeSyntheticDataset,
  readFeatureTable,
  readManifest,
} from './dataset';
import { readCodeCommit, type WrittenReport, writeReport } from './report';
import { type ExperimentResult, type ModelFamily, type ModelResult, runExperiment } from './train';
import type { TrainingConfig } from './training-config';

/** What a finished run produced. */
export interface TrainingOutcome {
  runId: string;
  report: WrittenReport;
  /** Model versions written into the repository, one per scenario × family. */
  versions: { name: string; version: number; dir: string }[];
  /** report.json's `results`, for the job API. */
  results: { scenario: string; model: string; accuracy: number; auc: number; aucCi95: [number, number] }[];
  seconds: number;
}

/** A run's progress: the stage, its count, and the overall fraction (data 0–0.4, training to 0.95, writing). */
export interface TrainingProgressEvent {
  stage: 'data' | 'features' | 'training' | 'writing';
  done: number;
  total: number;
  fraction: number;
  etaS: number | null;
  message: string;
}

const DATA_SHARE = 0.4;
const TRAIN_SHARE = 0.55;

/**
 * One whole training run: data → feature tables → every scenario × model (CV selection, test evaluation,
 * DeLong) → `reports/<run-id>/` → one new model version per scenario × model in the repository.
 *
 * Versions are written only after every model has trained and exported; if writing one fails, the
 * versions this run already wrote are removed again, so a failed run leaves no version behind.
 */
export async function runTraining(
  config: TrainingConfig,
  onProgress: (event: TrainingProgressEvent) => void = () => {},
): Promise<TrainingOutcome> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const { tables, dataset, source } = await loadTables(config, onProgress, timings);

  const trainStart = performance.now();
  const experiment = await runExperiment(tables, {
    models: config.models,
    seed: config.seed,
    quick: config.quick,
    cvFolds: config.cvFolds,
    onProgress: (p) => {
      const elapsed = (performance.now() - trainStart) / 1000;
      onProgress({
        stage: 'training',
        done: p.task,
        total: p.tasks,
        fraction: DATA_SHARE + TRAIN_SHARE * p.overall,
        etaS: p.overall > 0.02 ? (elapsed * (1 - p.overall)) / p.overall : null,
        message: `${p.scenario} ${p.message}`,
      });
    },
  });
  timings.training = (performance.now() - trainStart) / 1000;

  const commit = readCodeCommit();
  const report = await writeReport(config.reportsDir, experiment, {
    dataset: dataset as unknown as Record<string, unknown>,
    command: config.command,
    timings,
    commit,
  });
  const exports = exportModels(experiment, tables, report.runId, commit, source);
  const versions = await writeVersions(config.out, exports, (done) =>
    onProgress({
      stage: 'writing',
      done,
      total: exports.length,
      fraction: DATA_SHARE + TRAIN_SHARE + (1 - DATA_SHARE - TRAIN_SHARE) * (done / exports.length),
      etaS: null,
      message: `model versions written ${done}/${exports.length}`,
    }),
  );
  return {
    runId: report.runId,
    report,
    versions,
    results: experiment.scenarios.flatMap((s) =>
      s.results.map((r) => ({
        scenario: s.scenario,
        model: r.family,
        accuracy: r.test.accuracy,
        auc: r.test.auc,
        aucCi95: [r.test.aucCi95[0], r.test.aucCi95[1]],
      })),
    ),
    seconds: (performance.now() - started) / 1000,
  };
}

async function loadTables(
  config: TrainingConfig,
  onProgress: (event: TrainingProgressEvent) => void,
  timings: Record<string, number>,
): Promise<{ tables: FeatureTable[]; dataset: DatasetSummary | Record<string, unknown>; source: string }> {
  const t0 = performance.now();
  if (config.source.kind === 'table') {
    const loaded = await readFeatureTable(
      config.source.path,
      config.source.label,
      config.source.split,
      config.seed,
      {
        positiveLabel: config.source.positive,
      },
    );
    timings.dataLoading = (performance.now() - t0) / 1000;
    const t = loaded.table;
    return {
      tables: [t],
      dataset: {
        source: config.source.path,
        rows: t.rows,
        features: t.featureNames.length,
        positiveLabel: loaded.positiveLabel,
        negativeLabel: loaded.negativeLabel,
        split: loaded.splitSource,
        train: loaded.split.train.length,
        test: loaded.split.test.length,
      },
      source: `table:${config.source.path}`,
    };
  }
  let manifestPath: string;
  if (config.source.kind === 'synthetic') {
    const dir = config.source.dir ?? join('data', `synthetic-n${config.source.n}-s${config.seed}`);
    const synthetic = await makeSyntheticDataset(dir, {
      n: config.source.n,
      seed: config.seed,
      onProgress: (done, total, elapsedS) =>
        onProgress({
          stage: 'data',
          done,
          total,
          fraction: (DATA_SHARE / 2) * (done / total),
          etaS: done > 0 ? (elapsedS * (total - done)) / done : null,
          message: `phantoms ${done}/${total}`,
        }),
    });
    manifestPath = synthetic.manifestPath;
    timings.phantomGeneration = (performance.now() - t0) / 1000;
  } else {
    manifestPath = resolve(config.source.path);
  }
  const manifest = await readManifest(manifestPath, {
    labelColumn: config.source.labelColumn,
    roiUnits: config.source.roiUnits,
  });
  const t1 = performance.now();
  const dataShareStart = config.source.kind === 'synthetic' ? DATA_SHARE / 2 : 0;
  const extraction = await extractFeatures(manifest.rows, {
    workers: config.workers,
    cacheDir: config.cacheDir,
    onProgress: (p) =>
      onProgress({
        stage: 'features',
        done: p.done,
        total: p.total,
        fraction: dataShareStart + (DATA_SHARE - dataShareStart) * (p.total ? p.done / p.total : 1),
        etaS: p.etaS,
        message: `images analysed ${p.done}/${p.total} (${p.cached} cached, ${p.failed} failed)`,
      }),
  });
  timings.featureExtraction = (performance.now() - t1) / 1000;
  const built = buildFeatureTables(extraction);
  const wanted = new Set(config.scenarios);
  const tables = Object.values(built.tables).filter((t) => wanted.has(t.scenario as never));
  return { tables, dataset: built.summary, source: `manifest:${manifestPath}` };
}

interface PendingVersion {
  name: string;
  onnx: Uint8Array;
  card: Omit<ModelCard, 'name' | 'version' | 'onnxSha256'>;
}

function exportModels(
  experiment: ExperimentResult,
  tables: FeatureTable[],
  runId: string,
  commit: string | null,
  source: string,
): PendingVersion[] {
  const pending: PendingVersion[] = [];
  for (const scenario of experiment.scenarios) {
    const table = tables.find((t) => t.scenario === scenario.scenario) as FeatureTable;
    const trainingData = trainingDataIdentity(table, source);
    for (const result of scenario.results) {
      const task = table.task;
      const meta = {
        scenario: scenario.scenario,
        featureSchemaHash: scenario.schemaHash,
        featureNames: [...scenario.featureNames],
        task,
      };
      const model = result.model.family === 'sae' && 'sae' in result.model ? result.model.sae : result.model;
      const onnx = exportTabularModel(model as Parameters<typeof exportTabularModel>[0], meta);
      const signature = tabularSignature(scenario.featureNames.length);
      pending.push({
        name: `${task}-${result.family}-${scenario.scenario}`,
        onnx,
        card: {
          family: result.family,
          task,
          scenario: scenario.scenario,
          inputs: signature.inputs.map((t) => ({ ...t, shape: [...t.shape] })),
          outputs: signature.outputs.map((t) => ({ ...t, shape: [...t.shape] })),
          featureSchemaHash: scenario.schemaHash,
          featureNames: [...scenario.featureNames],
          trainingData,
          hyperparameters: { ...result.hyperparameters, seed: experiment.seed },
          metrics: cardMetrics(result),
          createdAt: new Date().toISOString(),
          codeCommit: commit ?? 'unknown',
          runId,
        },
      });
    }
  }
  return pending;
}

function cardMetrics(result: ModelResult): ModelCard['metrics'] {
  return {
    test: {
      accuracy: result.test.accuracy,
      sensitivity: result.test.sensitivity,
      specificity: result.test.specificity,
      auc: result.test.auc,
      aucCi95: [result.test.aucCi95[0], result.test.aucCi95[1]],
      n: result.test.n,
    },
    cv: { folds: result.cv.folds, accuracyMean: result.cv.accuracyMean, accuracyStd: result.cv.accuracyStd },
    extra: result.delongVsSae ? { delongPVsSae: result.delongVsSae.pValue } : undefined,
  };
}

/** sha256 over the training rows (values in schema order, then labels), so a card names its exact data. */
function trainingDataIdentity(table: FeatureTable, source: string): ModelCard['trainingData'] {
  const hash = createHash('sha256');
  const p = table.featureNames.length;
  let rows = 0;
  let positives = 0;
  for (let i = 0; i < table.rows; i++) {
    if (table.split[i] !== 'train') continue;
    const row = table.x.subarray(i * p, (i + 1) * p);
    hash.update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
    hash.update(Uint8Array.of(table.y[i]));
    rows++;
    positives += table.y[i];
  }
  return { sha256: hash.digest('hex'), rows, positives, source };
}

async function writeVersions(
  repoDir: string,
  pending: PendingVersion[],
  onWritten: (done: number) => void,
): Promise<TrainingOutcome['versions']> {
  const written: TrainingOutcome['versions'] = [];
  try {
    for (const item of pending) {
      const v = await writeModelVersion(repoDir, { name: item.name, onnx: item.onnx, card: item.card });
      written.push({ name: v.name, version: v.version, dir: v.dir });
      onWritten(written.length);
    }
  } catch (error) {
    await Promise.all(written.map((v) => rm(v.dir, { recursive: true, force: true })));
    throw error;
  }
  return written;
}

export type { ModelFamily };
