import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodePhantomFiles,
  generatePhantom,
  mixedSpecs,
  type PhantomSize,
  type PhantomSpec,
} from '@calcscope/phantom';
import type { AnalyzeChildReport } from './bench-analyze-child';

/** Targets of issue 2 on this 2-core machine: median decode+segment+features, and peak RSS. */
const TARGETS = { '1024': { medianMs: 150 }, full: { medianMs: 1500 }, peakRssMb: 600 };
const IMAGES_PER_SIZE = 3;
const RUNS_PER_IMAGE = 5;
const SEED = 20161;

interface Case {
  label: string;
  size: PhantomSize;
  format: 'dicom' | 'png';
}

const CASES: Case[] = [
  { label: '1024×1024 8-bit DICOM', size: '1024', format: 'dicom' },
  { label: '1024×1024 8-bit PNG', size: '1024', format: 'png' },
  { label: '3328×4096 16-bit DICOM', size: 'full', format: 'dicom' },
];

/**
 * Median wall time of decode → segmentation → features on seeded phantoms with MC clusters and masses,
 * each size measured in a fresh child process so its peak RSS is its own.
 */
export async function benchAnalyze(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'calcscope-bench-'));
  try {
    process.stdout.write(
      `# analyze: decode + segment + features (${IMAGES_PER_SIZE} phantoms × ${RUNS_PER_IMAGE} runs per case, after one warm-up each; ${cpus().length} cores, node ${process.version})\n`,
    );
    const files = new Map<string, string[]>();
    for (const size of ['1024', 'full'] as const) {
      // Every stage busy in every image: MC clusters and a mass.
      const specs = mixedSpecs(IMAGES_PER_SIZE, SEED, { size }).map(withClustersAndMass);
      for (const spec of specs) {
        const encoded = await encodePhantomFiles(generatePhantom(spec));
        for (const format of ['dicom', 'png'] as const) {
          const path = join(dir, `${spec.id}-${size}.${format === 'dicom' ? 'dcm' : 'png'}`);
          await writeFile(path, format === 'dicom' ? encoded.dicom : encoded.png);
          const key = `${size}/${format}`;
          files.set(key, [...(files.get(key) ?? []), path]);
        }
      }
    }
    const rows: string[] = [];
    for (const c of CASES) {
      const report = runChild(files.get(`${c.size}/${c.format}`) ?? []);
      const target = TARGETS[c.size].medianMs;
      rows.push(
        `| ${c.label} | ${report.medianMs.toFixed(1)} | ${report.p90Ms.toFixed(1)} | ${target} | ${(report.medianMs / target).toFixed(2)} | ${report.peakRssMb.toFixed(0)} | ${(report.peakRssMb / TARGETS.peakRssMb).toFixed(2)} | ${formatStages(report.stageMedianMs)} |`,
      );
    }
    process.stdout.write(
      [
        '| case | median ms | p90 ms | target ms | median/target | peak RSS MB | RSS/600 MB | stage medians ms |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withClustersAndMass(spec: PhantomSpec): PhantomSpec {
  return {
    ...spec,
    lesionType: 'mc+mass',
    mc: spec.mc ?? { morphology: 'fine-pleomorphic', distribution: 'grouped', count: 12 },
    mass: spec.mass ?? { shape: 'irregular', margin: 'spiculated', diameterMm: 15 },
  };
}

function runChild(files: string[]): AnalyzeChildReport {
  const out = execFileSync(
    process.execPath,
    [join(__dirname, 'bench-analyze-child.js'), '--runs', String(RUNS_PER_IMAGE), ...files],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out) as AnalyzeChildReport;
}

function formatStages(stages: Record<string, number>): string {
  return Object.entries(stages)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}
