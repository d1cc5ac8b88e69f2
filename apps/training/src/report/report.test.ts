import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussianClasses } from '@calcscope/ml';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '../train/errors';
import { type ExperimentResult, runExperiment } from '../train/experiment';
import type { FeatureTableLike } from '../train/feature-table';
import { rocFigureSvg } from './roc-svg';
import { makeRunId, RUN_ID_PATTERN } from './run-id';
import { summaryToMarkdown } from './summary-markdown';
import { type WrittenReport, writeReport } from './write-report';

function table(scenario: FeatureTableLike['scenario'], p: number, seed: number): FeatureTableLike {
  const n = 100;
  const d = gaussianClasses({ n, p, separation: 2, seed });
  return {
    scenario,
    featureNames: Array.from({ length: p }, (_, j) => `${scenario}_${j}`),
    schemaHash: `sha-${scenario}`,
    rows: n,
    x: d.x.data as Float64Array,
    y: d.y,
    ids: Array.from({ length: n }, (_, i) => `img${i}`),
    split: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'test' : 'train')),
  };
}

const REQUIRED = [
  'scenario',
  'model',
  'accuracy',
  'sensitivity',
  'specificity',
  'auc',
  'aucCi95',
  'cvAccuracyMean',
  'cvAccuracyStd',
] as const;

const dataset = {
  source: 'synthetic',
  images: 100,
  imagesWithoutLesions: { count: 2, ids: ['img7', 'img9'] },
  rulePickedLesions: 5,
  failures: [{ id: 'img3', reason: 'decode error' }],
};

