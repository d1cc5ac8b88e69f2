import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { loadModelVersion } from '@calcscope/model-repository';
import { generatePhantom, toGrayImage } from '@calcscope/phantom';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROI_TENSORS, runRoiModel } from './backbone';
import { loadRoiModel, writeCamOverlay } from './cam-for-image';
import { roiCohortSpecs, selectSplits } from './dataset';
import { runDcisIdcExperiment } from './dcis-idc';
import type { RoiProgressEvent } from './progress';
import { cutRoi } from './roi-spec';
import { type RoiTrainingOutcome, runRoiTraining } from './run-roi';

const NAMES = [
  'dcis-idc-deep-roi',
  'dcis-idc-combined-roi_clinical',
  'dcis-idc-logistic-clinical',
  'malignancy-cnn-roi',
  'malignancy-ensemble-roi',
];

describe('npm run train:roi (quick, tiny cohorts)', () => {
  let dir: string;
  let outcome: RoiTrainingOutcome;
  const events: RoiProgressEvent[] = [];
  const out = () => join(dir, 'models');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'calcscope-roi-'));
    outcome = await runRoiTraining(
      {
        cohorts: ['dcis-idc', 'wang2016'],
        n: { 'dcis-idc': 24, wang2016: 48 },
        seed: 11,
        quick: true,
        out: out(),
        reports: join(dir, 'reports'),
        command: 'test',
      },
      (e) => events.push(e),
    );
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports progress through every stage up to 100 %', () => {
    expect(new Set(events.map((e) => e.stage))).toEqual(
      new Set(['phantoms', 'cnn', 'heads', 'export', 'report']),
    );
    for (let i = 1; i < events.length; i++)
      expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction - 1e-12);
    expect(events.at(-1)?.fraction).toBeCloseTo(1, 12);
  });

  it('writes report.md in the paper layout, report.json with every result, ROC and CAM PNGs', async () => {
    const report = outcome.report;
    expect([...report.figures].sort()).toEqual([
      'cam-dcis-idc-external.png',
      'cam-malignancy-test.png',
      'roc-dcis-idc-external.png',
      'roc-dcis-idc-internal.png',
      'roc-malignancy-test.png',
    ]);
    const roc = await sharp(join(report.directory, 'roc-dcis-idc-external.png')).metadata();
    expect([roc.width, roc.height]).toEqual([620, 640]);
    const md = await readFile(report.markdown, 'utf8');
    for (const title of [
      '### Internal validation',
      '### External validation',
      '### DeLong tests',
      '### Test set',
    ])
      expect(md).toContain(title);
    expect(md).toMatch(/\| Deep learning vs Clinical \| [\d.<]/);
    const json = JSON.parse(await readFile(report.json, 'utf8'));
    const d = outcome.dcisIdc;
    const m = outcome.malignancy;
    expect(json.results).toHaveLength((d?.evaluations.length ?? 0) + (m?.evaluations.length ?? 0));
    for (const split of ['train', 'internal', 'external'])
      for (const model of ['clinical', 'deep', 'combined', 'cnn']) {
        const row = json.results.find(
          (r: { task: string; split: string; model: string }) =>
            r.task === 'dcis-idc' && r.split === split && r.model === model,
        );
        const e = d?.evaluations.find((x) => x.split === split && x.model === model);
        expect(row.auc).toBe(e?.auc);
        expect(row.aucCi95).toEqual(e?.aucCi95);
        expect(row.sensitivity).toBe(e?.sensitivity);
      }
    expect(json.delong.filter((c: { task: string }) => c.task === 'dcis-idc')).toHaveLength(6);
    expect(json.models.map((x: { name: string }) => x.name)).toEqual(NAMES);
  });

  it('writes verified versions whose graphs reproduce the reported scores', async () => {
    expect(outcome.versions.map((v) => `${v.name}/${v.version}`)).toEqual(NAMES.map((n) => `${n}/1`));
    const loaded = await Promise.all(
      NAMES.map((name) => loadModelVersion(out(), name, 1, { acceptedSchemaHashes: [FEATURE_SCHEMA_HASH] })),
    );
    const [deep, combined, clinical, , ensemble] = loaded;
    expect(deep.card.hyperparameters).toMatchObject({
      roiSizeMm: 25.6,
      roiNormalization: 'zscore',
      roiPixels: 64,
    });
    expect(deep.card.preprocessing).toMatch(/25\.6 mm/);
    expect(combined.card.inputs.map((t) => t.name)).toEqual(['roi', 'clinical']);
    for (const l of loaded) {
      const parity = l.card.metrics.extra?.parity as { probabilities: number };
      expect(parity.probabilities).toBeLessThanOrEqual(1e-4);
    }

    const data = outcome.datasets['dcis-idc'];
    const d = outcome.dcisIdc;
    if (!data || !d) throw new Error('no dcis-idc result');
    const validation = selectSplits(data, ['internal', 'external']);
    const deepOut = await runRoiModel(deep.onnx, validation.images, 64, [ROI_TENSORS.probabilities]);
    validation.indices.forEach((i, k) => {
      expect(
        Math.abs(deepOut.probabilities.data[2 * k + 1] - (d.scores.deep as Float64Array)[i]),
      ).toBeLessThanOrEqual(1e-4);
    });
    const clinicalRows = Float32Array.from(
      validation.indices.flatMap((i) => Array.from(d.clinical.data.subarray(3 * i, 3 * i + 3))),
    );
    const combinedOut = await runRoiModel(combined.onnx, validation.images, 64, [ROI_TENSORS.probabilities], {
      clinical: { data: clinicalRows, columns: 3 },
    });
    validation.indices.forEach((i, k) => {
      expect(
        Math.abs(combinedOut.probabilities.data[2 * k + 1] - (d.scores.combined as Float64Array)[i]),
      ).toBeLessThanOrEqual(1e-4);
    });
    expect(clinical.card.inputs).toEqual([{ name: 'clinical', datatype: 'FP32', shape: [-1, 3] }]);

    const wang = outcome.datasets.wang2016;
    const m = outcome.malignancy;
    if (!wang || !m) throw new Error('no wang2016 result');
    const ensembleOut = await runRoiModel(ensemble.onnx, wang.images, 64, [ROI_TENSORS.probabilities]);
    for (let i = 0; i < wang.cases.length; i++)
      expect(Math.abs(ensembleOut.probabilities.data[2 * i + 1] - m.scores.ensemble[i])).toBeLessThanOrEqual(
        1e-4,
      );
  });

  it('analyze --cam: finds the deep model in the repository and paints the CAM of a cluster ROI', async () => {
    const model = await loadRoiModel({ repository: out() });
    expect(model.label).toBe('dcis-idc-deep-roi v1');
    const spec = roiCohortSpecs('dcis-idc', 24, 11)[0];
    const phantom = generatePhantom(spec);
    const image = toGrayImage(phantom);
    const centre = phantom.truth.clusters[0]?.centroid ?? { x: 512, y: 512 };
    const png = join(dir, 'cam.png');
    const { probability } = await writeCamOverlay(image, centre, model, png);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([256, 256, 3]);
    const direct = await runRoiModel(model.onnx, cutRoi(image, centre, model.spec), 64, [
      ROI_TENSORS.probabilities,
    ]);
    expect(probability).toBe(direct.probabilities.data[1]);
    await expect(loadRoiModel({ repository: join(dir, 'nowhere') })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
  });

  it('is deterministic for a seed: the DCIS/IDC experiment again gives the same scores', async () => {
    const data = outcome.datasets['dcis-idc'];
    if (!data || !outcome.dcisIdc) throw new Error('no dcis-idc result');
    const again = await runDcisIdcExperiment(data, { seed: 11, quick: true });
    for (const key of ['clinical', 'deep', 'combined', 'cnn'] as const)
      expect(Array.from(again.scores[key] ?? [])).toEqual(Array.from(outcome.dcisIdc.scores[key] ?? []));
  });

  it('--backbone: an ONNX backbone (our exported CNN) serves as a frozen feature extractor', async () => {
    const second = await runRoiTraining({
      cohorts: ['dcis-idc'],
      n: { 'dcis-idc': 24 },
      seed: 12,
      quick: true,
      out: out(),
      reports: join(dir, 'reports'),
      backbonePath: join(out(), 'malignancy-cnn-roi', '1', 'model.onnx'),
    });
    expect(second.dcisIdc?.backboneSource).toBe('external');
    expect(second.dcisIdc?.cnn).toBeNull();
    expect(second.dcisIdc?.evaluations.some((e) => e.model === 'cnn')).toBe(false);
    expect(second.versions.map((v) => `${v.name}/${v.version}`)).toEqual([
      'dcis-idc-deep-roi/2',
      'dcis-idc-combined-roi_clinical/2',
      'dcis-idc-logistic-clinical/2',
    ]);
    const deep = await loadModelVersion(out(), 'dcis-idc-deep-roi', 2, {
      acceptedSchemaHashes: [FEATURE_SCHEMA_HASH],
    });
    const parity = deep.card.metrics.extra?.parity as { probabilities: number; reference: string };
    expect(parity.reference).toMatch(/onnxruntime backbone/);
    expect(parity.probabilities).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});
