import { TrainingError } from '../train/errors';

/** What a run id looks like: `YYYYMMDD-HHMMSS-<seed>` (UTC start time, then the run seed). */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-\d+$/;

/**
 * The id of a training run, used as its report folder name: the UTC start time to the second and the
 * seed, e.g. `20261121-215312-7`. Ids sort by start time; two runs with the same seed started in the same
 * second collide, and `writeReport` then refuses to overwrite the first.
 *
 * @param startedAt - when the run started.
 * @param seed - the run seed (non-negative integer).
 * @returns `YYYYMMDD-HHMMSS-<seed>`.
 * @throws TrainingError `INVALID_OPTION` for an invalid date or a seed that is not a non-negative integer.
 */
export function makeRunId(startedAt: Date, seed: number): string {
  if (Number.isNaN(startedAt.getTime()))
    throw new TrainingError('INVALID_OPTION', 'run start time is not a valid date');
  if (!Number.isInteger(seed) || seed < 0) {
    throw new TrainingError('INVALID_OPTION', `seed must be a non-negative integer, got ${seed}`);
  }
  const two = (v: number) => String(v).padStart(2, '0');
  const d = startedAt;
  const date = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
  const time = `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  return `${date}-${time}-${seed}`;
}
