/**
 * `npm run phantom -- --out DIR --n N --seed S [--size 1024|full] [--cohort wang2016|dcis-idc]`:
 * writes deterministic synthetic mammograms with ground truth — `<id>.dcm`, `<id>.png`,
 * `<id>.truth.json` per image and `manifest.csv` — into DIR. Progress on stderr; exit status 2 for bad
 * arguments.
 */
import { phantomCommand } from './phantom-command';

phantomCommand(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  },
  (error) => {
    process.stderr.write(`phantom failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