describe('writeReport', () => {
  let experiment: ExperimentResult;
  let dir: string;
  let written: WrittenReport;

  beforeAll(async () => {
    experiment = await runExperiment([table('mc', 3, 1), table('mass', 4, 2), table('combined', 7, 3)], {
      seed: 5,
      cvFolds: 3,
      quick: true,
      models: ['svm', 'knn', 'lda', 'sae'],
    });
    dir = await mkdtemp(join(tmpdir(), 'calcscope-report-'));
    written = await writeReport(dir, experiment, {
      commit: 'abc123',
      dataset,
      command: 'train --data synthetic',
      timings: { featureExtraction: 12.5 },
    });
  });

  it('names the folder by run id and writes every file', async () => {
    expect(written.runId).toMatch(RUN_ID_PATTERN);
    expect(written.runId.endsWith('-5')).toBe(true);
    expect(written.directory).toBe(join(dir, written.runId));
    const files = await readdir(written.directory);
    for (const f of ['report.md', 'report.json', 'roc-mc.png', 'roc-mass.png', 'roc-combined.png']) {
      expect(files).toContain(f);
    }
    // Nothing else in the reports folder: the staging folder was renamed.
    expect(await readdir(dir)).toEqual([written.runId]);
  });

  it('report.json has the required keys for every scenario × model', async () => {
    const json = JSON.parse(await readFile(written.json, 'utf8'));
    expect(json.runId).toBe(written.runId);
    expect(json.seed).toBe(5);
    expect(json.dataset).toEqual(dataset);
    expect(json.commit).toBe('abc123');
    expect(json.results).toHaveLength(12);
    const pairs = new Set<string>();
    for (const row of json.results) {
      for (const key of REQUIRED) expect(row).toHaveProperty(key);
      pairs.add(`${row.scenario}/${row.model}`);
      for (const key of ['accuracy', 'sensitivity', 'specificity', 'auc', 'cvAccuracyMean'] as const) {
        expect(row[key]).toBeGreaterThanOrEqual(0);
        expect(row[key]).toBeLessThanOrEqual(1);
      }
      expect(row.aucCi95).toHaveLength(2);
      expect(row.aucCi95[0]).toBeLessThanOrEqual(row.auc);
      expect(row.aucCi95[1]).toBeGreaterThanOrEqual(row.auc);
      expect(row.cvAccuracyStd).toBeGreaterThanOrEqual(0);
      // The numbers are the experiment's, not recomputed or rounded.
      const s = experiment.scenarios.find((x) => x.scenario === row.scenario);
      const r = s?.results.find((x) => x.family === row.model);
      expect(row.accuracy).toBe(r?.test.accuracy);
      expect(row.cvAccuracyMean).toBe(r?.cv.accuracyMean);
      if (row.model === 'sae') expect(row.delongPVsSae).toBeNull();
      else expect(row.delongPVsSae).toBe(r?.delongVsSae?.pValue);
    }
    expect(pairs.size).toBe(12);
  });

  it('report.md holds one table per scenario in the paper layout, plus the run facts', async () => {
    const md = await readFile(written.markdown, 'utf8');
    const headings = md.split('\n').filter((l) => l.startsWith('### Table'));
    expect(headings).toHaveLength(3);
    for (const [i, scenario] of ['mc', 'mass', 'combined'].entries()) {
      const start = md.indexOf(`scenario \`${scenario}\``);
      const section = md.slice(start, md.indexOf('![ROC', start));
      const rows = section.split('\n').filter((l) => /^\| (SVM|KNN|LDA|SAE) \|/.test(l));
      expect(rows.map((l) => l.split('|')[1].trim())).toEqual(['SVM', 'KNN', 'LDA', 'SAE']);
      expect(section).toContain(
        '| Model | Accuracy | Sensitivity | Specificity | AUC [95% CI] | CV accuracy (mean ± SD) | DeLong p vs SAE |',
      );
      const sae = experiment.scenarios[i].results.find((r) => r.family === 'sae');
      expect(rows[3]).toContain(`${(100 * (sae?.test.accuracy ?? 0)).toFixed(1)}%`);
      expect(md).toContain(`](roc-${scenario}.png)`);
    }
    for (const fact of [
      written.runId,
      'Seed: 5',
      '`abc123`',
      'images without lesions',
      'img7, img9',
      'rule picked lesions: 5',
      'decode error',
      'featureExtraction',
    ]) {
      expect(md).toContain(fact);
    }
  });

  it('draws a readable ROC PNG per scenario', async () => {
    const { width, height } = rocFigureSvg([]);
    for (const file of Object.values(written.rocFigures)) {
      const image = sharp(await readFile(file));
      const meta = await image.metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', width, height]);
      const stats = await image.stats();
      expect(stats.channels[0].stdev).toBeGreaterThan(20);
      // The first series (SVM, #d62728) is drawn: count strongly red pixels.
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      let red = 0;
      for (let i = 0; i < data.length; i += info.channels) {
        if (data[i] > 180 && data[i + 1] < 90 && data[i + 2] < 90) red++;
      }
      expect(red).toBeGreaterThan(300);
    }
  });

  it('never overwrites a report', async () => {
    await expect(writeReport(dir, experiment, { runId: written.runId, commit: null })).rejects.toMatchObject({
      code: 'REPORT_EXISTS',
    });
    await expect(writeReport(dir, experiment, { runId: '../escape', commit: null })).rejects.toBeInstanceOf(
      TrainingError,
    );
    expect(await readdir(dir)).toEqual([written.runId]);
  });
});

describe('report helpers', () => {
  it('makes run ids from the UTC start time and seed', () => {
    expect(makeRunId(new Date(Date.UTC(2026, 10, 21, 9, 5, 3)), 42)).toBe('20261121-090503-42');
    expect(() => makeRunId(new Date(Number.NaN), 1)).toThrow(TrainingError);
    expect(() => makeRunId(new Date(0), -1)).toThrow(TrainingError);
  });

  it('renders any summary object as nested bullets', () => {
    const lines = summaryToMarkdown({
      totalImages: 3,
      split: { train: 2, test: 1 },
      ids: ['a', 'b'],
      failures: [],
    });
    expect(lines).toEqual([
      '- total images: 3',
      '- split:',
      '  - train: 2',
      '  - test: 1',
      '- ids (2): a, b',
      '- failures (0)',
    ]);
  });

  it('escapes text and draws one polyline per curve', () => {
    const { svg } = rocFigureSvg(
      [
        { label: 'A<B', auc: 0.75, fpr: [0, 0.5, 1], tpr: [0, 1, 1] },
        { label: 'C', auc: 0.5, fpr: [0, 1], tpr: [0, 1] },
      ],
      { title: 'x & y' },
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('A&lt;B (AUC = 0.750)');
    expect(svg).toContain('x &amp; y');
  });
});
