/**
 * The ROI run's report, `reports/<run-id>/`: report.md in the 2025 paper's layout (clinical vs deep vs
 * combined: AUC [95% CI], sensitivity, specificity, accuracy; DeLong p) for internal and external validation,
 * the benign/malignant CNNs and their ensemble, model building details; report.json with every number; ROC
 * figures (PNG + SVG) and CAM examples (PNG).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatAucWithCi, formatFixed, formatPValue, formatSeconds } from '../report/format';
import { svgToPng } from '../report/roc-png';
import { rocFigureSvg } from '../report/roc-svg';
import { ROI_TENSORS, runRoiModel } from './backbone';
import { type CamPanel, camStripPng } from './cam-overlay';
import { CLINICAL_VARIABLES } from './clinical';
import { ROI_TASKS, type RoiCohort, type RoiDataset, splitCounts } from './dataset';
import {
  DCIS_IDC_COMPARISONS,
  DCIS_IDC_MODELS,
  DCIS_IDC_VALIDATION_SPLITS,
  type DcisIdcResult,
} from './dcis-idc';
import type { AucComparison, RoiEvaluation } from './evaluate';
import type { PendingRoiVersion } from './export';
import type { MalignancyResult } from './malignancy';
import { type RoiSpec, roiPreprocessingText } from './roi-spec';

/** Everything the report shows. */
export interface RoiReportInput {
  readonly runId: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly commit: string | null;
  readonly command: string | null;
  readonly quick: boolean;
  readonly spec: RoiSpec;
  readonly sizes: Readonly<Record<string, number>>;
  readonly backbonePath: string | null;
  readonly datasets: Readonly<Partial<Record<RoiCohort, RoiDataset>>>;
  readonly dcisIdc: DcisIdcResult | null;
  readonly malignancy: MalignancyResult | null;
  readonly pending: readonly PendingRoiVersion[];
  readonly versions: readonly { name: string; version: number; dir: string }[];
  readonly timings: Readonly<Record<string, number>>;
}

/** Where the report went. */
export interface WrittenRoiReport {
  readonly directory: string;
  readonly markdown: string;
  readonly json: string;
  /** File names of the figures inside the directory. */
  readonly figures: readonly string[];
}

const SPLIT_TITLES: Readonly<Record<string, string>> = {
  train: 'Training set',
  internal: 'Internal validation (centre A, ge-like)',
  external: 'External validation (centre B, hologic-like)',
  test: 'Test set',
};

/** Short legend names (the figure's legend box is narrow). */
const FIGURE_LABELS: Readonly<Record<string, string>> = {
  clinical: 'Clinical',
  deep: 'Deep',
  combined: 'Combined',
};

/** Name of a benign/malignant model key. */
export function malignancyModelName(key: string): string {
  return key === 'ensemble' ? 'Ensemble (mean of the CNNs)' : `CNN ${Number(key.replace('member', '')) + 1}`;
}

