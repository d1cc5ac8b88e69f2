/**
 * `npm run bench -- SUITE`: benchmarks that print measured figures and their ratio to the product
 * targets, measured in one run on this machine. Speed targets live here, never in timed unit tests.
 */
import { benchAnalyze } from './bench-analyze';
import { benchCnn } from './bench-cnn';
import { benchInference } from './bench-inference';
import { benchTraining } from './bench-training';

const SUITES: Record<string, () => Promise<void>> = {
  analyze: benchAnalyze,
  cnn: benchCnn,
  training: benchTraining,
  inference: benchInference,
};

async function main(): Promise<number> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = names.length > 0 ? names : Object.keys(SUITES);
  const unknown = chosen.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark suite: ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}\n`,
    );
    return 2;
  }
  for (const name of chosen) await SUITES[name]();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
