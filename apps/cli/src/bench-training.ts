import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkSaeTraining, benchmarkTabularModels, gaussianClasses } from '@calcscope/ml';
import { cohortSpecs, writePhantomDataset } from '@calcscope/phantom';
import { buildFeatureTables, extractFeatures, fitModel, readManifest } from '@calcscope/training';

/** Targets of issue 3 on this 2-core machine. */
const TARGETS = { saeTrainingS: 10, saeCvSearchS: 300, svmGridS: 60 };
const EXTRACTION_IMAGES = 24;

/**
 * `npm run bench -- training`: SAE full training ([400,400], 1,000 × 41, 100 epochs per stage), the SAE's
 * 10-fold CV search (the training app's default grid), the SVM C × γ CV grid, and feature extraction
 * throughput on phantom images with 1 and 2 workers.
 */
export async function benchTraining(): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `# training (${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at start, node ${process.version})`,
  );
  out('| measurement | figure | target | figure/target |');
  out('| --- | --- | --- | --- |');

  const sae = await benchmarkSaeTraining({ threads: 1 });
  out(
    `| SAE full training [400,400], ${sae.rows} × ${sae.features}, ${sae.epochsPerStage} epochs per stage (${sae.provider}) | ${sae.seconds.toFixed(2)} s, ${sae.gflopsPerSecond.toFixed(1)} GFLOP/s | ≤ ${TARGETS.saeTrainingS} s | ${(sae.seconds / TARGETS.saeTrainingS).toFixed(2)} |`,
  );

  const data = gaussianClasses({ n: 1000, p: 41, mean1: new Array<number>(41).fill(0.3), seed: 7 });
  const x = Float64Array.from(data.x.data);
  const start = performance.now();
  const search = await fitModel('sae', { x, y: data.y, p: 41 }, { seed: 7, providers: ['cpu'] });
  const searchS = (performance.now() - start) / 1000;
  out(
    `| SAE 10-fold CV search, ${search.search.entries.length} configurations, 1,000 × 41 | ${searchS.toFixed(1)} s (CV accuracy ${search.cv.accuracyMean.toFixed(3)}) | ≤ ${TARGETS.saeCvSearchS} s | ${(searchS / TARGETS.saeCvSearchS).toFixed(2)} |`,
  );

  const tabular = benchmarkTabularModels({ n: 1000, p: 41, seed: 7 });
  out(
    `| SVM C × γ grid, ${tabular.svmGridCandidates} candidates, 10-fold, 1,000 × 41 | ${tabular.svmGridSeconds.toFixed(2)} s | ≤ ${TARGETS.svmGridS} s | ${(tabular.svmGridSeconds / TARGETS.svmGridS).toFixed(2)} |`,
  );
  out(
    `| KNN k search / LDA CV / LASSO CV (10-fold) | ${tabular.knnSelectSeconds.toFixed(2)} / ${tabular.ldaCvSeconds.toFixed(2)} / ${tabular.lassoCvSeconds.toFixed(2)} s | | |`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'calcscope-bench-training-'));
  try {
    await writePhantomDataset(cohortSpecs('wang2016', EXTRACTION_IMAGES, 3), dir);
    const manifest = await readManifest(join(dir, 'manifest.csv'));
    for (const workers of [1, 2]) {
      const extraction = await extractFeatures(manifest.rows, { workers, cacheDir: null });
      const rows = buildFeatureTables(extraction).tables.combined.rows;
      out(
        `| feature extraction, ${EXTRACTION_IMAGES} wang2016 1024² phantoms, ${workers} worker(s) (${extraction.mode}) | ${extraction.imagesPerS.toFixed(2)} images/s, ${(rows / extraction.elapsedS).toFixed(2)} labelled rows/s | | |`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
