/**
 * `npm run eval:detection -- --n 50 --seed S [--size 1024|full] [--json]`: generates phantom
 * mammograms (a mix of MC, mass and MC + mass lesions, @calcscope/phantom's mixedSpecs), runs the
 * segmentation (breast mask → MC detection → clusters → masses) on each and scores it against the
 * phantom's truth with the rules of @calcscope/segmentation's evaluation module:
 *
 * - cluster found: a detected cluster's centroid lies in the truth cluster's box grown by 2 mm, or the
 *   truth centroid lies in the detected cluster's box grown by 2 mm; unmatched detections are false;
 * - MC found: a detected MC's centroid within max(0.3 mm, truth radius) of the truth centre, or
 *   within max(0.3 mm, line radius) of a linear MC's centre line;
 * - mass found: a detected mass's centroid inside the truth mask (the rasterised truth polygon) or the
 *   truth centroid inside the detected mask; Dice against that mask.
 *
 * Prints the acceptance figures with their targets, cluster sensitivity per BI-RADS morphology of the
 * truth cluster, and per-image segmentation time (phantom generation excluded). Exit status 0 after a run (targets missed or not), 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import type { GrayImage } from '@calcscope/imaging';
import {
  generatePhantom,
  mixedSpecs,
  type PhantomSize,
  type PhantomTruth,
  rasterizePolygon,
  toGrayImage,
} from '@calcscope/phantom';
import {
  type DetectionSummary,
  type ImageScore,
  type ImageTruth,
  type Rate,
  scoreImage,
  segmentImage,
  summarizeScores,
} from '@calcscope/segmentation';

const USAGE = `usage: npm run eval:detection -- --n N --seed S [--size 1024|full] [--json]

  --n N       number of phantom images, 1–10000 (default 50)
  --seed S    integer seed 0–4294967295 (default 1); the same arguments give the same images
  --size      1024 (1024×1024, 0.1 mm; default) or full (3328×4096, 0.07 mm)
  --json      print one JSON object instead of the text report
`;

/** The issue's acceptance targets. */
const TARGETS = {
  clusterSensitivity: 0.9,
  falseClustersPerImage: 0.5,
  mcSensitivityAtLeast02: 0.8,
  massSensitivityAtLeast8: 0.9,
  meanDiceAtLeast8: 0.8,
};

interface EvalArgs {
  readonly n: number;
  readonly seed: number;
  readonly size: PhantomSize;
  readonly json: boolean;
}

/** One image's outcome for the JSON report. */
interface ImageRecord {
  readonly id: string;
  readonly lesionType: string;
  readonly view: string;
  readonly vendor: string;
  readonly density: string;
  readonly generateMs: number;
  readonly timingsMs: Record<string, number>;
  /** CPU time (user + system) of segmentImage: less sensitive than wall time to other processes. */
  readonly cpuMs: number;
  readonly detected: { readonly mcs: number; readonly clusters: number; readonly masses: number };
  readonly score: ImageScore;
}

class UsageError extends Error {}

function parse(argv: readonly string[]): EvalArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        n: { type: 'string' },
        seed: { type: 'string' },
        size: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const size = values.size ?? '1024';
  if (size !== '1024' && size !== 'full') throw new UsageError(`--size must be 1024 or full, got "${size}"`);
  return {
    n: wholeNumber('n', values.n, 50, 1, 10_000),
    seed: wholeNumber('seed', values.seed, 1, 0, 0xffffffff),
    size,
    json: values.json === true,
  };
}

function wholeNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  }
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be ${min}–${max}, got ${value}`);
  return n;
}

/** The phantom truth in the evaluation module's terms (masses rasterised at pixel centres). */
function imageTruth(truth: PhantomTruth): ImageTruth {
  return {
    width: truth.width,
    pixelSpacingMm: truth.pixelSpacingMm,
    microcalcifications: truth.microcalcifications.map(({ x, y, diameterMm, centreline }) =>
      centreline ? { x, y, diameterMm, centreline } : { x, y, diameterMm },
    ),
    clusters: truth.clusters.map(({ centroid, bbox, morphology }) => ({ centroid, bbox, label: morphology })),
    masses: truth.masses.map((mass) => {
      const mask = rasterizePolygon(mass.polygon, truth.width, truth.height);
      const indices: number[] = [];
      for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) indices.push(i);
      return { indices: Int32Array.from(indices), diameterMm: mass.diameterMm };
    }),
  };
}

function evaluate(args: EvalArgs, progress: (line: string) => void): ImageRecord[] {
  const specs = mixedSpecs(args.n, args.seed, { size: args.size });
  const records: ImageRecord[] = [];
  for (const [i, spec] of specs.entries()) {
    const t0 = performance.now();
    const phantom = generatePhantom(spec);
    const image: GrayImage = toGrayImage(phantom);
    const generateMs = performance.now() - t0;
    // One untimed run first, so the timings are of compiled code rather than of the JIT warming up.
    if (i === 0) segmentImage(image);
    const cpu0 = process.cpuUsage();
    const result = segmentImage(image);
    const cpu = process.cpuUsage(cpu0);
    const score = scoreImage(imageTruth(phantom.truth), {
      microcalcifications: result.microcalcifications,
      clusters: result.clusters,
      masses: result.masses,
    });
    records.push({
      id: spec.id,
      lesionType: spec.lesionType,
      view: spec.view,
      vendor: spec.vendor,
      density: spec.density,
      generateMs,
      timingsMs: result.timingsMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      detected: {
        mcs: result.microcalcifications.length,
        clusters: result.clusters.length,
        masses: result.masses.length,
      },
      score,
    });
    progress(
      `eval:detection: ${i + 1}/${specs.length} ${spec.id} segmented in ${result.timingsMs.total.toFixed(0)} ms`,
    );
  }
  return records;
}

/** Mean, median, 90th percentile and maximum of a list. */
function spread(values: readonly number[]): { mean: number; median: number; p90: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    median: at(0.5),
    p90: at(0.9),
    max: sorted[sorted.length - 1],
  };
}

function timing(records: readonly ImageRecord[]) {
  const stages = Object.keys(records[0]?.timingsMs ?? {});
  return {
    segmentationMs: spread(records.map((r) => r.timingsMs.total)),
    segmentationCpuMs: spread(records.map((r) => r.cpuMs)),
    stageMeansMs: Object.fromEntries(
      stages.map((s) => [s, records.reduce((a, r) => a + r.timingsMs[s], 0) / records.length]),
    ),
    phantomGenerationMs: spread(records.map((r) => r.generateMs)),
  };
}

const pct = (r: Rate) => (Number.isNaN(r.rate) ? 'n/a' : `${r.rate.toFixed(2)} (${r.found}/${r.total})`);
const num = (v: number, digits = 2) => (Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function report(args: EvalArgs, summary: DetectionSummary, records: readonly ImageRecord[]): string {
  const t = timing(records);
  const lines = [
    `eval:detection — ${summary.images} phantom images (mixed lesion types), size ${args.size}, seed ${args.seed}`,
    '',
    'Clusters (found: detected centroid in truth box + 2 mm, or truth centroid in detected box + 2 mm)',
    `  sensitivity             ${pct(summary.clusterSensitivity)}   target ≥ ${TARGETS.clusterSensitivity}: ${verdict(summary.clusterSensitivity.rate >= TARGETS.clusterSensitivity)}`,
    `  false clusters / image  ${num(summary.falseClustersPerImage)}   target ≤ ${TARGETS.falseClustersPerImage}: ${verdict(summary.falseClustersPerImage <= TARGETS.falseClustersPerImage)}`,
    `    of which groups of true MCs the truth calls no cluster (diffuse): ${num(summary.falseClustersOfTrueMcsPerImage)} / image`,
    '  sensitivity by morphology:',
    ...summary.clusterSensitivityByLabel.map((r) => `    ${r.label.padEnd(24)}${pct(r)}`),
    '',
    "Microcalcifications (found: detected centroid within max(0.3 mm, truth radius) of the truth centre, or within max(0.3 mm, line radius) of a linear MC's centre line)",
    ...summary.mcSensitivityByDiameter.map(
      (bin) => `  ${bin.fromMm.toFixed(1)}–${bin.toMm.toFixed(1)} mm            ${pct(bin)}`,
    ),
    `  ≥ 0.2 mm                ${pct(summary.mcSensitivityAtLeast02)}   target ≥ ${TARGETS.mcSensitivityAtLeast02}: ${verdict(summary.mcSensitivityAtLeast02.rate >= TARGETS.mcSensitivityAtLeast02)}`,
    `  false MCs / image       ${num(summary.falseMcsPerImage, 1)}`,
    '',
    'Masses (found: detected centroid in the truth mask or truth centroid in the detected mask)',
    `  sensitivity, all        ${pct(summary.massSensitivity)}   mean Dice of found ${num(summary.meanDice, 3)}`,
    `  sensitivity, ≥ 8 mm     ${pct(summary.massSensitivityAtLeast8)}   target ≥ ${TARGETS.massSensitivityAtLeast8}: ${verdict(summary.massSensitivityAtLeast8.rate >= TARGETS.massSensitivityAtLeast8)}`,
    `  mean Dice, ≥ 8 mm       ${num(summary.meanDiceAtLeast8, 3)}   target ≥ ${TARGETS.meanDiceAtLeast8}: ${verdict(summary.meanDiceAtLeast8 >= TARGETS.meanDiceAtLeast8)}`,
    `  false masses / image    ${num(summary.falseMassesPerImage)}`,
    '',
    'Segmentation time per image (segmentImage: breast + MCs + clusters + masses; after one warm-up run;',
    'phantom generation excluded)',
    `  wall: mean ${t.segmentationMs.mean.toFixed(0)} ms, median ${t.segmentationMs.median.toFixed(0)} ms, p90 ${t.segmentationMs.p90.toFixed(0)} ms, max ${t.segmentationMs.max.toFixed(0)} ms`,
    `  CPU:  mean ${t.segmentationCpuMs.mean.toFixed(0)} ms, median ${t.segmentationCpuMs.median.toFixed(0)} ms, p90 ${t.segmentationCpuMs.p90.toFixed(0)} ms, max ${t.segmentationCpuMs.max.toFixed(0)} ms (user + system; wall time also counts waiting for a core)`,
    `  stage means (wall): ${Object.entries(t.stageMeansMs)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
      .join(', ')}`,
    `  (phantom generation: mean ${t.phantomGenerationMs.mean.toFixed(0)} ms per image)`,
  ];
  return `${lines.join('\n')}\n`;
}

/** JSON.stringify with NaN and infinities as null and typed arrays left out. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? undefined : v,
    2,
  );
}

function main(argv: readonly string[]): number {
  let args: EvalArgs | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`eval:detection: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const records = evaluate(args, (line) => process.stderr.write(`${line}\n`));
  const summary = summarizeScores(records.map((r) => r.score));
  if (args.json) {
    process.stdout.write(
      `${toJson({ size: args.size, seed: args.seed, n: args.n, targets: TARGETS, summary, timing: timing(records), images: records })}\n`,
    );
  } else {
    process.stdout.write(report(args, summary, records));
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`eval:detection failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
}
