import type { ExperimentResult, ModelResult } from '../train/experiment';
import type { Hyperparameters, HyperparameterValue } from '../train/types';
import type { DatasetSummaryLike } from './context';
import {
  formatAucWithCi,
  formatFixed,
  formatMeanStd,
  formatPercent,
  formatPValue,
  formatSeconds,
} from './format';
import { modelName, scenarioTitle } from './names';
import { summaryToMarkdown } from './summary-markdown';

/** Run facts printed in the report's header and timing section. */
export interface MarkdownFacts {
  readonly runId: string;
  readonly commit: string | null;
  readonly command?: string;
  readonly dataset?: DatasetSummaryLike;
  readonly timings?: Readonly<Record<string, number>>;
  /** ROC figure file name per scenario (relative to the report). */
  readonly rocFiles: Readonly<Record<string, string>>;
}

/**
 * Renders `report.md`: run facts; the dataset (per-scenario train/test counts and the caller's summary);
 * one table per scenario in the layout of Wang 2016's Tables 2–4 — a row per model with test accuracy (%),
 * sensitivity, specificity, AUC [DeLong 95 % CI], training CV accuracy mean ± SD and the paired DeLong
 * p-value of SAE vs that model — followed by its ROC figure; the chosen hyperparameters; timings; and how
 * each number is defined.
 *
 * @param experiment - the experiment.
 * @param facts - run id, commit, command, dataset summary, extra timings, ROC file names.
 * @returns the Markdown text (ends with a newline).
 */
export function renderReportMarkdown(experiment: ExperimentResult, facts: MarkdownFacts): string {
  const out: string[] = [];
  out.push(`# Calcscope training report ${facts.runId}`, '');
  out.push(
    `- Run id: \`${facts.runId}\``,
    `- Seed: ${experiment.seed}`,
    `- Started: ${experiment.startedAt}`,
    `- Code commit: ${facts.commit ? `\`${facts.commit}\`` : 'unknown'}`,
    `- Models: ${experiment.models.map(modelName).join(', ')}`,
    `- Hyperparameters chosen by ${experiment.cvFolds}-fold stratified CV on the training rows${experiment.quick ? ' (**quick grids**: a smoke run, not a result)' : ''}`,
  );
  if (facts.command) out.push(`- Command: \`${facts.command}\``);
  out.push('');

  out.push('## Dataset', '');
  out.push(
    '| Scenario | Features | Schema hash | Train (benign / malignant) | Test (benign / malignant) | Rows of other splits |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const s of experiment.scenarios) {
    out.push(
      `| ${s.scenario} | ${s.featureNames.length} | \`${s.schemaHash}\` | ${s.train.n} (${s.train.negatives} / ${s.train.positives}) | ${s.test.n} (${s.test.negatives} / ${s.test.positives}) | ${s.otherRows} |`,
    );
  }
  out.push('');
  if (facts.dataset !== undefined && Object.keys(facts.dataset).length > 0) {
    out.push('Dataset summary:', '', ...summaryToMarkdown(facts.dataset), '');
  }

  out.push('## Results', '');
  experiment.scenarios.forEach((s, i) => {
    out.push(
      `### Table ${i + 1}. ${scenarioTitle(s.scenario, s.featureNames.length)} — scenario \`${s.scenario}\``,
      '',
    );
    out.push(
      `Test set: ${s.test.n} rows (${s.test.negatives} benign, ${s.test.positives} malignant); CV on ${s.train.n} training rows.`,
      '',
      '| Model | Accuracy | Sensitivity | Specificity | AUC [95% CI] | CV accuracy (mean ± SD) | DeLong p vs SAE |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of s.results) out.push(resultRow(r));
    out.push('', `![ROC curves, ${s.scenario}](${facts.rocFiles[s.scenario]})`, '');
  });

  out.push('## Hyperparameters', '');
  out.push('| Scenario | Model | Chosen | Search |', '| --- | --- | --- | --- |');
  for (const s of experiment.scenarios) {
    for (const r of s.results) {
      const criterion = r.search.criterion === 'cv-accuracy' ? 'CV accuracy' : 'CV deviance';
      out.push(
        `| ${s.scenario} | ${modelName(r.family)} | ${formatHyperparameters(r.hyperparameters)} | ${r.search.entries.length} candidates by ${criterion} |`,
      );
    }
  }
  out.push('');

  out.push('## Timings', '');
  out.push('| Stage | Wall time |', '| --- | --- |');
  for (const [stage, seconds] of Object.entries(facts.timings ?? {}))
    out.push(`| ${stage} | ${formatSeconds(seconds)} |`);
  for (const s of experiment.scenarios) {
    for (const r of s.results) {
      out.push(
        `| ${s.scenario} · ${modelName(r.family)} (search + final fit) | ${formatSeconds(r.trainSeconds)} |`,
      );
    }
  }
  out.push(
    `| experiment (all scenarios × models, with evaluation) | ${formatSeconds(experiment.seconds)} |`,
    '',
  );

  out.push('## Definitions', '');
  out.push(
    "- Labels: malignant when the model's P(malignant) > 0.5 (column 1 of `probabilities`; exactly 0.5 → benign, as the ONNX ArgMax).",
    '- Accuracy = (TP + TN) / n; sensitivity = TP / (TP + FN); specificity = TN / (TN + FP), on the test rows.',
    "- AUC: area under the empirical ROC curve of P(malignant) (Mann–Whitney, ties ½); 95% CI = AUC ± 1.96·SE with DeLong's SE (sample variances of the placements, as pROC), clipped to [0, 1].",
    '- DeLong p vs SAE: two-sided paired DeLong test of AUC(SAE) = AUC(model) on the same test rows.',
    `- CV accuracy: the chosen configuration's accuracy on each of the ${experiment.cvFolds} stratified folds of the training rows (same folds for every model), mean ± sample SD (divisor k − 1). The search picks the best mean, so this figure is optimistic by the selection.`,
    "- SVM: C and γ are searched with LIBSVM grid.py's scoring (features standardized once, sign of f); the reported CV accuracy re-runs the chosen pair fold by fold as deployed (per-fold standardization, Platt scaling, P > 0.5).",
    '- SAE: architecture and noise by CV accuracy; inside each CV training run, early stopping on a validation fold finds the best fine-tuning epoch (`cvBestEpochs`); the final model trains on all training rows for their median (`finetuneEpochs`).',
    '',
  );
  return out.join('\n');
}

function resultRow(r: ModelResult): string {
  const t = r.test;
  const p = r.family === 'sae' ? '—' : r.delongVsSae ? formatPValue(r.delongVsSae.pValue) : 'n/a';
  return `| ${modelName(r.family)} | ${formatPercent(t.accuracy)} | ${formatFixed(t.sensitivity)} | ${formatFixed(t.specificity)} | ${formatAucWithCi(t.auc, t.aucCi95)} | ${formatMeanStd(r.cv.accuracyMean, r.cv.accuracyStd)} | ${p} |`;
}

/**
 * Hyperparameters as one line: `hidden [200, 200], noise 0.1, …` (floats to 4 significant digits).
 *
 * @param h - the hyperparameters.
 * @returns the line.
 */
export function formatHyperparameters(h: Hyperparameters): string {
  const value = (v: HyperparameterValue): string => {
    if (v === null) return '—';
    if (Array.isArray(v)) return `[${v.map((x) => value(x)).join(', ')}]`;
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
    return String(v);
  };
  return Object.entries(h)
    .map(([k, v]) => `${k} ${value(v)}`)
    .join(', ');
}
