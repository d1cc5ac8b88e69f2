/**
 * `npm start` (until the services land): the main job end to end on a seeded synthetic mammogram.
 * Writes out/demo/<id>.{dcm,png,truth.json} and an overlay, analyses the DICOM, and prints the findings
 * next to the phantom's ground truth.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyzeImage, renderOverlayPng } from '@calcscope/analysis';
import { encodePhantomFiles, generatePhantom, mixedSpecs } from '@calcscope/phantom';

const OUT_DIR = resolve('out/demo');
const SEED = 2016;

async function main(): Promise<void> {
  const base = mixedSpecs(1, SEED)[0];
  const spec = {
    ...base,
    id: 'demo',
    lesionType: 'mc+mass' as const,
    mc: base.mc ?? { morphology: 'fine-pleomorphic' as const, distribution: 'grouped' as const, count: 14 },
    mass: base.mass ?? { shape: 'irregular' as const, margin: 'spiculated' as const, diameterMm: 18 },
  };
  const phantom = generatePhantom(spec);
  const files = await encodePhantomFiles(phantom);
  await mkdir(OUT_DIR, { recursive: true });
  const dicomPath = join(OUT_DIR, 'demo.dcm');
  await writeFile(dicomPath, files.dicom);
  await writeFile(join(OUT_DIR, 'demo.png'), files.png);
  await writeFile(join(OUT_DIR, 'demo.truth.json'), files.truthJson);

  const { result, image } = await analyzeImage(files.dicom);
  const overlayPath = join(OUT_DIR, 'demo.overlay.png');
  await writeFile(overlayPath, await renderOverlayPng(image, result));
  await writeFile(join(OUT_DIR, 'demo.analysis.json'), `${JSON.stringify(result, null, 2)}\n`);

  const truth = phantom.truth;
  const spacing = result.image.pixelSpacingMm[1];
  const lines = [
    `Calcscope analysis demo — synthetic mammogram (seed ${SEED}): ${dicomPath}`,
    `image ${result.image.width}×${result.image.height} px at ${spacing} mm, ${truth.view} ${truth.laterality}, truth: ${truth.label} ${truth.subtype}, ${truth.lesionType}`,
    '',
    `truth clusters: ${truth.clusters.length}; detected clusters: ${result.clusters.length}`,
  ];
  for (const t of truth.clusters) {
    const nearest = result.clusters
      .map((c) => ({ c, d: Math.hypot(c.centroid.x - t.centroid.x, c.centroid.y - t.centroid.y) * spacing }))
      .sort((a, b) => a.d - b.d)[0];
    lines.push(
      `  ${t.id} (${t.mcIds.length} MCs, ${t.morphology}, ${t.distribution}) → ${
        nearest
          ? `${nearest.c.id} with ${nearest.c.mcCount} MCs, centroids ${nearest.d.toFixed(1)} mm apart`
          : 'not found'
      }`,
    );
  }
  lines.push(`truth masses: ${truth.masses.length}; detected masses: ${result.masses.length}`);
  for (const t of truth.masses) {
    const nearest = result.masses
      .map((m) => ({ m, d: Math.hypot(m.centroid.x - t.centre.x, m.centroid.y - t.centre.y) * spacing }))
      .sort((a, b) => a.d - b.d)[0];
    lines.push(
      `  ${t.id} (${t.diameterMm.toFixed(1)} mm, ${t.shape}, ${t.margin}) → ${
        nearest
          ? `${nearest.m.id}, area ${nearest.m.features.massArea?.toFixed(1)} mm², centroids ${nearest.d.toFixed(1)} mm apart`
          : 'not found'
      }`,
    );
  }
  lines.push(
    `lesions: ${result.lesions.map((l) => `${l.id} (${l.kind})`).join(', ') || 'none'}`,
    `timings (ms): ${Object.entries(result.timingsMs)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
    '',
    `overlay: ${overlayPath}`,
    `full JSON: ${join(OUT_DIR, 'demo.analysis.json')}   (the same as: npm run analyze -- ${dicomPath} --json)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
