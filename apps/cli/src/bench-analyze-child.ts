/**
 * Child process of `npm run bench -- analyze`: analyses the given files `--runs` times each (after one
 * warm-up run per file) and prints one JSON AnalyzeChildReport, including this process's peak RSS.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeImage } from '@calcscope/analysis';

export interface AnalyzeChildReport {
  medianMs: number;
  p90Ms: number;
  stageMedianMs: Record<string, number>;
  peakRssMb: number;
  samples: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { runs: { type: 'string', default: '5' } },
    allowPositionals: true,
  });
  const runs = Number(values.runs);
  const totals: number[] = [];
  const stages = new Map<string, number[]>();
  for (const file of positionals) {
    const bytes = readFileSync(file);
    await analyzeImage(bytes);
    for (let r = 0; r < runs; r++) {
      const { result } = await analyzeImage(bytes);
      totals.push(result.timingsMs.total);
      for (const [stage, ms] of Object.entries(result.timingsMs)) {
        stages.set(stage, [...(stages.get(stage) ?? []), ms]);
      }
    }
  }
  const sorted = [...totals].sort((a, b) => a - b);
  const report: AnalyzeChildReport = {
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    stageMedianMs: Object.fromEntries([...stages].map(([k, v]) => [k, median(v)])),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    samples: totals.length,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
});