function dcisModelName(key: string): string {
  return DCIS_IDC_MODELS[key as keyof typeof DCIS_IDC_MODELS] ?? key;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function paperRow(name: string, e: RoiEvaluation, extra = false): string[] {
  const row = [
    name,
    formatAucWithCi(e.auc, e.aucCi95),
    formatFixed(e.sensitivity, 2),
    formatFixed(e.specificity, 2),
    formatFixed(e.accuracy, 2),
  ];
  return extra ? [...row, formatFixed(e.ppv, 2), formatFixed(e.npv, 2)] : row;
}

function pOf(comparisons: readonly AucComparison[], split: string, a: string, b: string): string {
  const c = comparisons.find((x) => x.split === split && x.modelA === a && x.modelB === b);
  return c
    ? `${formatPValue(c.pValue)} (ΔAUC ${c.difference >= 0 ? '+' : ''}${formatFixed(c.difference)})`
    : 'n/a';
}

/**
 * Writes the report (staged in a hidden folder, renamed when complete).
 *
 * @param dir - Reports folder (created if missing).
 * @param input - Everything to show.
 * @returns Paths.
 * @throws File-system errors (an existing run folder makes the final rename fail).
 */
export async function writeRoiReport(dir: string, input: RoiReportInput): Promise<WrittenRoiReport> {
  await mkdir(dir, { recursive: true });
  const directory = join(dir, input.runId);
  const staging = await mkdtemp(join(dir, `.${input.runId}.partial-`));
  const figures: string[] = [];
  const camCaptions: Record<string, string> = {};
  try {
    const figure = async (stem: string, series: { label: string; e: RoiEvaluation }[], title: string) => {
      const svg = rocFigureSvg(
        series.map((s) => ({ label: s.label, auc: s.e.auc, fpr: s.e.roc.fpr, tpr: s.e.roc.tpr })),
        { title },
      ).svg;
      await writeFile(join(staging, `${stem}.svg`), svg);
      await writeFile(join(staging, `${stem}.png`), await svgToPng(svg));
      figures.push(`${stem}.png`);
    };
    const d = input.dcisIdc;
    if (d) {
      for (const split of DCIS_IDC_VALIDATION_SPLITS) {
        const rows = d.evaluations.filter((e) => e.split === split && e.model !== 'cnn');
        await figure(
          `roc-dcis-idc-${split}`,
          rows.map((e) => ({ label: FIGURE_LABELS[e.model] ?? e.model, e })),
          `DCIS vs IDC, ${split} validation (n = ${rows[0].n})`,
        );
      }
      const cams = await camExamples(input, 'dcis-idc', 'external');
      if (cams) {
        await writeFile(join(staging, 'cam-dcis-idc-external.png'), cams.png);
        figures.push('cam-dcis-idc-external.png');
        camCaptions['dcis-idc'] = cams.caption;
      }
    }
    const m = input.malignancy;
    if (m) {
      const rows = m.evaluations.filter((e) => e.split === 'test');
      await figure(
        'roc-malignancy-test',
        rows.map((e) => ({ label: e.model === 'ensemble' ? 'Ensemble' : malignancyModelName(e.model), e })),
        `Benign vs malignant MC ROIs, test (n = ${rows[0].n})`,
      );
      const cams = await camExamples(input, 'wang2016', 'test');
      if (cams) {
        await writeFile(join(staging, 'cam-malignancy-test.png'), cams.png);
        figures.push('cam-malignancy-test.png');
        camCaptions.wang2016 = cams.caption;
      }
    }
    await writeFile(join(staging, 'report.md'), renderRoiMarkdown(input, camCaptions));
    await writeFile(join(staging, 'report.json'), `${JSON.stringify(buildRoiReportJson(input), null, 2)}\n`);
    await rename(staging, directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return {
    directory,
    markdown: join(directory, 'report.md'),
    json: join(directory, 'report.json'),
    figures,
  };
}

/**
 * CAM examples: two cases of each class from a split (the first in dataset order), through the exported deep
 * model (dcis-idc) or the exported single CNN (wang2016).
 */
async function camExamples(
  input: RoiReportInput,
  cohort: RoiCohort,
  split: string,
): Promise<{ png: Buffer; caption: string } | null> {
  const dataset = input.datasets[cohort];
  const name = cohort === 'dcis-idc' ? 'dcis-idc-deep-roi' : 'malignancy-cnn-roi';
  const model = input.pending.find((p) => p.name === name);
  if (!dataset || !model) return null;
  const picks: number[] = [];
  for (const label of [0, 1])
    picks.push(
      ...dataset.cases.flatMap((c, i) => (c.split === split && c.label === label ? [i] : [])).slice(0, 2),
    );
  if (picks.length === 0) return null;
  const area = dataset.spec.pixels * dataset.spec.pixels;
  const images = new Float32Array(picks.length * area);
  picks.forEach((i, k) => {
    images.set(dataset.images.subarray(i * area, (i + 1) * area), k * area);
  });
  const out = await runRoiModel(model.onnx, images, dataset.spec.pixels, [
    ROI_TENSORS.probabilities,
    ROI_TENSORS.cam,
  ]);
  const panels: CamPanel[] = picks.map((_, k) => ({
    roi: images.subarray(k * area, (k + 1) * area),
    cam: out.cam.data.subarray(k * area, (k + 1) * area),
  }));
  const task = ROI_TASKS[cohort];
  const caption = picks
    .map((i, k) => {
      const c = dataset.cases[i];
      const truth = c.label === 1 ? task.positiveClass : task.negativeClass;
      return `${k + 1}: ${c.id} (${truth}; ${c.morphology ?? 'no cluster'}, ${c.distribution ?? 'diffuse'}, ${c.lesionType}) P(${task.positiveClass}) = ${formatFixed(out.probabilities.data[2 * k + 1], 2)}`;
    })
    .join('; ');
  return { png: await camStripPng(panels, dataset.spec.pixels), caption };
}

function datasetSection(input: RoiReportInput): string[] {
  const out: string[] = ['## Data', ''];
  out.push(
    `ROIs: ${roiPreprocessingText(input.spec)}. Training ROIs are centred on the truth cluster centroid (the phantoms have at most one cluster per image); an image without a cluster (diffuse MCs) is centred on the MC with the most other MCs within half the ROI side. Augmentation while training: the 8 flips/rotations of the square, contrast ×(1 ± 0.1), brightness ± 0.1 (z units), centre jitter ± ${Math.round((6 * input.spec.pixels) / 64)} samples.`,
    '',
  );
  for (const [cohort, dataset] of Object.entries(input.datasets) as [RoiCohort, RoiDataset][]) {
    const task = ROI_TASKS[cohort];
    const counts = splitCounts(dataset);
    out.push(
      `**${cohort}** (phantom cohort n = ${input.sizes[cohort]}, seed ${input.seed}${cohort === 'wang2016' ? '; cases with MCs only' : ''}): ${dataset.cases.length} ROIs${dataset.skipped.length ? `, ${dataset.skipped.length} cases without MCs skipped` : ''}.`,
      '',
      table(
        ['split', task.negativeClass, task.positiveClass, 'vendors', 'ROIs without a cluster'],
        Object.entries(counts).map(([split, c]) => [
          split,
          String(c.negatives),
          String(c.positives),
          c.vendors.join(', '),
          String(c.densityCentred),
        ]),
      ),
      '',
    );
  }
  return out;
}

function dcisSection(input: RoiReportInput, caption: string): string[] {
  const d = input.dcisIdc as DcisIdcResult;
  const out: string[] = ['## DCIS vs IDC (layout of Xu et al. 2025)', ''];
  out.push(
    `Deep features: ${d.backboneSource === 'trained' ? `the ${d.backbone.info.embeddingSize}-d global-average-pooled embedding of the CNN trained on the training ROIs (seed ${d.cnnSeed})` : `the ${d.backbone.info.embeddingSize}-d embedding of the frozen backbone ${input.backbonePath}`}. Labels: P(IDC) > 0.5. AUC 95% CIs by DeLong; p-values by DeLong's paired test.`,
    '',
  );
  const header = ['Model', 'AUC (95% CI)', 'Sensitivity', 'Specificity', 'Accuracy'];
  for (const split of DCIS_IDC_VALIDATION_SPLITS) {
    const rows = d.evaluations.filter((e) => e.split === split);
    const first = rows[0];
    out.push(
      `### ${SPLIT_TITLES[split]} — n = ${first.n} (${first.negatives} DCIS, ${first.positives} IDC)`,
      '',
      table(
        header,
        (['clinical', 'deep', 'combined', 'cnn'] as const).flatMap((key) => {
          const e = rows.find((r) => r.model === key);
          return e ? [paperRow(key === 'cnn' ? `${dcisModelName(key)}¹` : dcisModelName(key), e)] : [];
        }),
      ),
      '',
      `![ROC, ${split}](roc-dcis-idc-${split}.png)`,
      '',
    );
  }
  if (d.cnn)
    out.push(
      '¹ Not one of the paper’s models: the CNN’s own softmax head, for reference (the deep model replaces it by mRMR + LASSO on the same embedding).',
      '',
    );
  out.push(
    '### DeLong tests of the AUCs',
    '',
    table(
      ['Comparison', ...DCIS_IDC_VALIDATION_SPLITS.map((s) => `${s} p (ΔAUC)`)],
      DCIS_IDC_COMPARISONS.map(([a, b]) => [
        `${dcisModelName(a)} vs ${dcisModelName(b)}`,
        ...DCIS_IDC_VALIDATION_SPLITS.map((s) => pOf(d.comparisons, s, a, b)),
      ]),
    ),
    '',
  );
  const trainRows = d.evaluations.filter((e) => e.split === 'train');
  out.push(
    `### ${SPLIT_TITLES.train} (fit data, optimistic) — n = ${trainRows[0].n}`,
    '',
    table(
      header,
      trainRows.map((e) => paperRow(dcisModelName(e.model), e)),
    ),
    '',
  );
  out.push('### Model building', '', `**Clinical model** — ${d.clinicalModel.selection.rule}.`, '');
  out.push(
    table(
      ['Variable', 'univariate OR per unit', 'LR χ²', 'p', 'in final model', 'multivariate OR', 'p'],
      d.clinicalModel.selection.univariate.map((u) => {
        const m = d.clinicalModel.selection.multivariate.find((x) => x.variable === u.variable);
        return [
          u.variable,
          formatFixed(u.oddsRatio, 3),
          formatFixed(u.lrStatistic, 2),
          formatPValue(u.pValue),
          m ? 'yes' : 'no',
          m ? formatFixed(m.oddsRatio, 3) : '—',
          m ? formatPValue(m.pValue) : '—',
        ];
      }),
    ),
    '',
    `Steps: ${d.clinicalModel.selection.steps.join('; ')}. CV accuracy (${d.clinicalModel.cv.folds.length}-fold): ${formatFixed(d.clinicalModel.cv.meanAccuracy)} ± ${formatFixed(d.clinicalModel.cv.stdAccuracy)}.`,
    '',
  );
  const cnnLine = d.cnn
    ? `CNN: ${describeArchitecture(d.cnn.architecture)}; ${d.cnnSettings?.epochs} epochs of Adam (lr ${d.cnnSettings?.learningRate}, cosine; weight decay ${d.cnnSettings?.weightDecay}; batch ${d.cnnSettings?.batchSize}); final training loss ${formatFixed(d.cnn.history?.loss.at(-1) ?? Number.NaN)}, ${formatFixed(d.cnn.stats?.samplesPerSecond ?? Number.NaN, 0)} samples/s (${d.cnn.stats?.provider}), ${formatSeconds(d.cnn.stats?.seconds ?? Number.NaN)}. `
    : '';
  out.push(
    `**Deep model** — ${cnnLine}mRMR (MID) kept ${d.deep.mrmrCount} of ${d.backbone.info.embeddingSize} channels; LASSO logistic λ = ${d.deep.lambda.toPrecision(3)} (minimum ${d.deep.lassoFolds}-fold CV deviance ${formatFixed(d.deep.cvDeviance)}${d.deep.emptyAtMinimum ? '; that λ kept nothing, so the largest λ keeping one channel was used' : ''}) kept ${d.deep.head.embeddingColumns.length}: channels ${d.deep.head.embeddingColumns.join(', ')}. CV accuracy of the whole head procedure (${d.deep.cv.folds.length}-fold): ${formatFixed(d.deep.cv.meanAccuracy)} ± ${formatFixed(d.deep.cv.stdAccuracy)}.`,
    '',
    `**Combined model** — unpenalised logistic regression on the deep model's ${d.combined.head.embeddingColumns.length} channels and ${d.combined.head.clinicalColumns.map((c) => CLINICAL_VARIABLES[c]).join(', ')}. CV accuracy (${d.combined.cv.folds.length}-fold): ${formatFixed(d.combined.cv.meanAccuracy)} ± ${formatFixed(d.combined.cv.stdAccuracy)}.`,
    '',
  );
  if (caption)
    out.push(
      '**Class activation maps** (deep model, external validation; red = evidence for IDC, blue = for DCIS; the map is the deep head’s log-odds spread over the final feature grid):',
      '',
      '![CAM examples](cam-dcis-idc-external.png)',
      '',
      caption,
      '',
    );
  return out;
}

function describeArchitecture(a: {
  inputHeight: number;
  stemWidth: number;
  stages: readonly { width: number }[];
}): string {
  return `ResNet on ${a.inputHeight}² ROIs, stem ${a.stemWidth}, stages ${a.stages.map((s) => s.width).join('-')}`;
}

function malignancySection(input: RoiReportInput, caption: string): string[] {
  const m = input.malignancy as MalignancyResult;
  const out: string[] = [
    '## Benign vs malignant MC ROIs (after the 2021 Sci Rep paper) and the ensemble',
    '',
  ];
  const s = m.settings;
  out.push(
    `${m.members.length} CNNs (${describeArchitecture(s.architecture)}; ${s.epochs} epochs, seeds ${m.memberSeeds.join(', ')}) trained on the training ROIs; the ensemble averages their P(malignant). Labels: P > 0.5.`,
    '',
  );
  const header = ['Model', 'AUC (95% CI)', 'Sensitivity', 'Specificity', 'Accuracy', 'PPV', 'NPV'];
  for (const split of ['test', 'train'] as const) {
    const rows = m.evaluations.filter((e) => e.split === split);
    out.push(
      `### ${SPLIT_TITLES[split]}${split === 'train' ? ' (fit data, optimistic)' : ''} — n = ${rows[0].n} (${rows[0].negatives} benign, ${rows[0].positives} malignant)`,
      '',
      table(
        header,
        rows.map((e) => paperRow(malignancyModelName(e.model), e, true)),
      ),
      '',
    );
    if (split === 'test') out.push('![ROC, test](roc-malignancy-test.png)', '');
  }
  out.push(
    '### DeLong tests (test set)',
    '',
    table(
      ['Comparison', 'p (ΔAUC)'],
      m.comparisons.map((c) => [
        `${malignancyModelName(c.modelA)} vs ${malignancyModelName(c.modelB)}`,
        pOf(m.comparisons, c.split, c.modelA, c.modelB),
      ]),
    ),
    '',
  );
  if (caption)
    out.push(
      '**Class activation maps** (CNN 1, test set; red = evidence for malignant, blue = for benign):',
      '',
      '![CAM examples](cam-malignancy-test.png)',
      '',
      caption,
      '',
    );
  return out;
}

/**
 * The report's markdown.
 *
 * @param input - Everything to show.
 * @param camCaptions - Caption of each cohort's CAM figure (empty: no figure).
 * @returns report.md.
 */
export function renderRoiMarkdown(
  input: RoiReportInput,
  camCaptions: Readonly<Record<string, string>> = {},
): string {
  const out: string[] = [`# ROI models — run ${input.runId}`, ''];
  out.push(
    table(
      ['', ''],
      [
        ['run id', input.runId],
        ['seed', String(input.seed)],
        ['started', input.startedAt],
        ['code commit', input.commit ?? 'unknown'],
        ['command', input.command ? `\`${input.command}\`` : '—'],
        ['mode', input.quick ? '**quick** (tiny CNN, few epochs: a smoke run, not a result)' : 'full'],
        ['backbone', input.backbonePath ? `external, frozen: ${input.backbonePath}` : 'CNN trained here'],
      ],
    ),
    '',
  );
  out.push(...datasetSection(input));
  if (input.dcisIdc) out.push(...dcisSection(input, camCaptions['dcis-idc'] ?? ''));
  if (input.malignancy) out.push(...malignancySection(input, camCaptions.wang2016 ?? ''));
  out.push('## Exported models', '');
  out.push(
    table(
      [
        'model',
        'version',
        'inputs → outputs',
        'ONNX MB',
        'parity: max \\|ORT − TS\\| P',
        'CAM (relative)',
        'checked against',
      ],
      input.pending.map((p) => {
        const v = input.versions.find((x) => x.name === p.name);
        return [
          p.name,
          v ? String(v.version) : '—',
          `${p.card.inputs.map((t) => t.name).join(', ')} → ${p.card.outputs.map((t) => t.name).join(', ')}`,
          formatFixed(p.onnx.byteLength / 1e6, 2),
          p.parity.probabilities.toExponential(1),
          p.parity.cam === null ? '—' : p.parity.cam.toExponential(1),
          `${p.parity.reference} (${p.parity.rois} cases)`,
        ];
      }),
    ),
    '',
    'Every graph: opset 17 (or the backbone’s), standard ops, dynamic batch; tolerances 1e-4 on probabilities and 1e-3 on CAMs (relative to max(1, max |CAM|)). The card (`card.json`) holds the ROI size and normalisation (`hyperparameters.roiSizeMm`, `roiNormalization`), the selection details and the validation metrics.',
    '',
  );
  out.push(
    '## Timings',
    '',
    table(
      ['stage', 'time'],
      Object.entries(input.timings).map(([k, v]) => [k, formatSeconds(v)]),
    ),
    '',
    '## Definitions',
    '',
    'Sensitivity = TP/(TP+FN), specificity = TN/(TN+FP), accuracy = (TP+TN)/n, PPV = TP/(TP+FP), NPV = TN/(TN+FN), with class 1 = IDC (DCIS/IDC) or malignant, predicted when P > 0.5. AUC 95% CI: DeLong variance, AUC ± 1.96·SE clipped to [0, 1]. p: DeLong’s paired test of two AUCs on the same cases, two-sided. Every number here comes from this run’s phantom data; none is copied from the papers.',
    '',
  );
  return out.join('\n');
}

function evaluationJson(task: string, e: RoiEvaluation, name: string): Record<string, unknown> {
  return {
    task,
    split: e.split,
    model: e.model,
    modelName: name,
    n: e.n,
    positives: e.positives,
    negatives: e.negatives,
    auc: e.auc,
    aucCi95: e.aucCi95,
    aucStandardError: e.aucStandardError,
    sensitivity: e.sensitivity,
    specificity: e.specificity,
    accuracy: e.accuracy,
    ppv: Number.isFinite(e.ppv) ? e.ppv : null,
    npv: Number.isFinite(e.npv) ? e.npv : null,
    confusion: e.confusion,
  };
}

/**
 * report.json: run facts, dataset counts, `results` (task × split × model rows with AUC, CI, sensitivity,
 * specificity, accuracy, PPV, NPV, confusion), `delong`, model-building details, exported versions, timings.
 *
 * @param input - Everything to show.
 * @returns The JSON object.
 */
export function buildRoiReportJson(input: RoiReportInput): Record<string, unknown> {
  const d = input.dcisIdc;
  const m = input.malignancy;
  return {
    runId: input.runId,
    seed: input.seed,
    startedAt: input.startedAt,
    commit: input.commit,
    command: input.command,
    quick: input.quick,
    roi: { ...input.spec, preprocessing: roiPreprocessingText(input.spec) },
    backbone: input.backbonePath,
    dataset: Object.fromEntries(
      Object.entries(input.datasets).map(([cohort, ds]) => [
        cohort,
        { n: input.sizes[cohort], rois: ds.cases.length, skipped: ds.skipped, splits: splitCounts(ds) },
      ]),
    ),
    results: [
      ...(d?.evaluations.map((e) => evaluationJson('dcis-idc', e, dcisModelName(e.model))) ?? []),
      ...(m?.evaluations.map((e) => evaluationJson('malignancy', e, malignancyModelName(e.model))) ?? []),
    ],
    delong: [
      ...(d?.comparisons.map((c) => ({ task: 'dcis-idc', ...c })) ?? []),
      ...(m?.comparisons.map((c) => ({ task: 'malignancy', ...c })) ?? []),
    ],
    dcisIdc: d
      ? {
          backbone: d.backboneSource,
          embeddingSize: d.backbone.info.embeddingSize,
          cnn: d.cnn
            ? { seed: d.cnnSeed, settings: d.cnnSettings, history: d.cnn.history, stats: d.cnn.stats }
            : null,
          clinical: d.clinicalModel.selection,
          deep: {
            mrmrCount: d.deep.mrmrCount,
            mrmrSelected: d.deep.mrmrSelected,
            lambda: d.deep.lambda,
            lassoFolds: d.deep.lassoFolds,
            cvDeviance: d.deep.cvDeviance,
            emptyAtMinimum: d.deep.emptyAtMinimum,
            channels: d.deep.head.embeddingColumns,
            cvAccuracy: {
              mean: d.deep.cv.meanAccuracy,
              std: d.deep.cv.stdAccuracy,
              folds: d.deep.cv.folds.length,
            },
          },
          combined: {
            channels: d.combined.head.embeddingColumns,
            clinical: d.combined.head.clinicalColumns.map((c) => CLINICAL_VARIABLES[c]),
            cvAccuracy: {
              mean: d.combined.cv.meanAccuracy,
              std: d.combined.cv.stdAccuracy,
              folds: d.combined.cv.folds.length,
            },
          },
          timings: d.timings,
        }
      : null,
    malignancy: m
      ? {
          members: m.members.length,
          memberSeeds: m.memberSeeds,
          settings: m.settings,
          histories: m.members.map((x) => x.history),
          stats: m.members.map((x) => x.stats),
          timings: m.timings,
        }
      : null,
    models: input.pending.map((p) => ({
      name: p.name,
      version: input.versions.find((v) => v.name === p.name)?.version ?? null,
      bytes: p.onnx.byteLength,
      parity: p.parity,
    })),
    timings: input.timings,
  };
}
