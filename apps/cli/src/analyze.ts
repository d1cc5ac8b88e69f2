/**
 * `npm run analyze -- FILE [--json] [--overlay out.png] [--cam out.png [--model DIR/model.onnx]]`: the image
 * pipeline on one file. Human-readable report by default; with --json one object {image, clusters, masses,
 * lesions, timingsMs}. --cam runs a DCIS/IDC ROI model (--model, or the best one in models/) on the first
 * cluster's ROI and writes its class activation map over the ROI (a note goes to stderr with --json).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeImage, renderOverlayPng } from '@calcscope/analysis';
import type { AnalysisResult } from '@calcscope/contracts';
import { ImageDecodeError } from '@calcscope/imaging';

const USAGE =
  'usage: npm run analyze -- FILE [--json] [--overlay out.png] [--cam out.png [--model DIR/model.onnx]]';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { file, json, overlay, cam, model } = parsed;
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
    const camNote = cam ? await writeCam(analysis, cam, model) : null;
    process.stdout.write(
      json ? `${JSON.stringify(analysis.result)}\n` : formatReport(analysis.result, overlay),
    );
    if (camNote) (json ? process.stderr : process.stdout).write(`${camNote.text}\n`);
    return camNote?.failed ? 4 : 0;
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
    options: {
      json: { type: 'boolean', default: false },
      overlay: { type: 'string' },
      cam: { type: 'string' },
      model: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error('expected exactly one image file');
  if (values.model !== undefined && values.cam === undefined) throw new Error('--model needs --cam');
  return {
    file: positionals[0],
    json: values.json ?? false,
    overlay: values.overlay,
    cam: values.cam,
    model: values.model,
  };
}

/**
 * The --cam step: the DCIS/IDC model on the first cluster's ROI, its CAM over the ROI as a PNG.
 * Loaded lazily so plain runs do not pay for the training app.
 */
async function writeCam(
  analysis: Awaited<ReturnType<typeof analyzeImage>>,
  out: string,
  modelPath: string | undefined,
): Promise<{ text: string; failed: boolean }> {
  const cluster = analysis.clusters[0];
  if (!cluster) return { text: 'no MC cluster found: no CAM overlay written', failed: false };
  const { loadRoiModel, writeCamOverlay, RoiError } = await import('@calcscope/training');
  try {
    const model = await loadRoiModel({ modelPath });
    const { probability } = await writeCamOverlay(analysis.image, cluster.centroid, model, out);
    const c = analysis.result.clusters[0];
    return {
      text: `CAM overlay of ${c.id} (${model.label}, ${model.spec.sizeMm} mm ROI, P(IDC) = ${probability.toFixed(3)}) written to ${out}`,
      failed: false,
    };
  } catch (error) {
    if (error instanceof RoiError) return { text: `no CAM overlay: ${error.message}`, failed: true };
    throw error;
  }
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
