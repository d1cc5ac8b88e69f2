import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TrainingError } from '../train/errors';
import type { ExperimentResult } from '../train/experiment';
import { readCodeCommit } from './commit';
import type { ReportContext } from './context';
import { renderReportMarkdown } from './markdown';
import { modelName, scenarioFileStem, scenarioTitle } from './names';
import { buildReportJson } from './report-json';
import { svgToPng } from './roc-png';
import { rocFigureSvg } from './roc-svg';
import { makeRunId } from './run-id';

/** Where a report was written. */
export interface WrittenReport {
  readonly runId: string;
  /** Absolute path of `<dir>/<runId>`. */
  readonly directory: string;
  /** Absolute paths of `report.md` and `report.json`. */
  readonly markdown: string;
  readonly json: string;
  /** Absolute path of each scenario's ROC figure (`roc-<scenario>.png`; the SVG lies beside it). */
  readonly rocFigures: Readonly<Record<string, string>>;
}

/**
 * Writes a run's report to `<dir>/<runId>/`: `report.md` (the paper's Table 2–4 layout per scenario,
 * dataset summary, hyperparameters, seed, run id, timings, code commit), `report.json` (`results`: one row
 * per scenario × model with scenario, model, accuracy, sensitivity, specificity, auc, aucCi95,
 * cvAccuracyMean, cvAccuracyStd and more; runId, seed, dataset) and per scenario `roc-<scenario>.png` (plus
 * its `.svg`): every model's ROC curve with its AUC, like the paper's Fig. 5.
 *
 * The folder appears whole or not at all: files go to a hidden temporary folder in `dir`, renamed to
 * `<runId>` at the end (removed on failure). An existing report is never overwritten.
 *
 * @param dir - the reports folder (e.g. `reports`); created if missing.
 * @param experiment - the experiment to report.
 * @param context - run id (default `YYYYMMDD-HHMMSS-<seed>` from the start time), commit (default: from
 *   git), dataset summary, command line, extra timings.
 * @returns the paths written.
 * @throws TrainingError `REPORT_EXISTS` when `<dir>/<runId>` exists, `INVALID_OPTION` for a run id that is
 *   not a plain folder name; file-system errors.
 */
export async function writeReport(
  dir: string,
  experiment: ExperimentResult,
  context: ReportContext = {},
): Promise<WrittenReport> {
  const runId = context.runId ?? makeRunId(new Date(experiment.startedAt), experiment.seed);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) {
    throw new TrainingError('INVALID_OPTION', `run id '${runId}' must be letters, digits, '.', '_' or '-'`);
  }
  const commit = context.commit === undefined ? readCodeCommit() : context.commit;
  const rocFiles = rocFileNames(experiment.scenarios.map((s) => s.scenario));
  const root = resolve(dir);
  const directory = join(root, runId);
  await mkdir(root, { recursive: true });
  if (existsSync(directory)) {
    throw new TrainingError('REPORT_EXISTS', `${directory} exists; reports are never overwritten`);
  }
  const staging = await mkdtemp(join(root, `.${runId}.partial-`));
  try {
    for (const s of experiment.scenarios) {
      const figure = rocFigureSvg(
        s.results.map((r) => ({
          label: modelName(r.family),
          auc: r.test.auc,
          fpr: r.test.roc.fpr,
          tpr: r.test.roc.tpr,
        })),
        { title: `ROC — ${scenarioTitle(s.scenario, s.featureNames.length)}, test n = ${s.test.n}` },
      );
      const png = rocFiles[s.scenario];
      await writeFile(join(staging, png), await svgToPng(figure.svg));
      await writeFile(join(staging, png.replace(/\.png$/, '.svg')), figure.svg);
    }
    const markdown = renderReportMarkdown(experiment, {
      runId,
      commit,
      command: context.command,
      dataset: context.dataset,
      timings: context.timings,
      rocFiles,
    });
    await writeFile(join(staging, 'report.md'), markdown);
    const json = buildReportJson(experiment, {
      runId,
      commit,
      command: context.command,
      dataset: context.dataset,
      timings: context.timings,
      createdAt: new Date(),
      rocFiles,
    });
    await writeFile(join(staging, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
    await rename(staging, directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return {
    runId,
    directory,
    markdown: join(directory, 'report.md'),
    json: join(directory, 'report.json'),
    rocFigures: Object.fromEntries(Object.entries(rocFiles).map(([s, f]) => [s, join(directory, f)])),
  };
}

/** `roc-<stem>.png` per scenario; a stem shared by two scenarios gets `-2`, `-3`, … appended. */
function rocFileNames(scenarios: readonly string[]): Record<string, string> {
  const used = new Set<string>();
  const out: Record<string, string> = {};
  for (const scenario of scenarios) {
    const stem = scenarioFileStem(scenario);
    let name = `roc-${stem}.png`;
    for (let k = 2; used.has(name); k++) name = `roc-${stem}-${k}.png`;
    used.add(name);
    out[scenario] = name;
  }
  return out;
}
