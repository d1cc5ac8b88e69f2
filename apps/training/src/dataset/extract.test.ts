/**
 * End to end on real phantoms: the synthetic cohort, extraction with its cache, lesion labelling against
 * the truth files, and the tables. Six 1024 × 1024 phantoms keep it to a few seconds.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledAnalysisWorkerScript, defaultAnalysisWorkerScript } from '@calcscope/analysis';
import { MC_FEATURE_NAMES } from '@calcscope/features';
import { encodePng } from '@calcscope/imaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Extraction, extractFeatures } from './extract';
import { type ManifestEntry, readManifest } from './manifest';
import type { ExtractionProgress } from './progress';
import { makeSyntheticDataset, SYNTHETIC_STAMP_FILE } from './synthetic';
import { buildFeatureTables, SCENARIO_KINDS, SCENARIOS } from './tables';

const N = 6;
const SEED = 20160;
let dir: string;
let rows: ManifestEntry[];
let first: Extraction;
const progress: ExtractionProgress[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calcscope-extract-'));
  const { manifestPath } = await makeSyntheticDataset(join(dir, 'cohort'), { n: N, seed: SEED });
  // Two images the pipeline cannot use: bytes that are no image, and a black PNG (no breast, no lesion).
  await writeFile(join(dir, 'cohort', 'corrupt.dcm'), 'this is not an image');
  const black = await encodePng({ width: 128, height: 128, pixels: new Uint8Array(128 * 128), bits: 8 });
  await writeFile(join(dir, 'cohort', 'black.png'), black);
  const extraPath = join(dir, 'cohort', 'extra.csv');
  await writeFile(
    extraPath,
    'id,dicom,png,label,split\ncorrupt,corrupt.dcm,,benign,train\nblack,,black.png,malignant,test\n',
  );
  rows = [...(await readManifest(manifestPath)).rows, ...(await readManifest(extraPath)).rows];
  first = await extractFeatures(rows, { cacheDir: join(dir, 'cache'), onProgress: (p) => progress.push(p) });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('makeSyntheticDataset', () => {
  it('writes the wang2016 cohort with the paper split apportioned to n', async () => {
    const cohort = rows.slice(0, N);
    expect(cohort.map((r) => r.id)).toEqual([
      'wang2016-0001',
      'wang2016-0002',
      'wang2016-0003',
      'wang2016-0004',
      'wang2016-0005',
      'wang2016-0006',
    ]);
    // 6 × 1000/1204 = 4.98 → 5 train, 1 test (largest remainder); every row has its truth file.
    expect(cohort.filter((r) => r.split === 'train')).toHaveLength(5);
    expect(cohort.filter((r) => r.split === 'test')).toHaveLength(1);
    expect(
      cohort.every((r) => r.imageColumn === 'dicom' && r.truthPath !== null && r.task === 'malignancy'),
    ).toBe(true);
  });

  it('reuses a folder holding the same cohort and regenerates for another seed', async () => {
    const small = join(dir, 'small');
    const a = await makeSyntheticDataset(small, { n: 2, seed: 5 });
    expect(a.reused).toBe(false);
    const written = (await stat(a.manifestPath)).mtimeMs;
    const b = await makeSyntheticDataset(small, { n: 2, seed: 5 });
    expect(b).toEqual({ ...a, reused: true });
    expect((await stat(a.manifestPath)).mtimeMs).toBe(written);
    const stamp = JSON.parse(await readFile(join(small, SYNTHETIC_STAMP_FILE), 'utf8'));
    expect(stamp).toMatchObject({ cohort: 'wang2016', n: 2, seed: 5 });
    const c = await makeSyntheticDataset(small, { n: 2, seed: 6 });
    expect(c.reused).toBe(false);
    await expect(makeSyntheticDataset(small, { n: 0, seed: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('extractFeatures', () => {
  it('runs in process under vitest (no compiled worker beside the sources)', () => {
    expect(defaultAnalysisWorkerScript()).toBeNull();
    expect(first.mode).toBe('in-process');
  });

  it('analyses every image, records the undecodable one and reports progress', async () => {
    expect(first).toMatchObject({ total: N + 2, analysed: N + 1, cached: 0, failed: 1 });
    const corrupt = first.images.find((i) => i.entry.id === 'corrupt')!;
    expect(corrupt.result).toBeNull();
    expect(corrupt.error?.code).toBe('UNSUPPORTED_FORMAT');
    for (const image of first.images.slice(0, N)) {
      const bytes = await readFile(image.entry.imagePath);
      expect(image.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(image.result?.image.sha256).toBe(image.sha256);
    }
    expect(progress[0]).toMatchObject({ done: 0, total: N + 2, etaS: null });
    expect(progress.at(-1)).toMatchObject({ done: N + 2, failed: 1, etaS: 0 });
    expect(progress.map((p) => p.done)).toEqual([...Array(N + 3).keys()]);
  });

  it('serves a second run from the cache with identical results', async () => {
    const second = await extractFeatures(rows, { cacheDir: join(dir, 'cache') });
    expect(second).toMatchObject({ analysed: 0, cached: N + 1, failed: 1 });
    expect(second.images.map((i) => i.result)).toEqual(first.images.map((i) => i.result));
  });

  it('recomputes when the pipeline version changes', async () => {
    const some = rows.slice(0, 2);
    const changed = await extractFeatures(some, {
      cacheDir: join(dir, 'cache'),
      pipelineVersion: 'pipeline-other',
    });
    expect(changed).toMatchObject({ analysed: 2, cached: 0 });
    const again = await extractFeatures(some, {
      cacheDir: join(dir, 'cache'),
      pipelineVersion: 'pipeline-other',
    });
    expect(again).toMatchObject({ analysed: 0, cached: 2 });
  });

  it.skipIf(compiledAnalysisWorkerScript() === null)('runs the compiled worker in a pool of 2', async () => {
    const some = rows.slice(0, 3);
    const pooled = await extractFeatures(some, {
      cacheDir: null,
      workers: 2,
      workerScript: compiledAnalysisWorkerScript(),
    });
    expect(pooled).toMatchObject({ mode: 'workers', workers: 2, analysed: 3, failed: 0 });
    pooled.images.forEach((image, k) => {
      expect(image.result?.image.sha256).toBe(first.images[k].sha256);
      for (const lesion of image.result!.lesions) expect(Object.keys(lesion.features)).toHaveLength(41);
    });
  });

  it('refuses a bad worker count or a missing worker script', async () => {
    await expect(extractFeatures(rows, { workers: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(extractFeatures(rows, { workerScript: join(dir, 'nope.js') })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('buildFeatureTables on phantoms', () => {
  it('accounts for every image and fills each scenario with its lesion kinds', () => {
    const { tables, lesions, summary } = buildFeatureTables(first);
    expect(summary.failures.map((f) => f.id)).toEqual(['corrupt']);
    expect(summary.noLesion.ids).toContain('black');
    expect(
      summary.labelled + summary.noLesion.count + summary.noLesionInRegion.count + summary.failures.length,
    ).toBe(N + 2);
    for (const scenario of SCENARIOS) {
      const members = lesions.filter((l) => SCENARIO_KINDS[scenario].includes(l.kind));
      const table = tables[scenario];
      expect(table.ids).toEqual(members.map((l) => l.id));
      expect(table.x).toHaveLength(table.rows * table.featureNames.length);
      expect([...table.y]).toEqual(members.map((l) => l.y));
    }
    // Each row holds the labelled lesion's features as the analysis reported them.
    lesions.forEach((l, i) => {
      const finding = first.images
        .find((img) => img.entry.id === l.id)!
        .result!.lesions.find((f) => f.id === l.lesionId)!;
      expect(tables.combined.x[i * 41 + 3]).toBe(finding.features[MC_FEATURE_NAMES[3]]);
      expect(tables.combined.x[i * 41 + 40]).toBe(finding.features.massGlcmImc2);
    });
    // Phantom rows have truth files: their lesions are labelled by region, never by the rule.
    expect(summary.pickedByRule.count).toBe(0);
  });
});
