/**
 * One `npm run train:roi` run: phantom cohorts → truth-centred ROIs → the DCIS/IDC experiment and/or the
 * benign/malignant experiment → exported graphs (checked against TypeScript) → model versions → report.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readCodeCommit } from '../report/commit';
import { makeRunId } from '../report/run-id';
import { TrainingError } from '../train/errors';
import { type Backbone, backbonePixels, inspectBackbone } from './backbone';
import { buildRoiDataset, type RoiCohort, type RoiDataset, roiCohortSpecs } from './dataset';
import { type DcisIdcResult, runDcisIdcExperiment } from './dcis-idc';
import { RoiError } from './errors';
import { exportDcisIdc, exportMalignancy, type PendingRoiVersion, writeRoiVersions } from './export';
import { type MalignancyResult, runMalignancyExperiment } from './malignancy';
import { ProgressPlan, type RoiProgressEvent } from './progress';
import { type WrittenRoiReport, writeRoiReport } from './report';
import { DEFAULT_ROI_SPEC, type RoiSpec } from './roi-spec';

/** What `runRoiTraining` does. */
export interface RoiTrainingConfig {
  /** Cohorts to run: 'dcis-idc' (DCIS vs IDC) and/or 'wang2016' (benign vs malignant MC ROIs). */
  readonly cohorts: readonly RoiCohort[];
  /** Cohort sizes before the MC filter (default 294 and 1204; quick 40 and 80). */
  readonly n?: Partial<Record<RoiCohort, number>>;
  /** Seed of the phantom cohorts and of every model (non-negative integer). */
  readonly seed: number;
  /** Model repository (default 'models'). */
  readonly out?: string;
  /** Reports folder (default 'reports'). */
  readonly reports?: string;
  readonly quick?: boolean;
  /** ONNX backbone file for the DCIS/IDC models (frozen feature extractor) instead of training the CNN. */
  readonly backbonePath?: string;
  /** Its embedding output (default 'embedding'). */
  readonly embeddingOutput?: string;
  /** Benign/malignant ensemble members (default 3; quick 2). */
  readonly members?: number;
  /** The command line, for the report. */
  readonly command?: string;
}

/** What a finished run produced. */
export interface RoiTrainingOutcome {
  readonly runId: string;
  readonly report: WrittenRoiReport;
  readonly versions: readonly { name: string; version: number; dir: string }[];
  readonly dcisIdc: DcisIdcResult | null;
  readonly malignancy: MalignancyResult | null;
  /** The ROI datasets the run built. */
  readonly datasets: Readonly<Partial<Record<RoiCohort, RoiDataset>>>;
  readonly seconds: number;
}

/** Default cohort sizes: the papers' (294 cases; Wang 2016's 1204, of which the MC cases are used). */
export const DEFAULT_COHORT_SIZES: Readonly<Record<RoiCohort, number>> = { 'dcis-idc': 294, wang2016: 1204 };
/** Cohort sizes of `--quick`. */
export const QUICK_COHORT_SIZES: Readonly<Record<RoiCohort, number>> = { 'dcis-idc': 40, wang2016: 80 };

/** Estimated seconds per phantom and per CNN sample-epoch (reference net, 1 thread), for the ETA. */
const PHANTOM_SECONDS = 0.15;
const SAMPLE_EPOCH_SECONDS = 1 / 450;

/**
 * Runs everything (see the module comment). Versions are written only when every model trained and passed
 * its parity check; if the report cannot be written, the versions are removed again.
 *
 * @param config - Cohorts, sizes, seed, folders, quick mode, backbone.
 * @param onProgress - Progress with the stage, counts and an ETA.
 * @returns Run id, report paths, versions, results.
 * @throws RoiError for bad options or data and failed parity; TrainingError `REPORT_EXISTS` when the run's
 *   report folder exists; file-system errors.
 */
