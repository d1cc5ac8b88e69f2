/**
 * `npm run train:roi -- [--cohort dcis-idc|wang2016|both] [--n N] [--seed S] [--out models] [--reports reports]
 * [--quick] [--members K] [--backbone FILE.onnx --embedding-output NAME]`
 *
 * Progress (stage, ETA) goes to stderr; the last line on stdout is the report's path.
 */
import { formatAucWithCi } from './report/format';
import { parseRoiArgs, ROI_USAGE } from './roi/cli-args';
import type { RoiProgressEvent } from './roi/progress';
import { runRoiTraining } from './roi/run-roi';

async function main(): Promise<number> {
  let config: ReturnType<typeof parseRoiArgs>;
  try {
    config = parseRoiArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${ROI_USAGE}\n`);
    return 2;
  }
  const print = progressPrinter();
  try {
    const outcome = await runRoiTraining(config, print);
    print.end();
    const rows = [
      ...(outcome.dcisIdc?.evaluations.filter((e) => e.split !== 'train') ?? []),
      ...(outcome.malignancy?.evaluations.filter((e) => e.split === 'test') ?? []),
    ];
    for (const e of rows)
      process.stderr.write(
        `${e.split.padEnd(9)} ${e.model.padEnd(9)} AUC ${formatAucWithCi(e.auc, e.aucCi95)}  sens ${e.sensitivity.toFixed(2)} spec ${e.specificity.toFixed(2)} acc ${e.accuracy.toFixed(2)}\n`,
      );
    for (const v of outcome.versions) process.stderr.write(`wrote ${v.name}/${v.version}\n`);
    process.stderr.write(`done in ${outcome.seconds.toFixed(1)} s\n`);
    process.stdout.write(`${outcome.report.markdown}\n`);
    return 0;
  } catch (error) {
    print.end();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') {
      process.stderr.write(`error [${code}]: ${(error as Error).message}\nnothing was written\n`);
      return 1;
    }
    throw error;
  }
}

/** One line per stage change or 5 % step (redrawn in place on a terminal), with the ETA. */
function progressPrinter() {
  const tty = process.stderr.isTTY;
  let last = '';
  const print = (e: RoiProgressEvent) => {
    const key = `${e.stage}:${Math.floor(e.fraction * 20)}`;
    if (!tty && key === last) return;
    last = key;
    const filled = Math.round(e.fraction * 30);
    const eta =
      e.etaS === null
        ? ''
        : ` ETA ${e.etaS < 90 ? `${Math.round(e.etaS)} s` : `${Math.floor(e.etaS / 60)} min ${Math.round(e.etaS % 60)} s`}`;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(100 * e.fraction).toFixed(0).padStart(3)}% ${e.stage}: ${e.message}${eta}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  print.end = () => {
    if (tty) process.stderr.write('\n');
  };
  return print;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(
      `train:roi failed: ${error instanceof Error ? error.stack : error}\nnothing was written\n`,
    );
    process.exitCode = 1;
  },
);
