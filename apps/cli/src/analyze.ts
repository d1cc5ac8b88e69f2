/**
 * `npm run analyze -- FILE [--json] [--overlay out.png]`: the image pipeline on one file.
 * Human-readable report by default; with --json one object {image, clusters, masses, lesions, timingsMs}.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeImage, renderOverlayPng } from '@calcscope/analysis';
import type { AnalysisResult } from '@calcscope/contracts';
import { ImageDecodeError } from '@calcscope/imaging';

const USAGE = 'usage: npm run analyze -- FILE [--json] [--overlay out.png]';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { file, json, overlay } = parsed;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}\n`);
    return 2;
  }
  try {
    const analysis = await analyzeImage(bytes);
    if (overlay) {
      await writeFile(overlay, await renderOverlayPng(analysis.image, analysis.result));
    }
    process.stdout.write(
      json ? `${JSON.stringify(analysis.result)}\n` : formatReport(analysis.result, overlay),
    );
    return 0;
  } catch (error) {
    if (error instanceof ImageDecodeError) {
      process.stderr.write(`cannot decode ${file}: [${error.code}] ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

function parseCli() {
  const { values, positionals } = parseArgs({
    options: { json: { type: 'boolean', default: false }, overlay: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error('expected exactly one image file');
  return { file: positionals[0], json: values.json ?? false, overlay: values.overlay };
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(5));

function featureLines(features: Record<string, number>): string {
  const width = Math.max(...Object.keys(features).map((k) => k.length));
  return Object.entries(features)
    .map(([name, value]) => `      ${name.padEnd(width)}  ${fmt(value)}`)
    .join('\n');
}

function formatReport(r: AnalysisResult, overlay: string | undefined): string {
  const out: string[] = [];
  const im = r.image;
  out.push(
    `image: ${im.width}×${im.height} px, ${im.format}, ${im.bitsStored}-bit, spacing ${im.pixelSpacingMm[0]}×${im.pixelSpacingMm[1]} mm${im.spacingAssumed ? ' (assumed: the file has none)' : ''}`,
    `sha256: ${im.sha256}`,
    '',
    `microcalcification clusters: ${r.clusters.length}`,
  );
  for (const c of r.clusters) {
    out.push(
      `  ${c.id}: bbox x=${c.bbox.x} y=${c.bbox.y} ${c.bbox.width}×${c.bbox.height} px, centroid (${c.centroid.x}, ${c.centroid.y}), ${c.mcCount} MCs`,
      featureLines(c.features),
    );
  }
  out.push('', `masses: ${r.masses.length}`);
  for (const m of r.masses) {
    const step = Math.max(1, Math.ceil(m.contour.length / 12));
    const sample = m.contour.filter((_, i) => i % step === 0).map(([x, y]) => `(${x},${y})`);
    out.push(
      `  ${m.id}: bbox x=${m.bbox.x} y=${m.bbox.y} ${m.bbox.width}×${m.bbox.height} px, centroid (${m.centroid.x}, ${m.centroid.y})`,
      `    contour: ${m.contour.length} points ${sample.join(' ')}${step > 1 ? ' … (all points with --json)' : ''}`,
      featureLines(m.features),
    );
  }
  out.push('', `lesions: ${r.lesions.length}`);
  for (const l of r.lesions) {
    out.push(
      `  ${l.id}: ${l.kind}, clusters [${l.clusterIds.join(', ')}], mass ${l.massId ?? '—'}`,
      `    41 features: [${Object.values(l.features).map(fmt).join(', ')}]`,
    );
  }
  out.push(
    '',
    `timings (ms): ${Object.entries(r.timingsMs)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  if (overlay) out.push(`overlay written to ${overlay}`);
  return `${out.join('\n')}\n`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`analyze failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