export async function runRoiTraining(
  config: RoiTrainingConfig,
  onProgress: (event: RoiProgressEvent) => void = () => {},
): Promise<RoiTrainingOutcome> {
  const started = performance.now();
  const startedAt = new Date();
  checkConfig(config);
  const quick = config.quick ?? false;
  const runId = makeRunId(startedAt, config.seed);
  const reportsDir = resolve(config.reports ?? 'reports');
  if (existsSync(join(reportsDir, runId)))
    throw new TrainingError(
      'REPORT_EXISTS',
      `${join(reportsDir, runId)} exists; reports are never overwritten`,
    );
  const sizes = { ...(quick ? QUICK_COHORT_SIZES : DEFAULT_COHORT_SIZES), ...config.n };
  let backbone: Backbone | null = null;
  if (config.backbonePath)
    backbone = inspectBackbone(
      new Uint8Array(await readFile(config.backbonePath)),
      config.embeddingOutput ?? 'embedding',
    );
  const spec: RoiSpec = backbone
    ? { ...DEFAULT_ROI_SPEC, pixels: backbonePixels(backbone, DEFAULT_ROI_SPEC.pixels) }
    : DEFAULT_ROI_SPEC;
  const wants = (c: RoiCohort) => config.cohorts.includes(c);
  const speed = quick ? 8 : 1;
  const members = config.members ?? (quick ? 2 : 3);
  const epochs = quick ? 3 : 25;
  const plan = new ProgressPlan(
    {
      'phantoms:dcis-idc': wants('dcis-idc') ? sizes['dcis-idc'] * PHANTOM_SECONDS : 0,
      'phantoms:wang2016': wants('wang2016') ? sizes.wang2016 * PHANTOM_SECONDS : 0,
      'cnn:dcis-idc':
        wants('dcis-idc') && !backbone
          ? (0.5 * sizes['dcis-idc'] * epochs * SAMPLE_EPOCH_SECONDS) / speed
          : 0,
      'cnn:wang2016': wants('wang2016')
        ? (0.65 * sizes.wang2016 * epochs * members * SAMPLE_EPOCH_SECONDS) / speed
        : 0,
      heads: wants('dcis-idc') ? 4 : 0,
      export: 6,
      report: 2,
    },
    onProgress,
  );
  const timings: Record<string, number> = {};
  const datasets: Partial<Record<RoiCohort, RoiDataset>> = {};
  for (const cohort of config.cohorts) {
    const t0 = performance.now();
    const specs = roiCohortSpecs(cohort, sizes[cohort], config.seed);
    datasets[cohort] = buildRoiDataset(cohort, specs, spec, (done, total) =>
      plan.report(
        `phantoms:${cohort}`,
        'phantoms',
        done,
        total,
        `${cohort} phantoms and ROIs ${done}/${total}`,
      ),
    );
    timings[`phantoms:${cohort}`] = (performance.now() - t0) / 1000;
  }

  let dcisIdc: DcisIdcResult | null = null;
  let malignancy: MalignancyResult | null = null;
  const dcisData = datasets['dcis-idc'];
  if (dcisData) {
    const t0 = performance.now();
    dcisIdc = await runDcisIdcExperiment(dcisData, {
      seed: config.seed,
      quick,
      backbone,
      onEpoch: (epoch, total, loss) =>
        plan.report(
          'cnn:dcis-idc',
          'cnn',
          epoch,
          total,
          `dcis-idc CNN epoch ${epoch}/${total}, loss ${loss.toFixed(3)}`,
        ),
    });
    plan.report('heads', 'heads', 1, 1, 'dcis-idc: mRMR + LASSO, clinical and combined models fitted');
    timings['experiment:dcis-idc'] = (performance.now() - t0) / 1000;
  }
  const wangData = datasets.wang2016;
  if (wangData) {
    const t0 = performance.now();
    malignancy = await runMalignancyExperiment(wangData, {
      seed: config.seed,
      quick,
      members,
      onEpoch: (member, count, epoch, total, loss) =>
        plan.report(
          'cnn:wang2016',
          'cnn',
          member * total + epoch,
          count * total,
          `wang2016 CNN ${member + 1}/${count} epoch ${epoch}/${total}, loss ${loss.toFixed(3)}`,
        ),
    });
    timings['experiment:wang2016'] = (performance.now() - t0) / 1000;
  }

  const t1 = performance.now();
  const commit = readCodeCommit();
  const context = (cohort: RoiCohort) => ({
    runId,
    commit,
    source: `phantom cohort ${cohort} n=${sizes[cohort]} seed=${config.seed}`,
    createdAt: startedAt.toISOString(),
  });
  const pending: PendingRoiVersion[] = [];
  if (dcisIdc && dcisData) pending.push(...(await exportDcisIdc(dcisIdc, dcisData, context('dcis-idc'))));
  if (malignancy && wangData)
    pending.push(...(await exportMalignancy(malignancy, wangData, context('wang2016'))));
  const versions = await writeRoiVersions(config.out ?? 'models', pending, (done, total) =>
    plan.report('export', 'export', done, total, `model versions written ${done}/${total}`),
  );
  timings.export = (performance.now() - t1) / 1000;
  let report: WrittenRoiReport;
  try {
    report = await writeRoiReport(reportsDir, {
      runId,
      seed: config.seed,
      startedAt: startedAt.toISOString(),
      commit,
      command: config.command ?? null,
      quick,
      spec,
      sizes: Object.fromEntries(config.cohorts.map((c) => [c, sizes[c]])),
      backbonePath: config.backbonePath ?? null,
      datasets,
      dcisIdc,
      malignancy,
      pending,
      versions,
      timings: { ...timings, totalBeforeReport: (performance.now() - started) / 1000 },
    });
    plan.report('report', 'report', 1, 1, `report written to ${report.markdown}`);
  } catch (error) {
    await Promise.all(versions.map((v) => rm(v.dir, { recursive: true, force: true })));
    throw error;
  }
  return {
    runId,
    report,
    versions,
    dcisIdc,
    malignancy,
    datasets,
    seconds: (performance.now() - started) / 1000,
  };
}

function checkConfig(config: RoiTrainingConfig): void {
  if (config.cohorts.length === 0) throw new RoiError('INVALID_OPTION', 'no cohort to run');
  if (!(Number.isInteger(config.seed) && config.seed >= 0 && config.seed <= 0xffffffff))
    throw new RoiError('INVALID_OPTION', `seed must be an integer in [0, 2^32 − 1], got ${config.seed}`);
  for (const [cohort, n] of Object.entries(config.n ?? {}))
    if (n !== undefined && !(Number.isInteger(n) && n >= 8 && n <= 100_000))
      throw new RoiError('INVALID_OPTION', `--n for ${cohort} must be an integer in 8–100000, got ${n}`);
  if (
    config.members !== undefined &&
    !(Number.isInteger(config.members) && config.members >= 1 && config.members <= 10)
  )
    throw new RoiError(
      'INVALID_OPTION',
      `ensemble members must be an integer in 1–10, got ${config.members}`,
    );
}
