/**
 * `npm run train -- (--data MANIFEST.csv | --data synthetic [--n 1204] | --features TABLE.csv --label COLUMN
 * [--split SPLIT.json] [--positive VALUE]) [--out models] [--reports reports] [--models sae,svm,knn,lda]
 * [--scenarios mc,mass,combined] [--seed S] [--workers N] [--cache DIR|none] [--cv-folds 10] [--quick]`
 *
 * Progress goes to stderr; the last line on stdout is the report's path.
 */
import { parseArgs } from 'node:util';
import { DatasetError, formatProblems } from './dataset';
import { runTraining, type TrainingProgressEvent } from './run-training';
import { parseTrainingConfig, TrainingConfigError } from './training-config';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      n: { type: 'string' },
      features: { type: 'string' },
      label: { type: 'string' },
      split: { type: 'string' },
      positive: { type: 'string' },
      'label-column': { type: 'string' },
      'roi-units': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      reports: { type: 'string' },
      models: { type: 'string' },
      scenarios: { type: 'string' },
      workers: { type: 'string' },
      cache: { type: 'string' },
      'cv-folds': { type: 'string' },
      quick: { type: 'boolean' },
    },
    strict: true,
  });
  let config: ReturnType<typeof parseTrainingConfig>;
  try {
    config = parseTrainingConfig({
      ...values,
      labelColumn: values['label-column'],
      roiUnits: values['roi-units'],
      cvFolds: values['cv-folds'],
      command: `npm run train -- ${process.argv.slice(2).join(' ')}`,
    });
  } catch (error) {
    if (error instanceof TrainingConfigError) {
      process.stderr.write(`${error.problems.map((p) => `error: ${p}`).join('\n')}\n`);
      return 2;
    }
    throw error;
  }
  const bar = progressPrinter();
  try {
    const outcome = await runTraining(config, bar);
    bar.end();
    for (const r of outcome.results) {
      process.stderr.write(
        `${r.scenario.padEnd(9)} ${r.model.padEnd(9)} accuracy ${(100 * r.accuracy).toFixed(1)}%  AUC ${r.auc.toFixed(3)} [${r.aucCi95[0].toFixed(3)}, ${r.aucCi95[1].toFixed(3)}]\n`,
      );
    }
    for (const v of outcome.versions) process.stderr.write(`wrote ${v.name}/${v.version}\n`);
    process.stderr.write(`done in ${outcome.seconds.toFixed(1)} s\n`);
    process.stdout.write(`${outcome.report.markdown}\n`);
    return 0;
  } catch (error) {
    bar.end();
    if (error instanceof DatasetError) {
      process.stderr.write(
        `error: ${error.message}\n${formatProblems(error.problems)}\nnothing was written\n`,
      );
      return 2;
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') {
      process.stderr.write(`error [${code}]: ${(error as Error).message}\nnothing was written\n`);
      return 1;
    }
    throw error;
  }
}

/** One progress line per stage change or 5% step (a redrawn line on a terminal), with the ETA. */
function progressPrinter() {
  const tty = process.stderr.isTTY;
  let lastStage = '';
  let lastStep = -1;
  const print = (e: TrainingProgressEvent) => {
    const step = Math.floor(e.fraction * 20);
    if (!tty && e.stage === lastStage && step === lastStep) return;
    const filled = Math.round(e.fraction * 30);
    const eta = e.etaS === null ? '' : ` ETA ${formatEta(e.etaS)}`;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(100 * e.fraction).toFixed(0).padStart(3)}% ${e.stage}: ${e.message}${eta}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    lastStage = e.stage;
    lastStep = step;
  };
  print.end = () => {
    if (tty) process.stderr.write('\n');
  };
  return print;
}

function formatEta(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(
      `training failed: ${error instanceof Error ? error.stack : error}\nnothing was written\n`,
    );
    process.exitCode = 1;
  },
);
