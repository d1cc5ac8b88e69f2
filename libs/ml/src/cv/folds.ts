import { MlError } from '../core/errors';
import { checkLabels } from '../core/matrix';
import { createRandom, shuffleInPlace } from '../core/random';

/** One train/test partition of row indices (both sorted ascending, disjoint, covering all rows). */
export interface Fold {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

function shuffledClassIndices(y: ArrayLike<number>, label: number, seed: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === label) count++;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === label) out[k++] = i;
  return shuffleInPlace(out, createRandom(seed));
}

function complement(
  n: number,
  member: Uint8Array,
  testValue: number,
): { train: Uint32Array; test: Uint32Array } {
  let testCount = 0;
  for (let i = 0; i < n; i++) if (member[i] === testValue) testCount++;
  const train = new Uint32Array(n - testCount);
  const test = new Uint32Array(testCount);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (member[i] === testValue) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

/**
 * Stratified k-fold assignment: each class is shuffled (seeded) and dealt round-robin over the folds, the
 * negatives continuing where the positives stopped, so every fold holds ⌊n/k⌋ or ⌈n/k⌉ rows and each class
 * is split as evenly as possible.
 *
 * @param y - labels 0/1.
 * @param k - number of folds, 2 ≤ k ≤ y.length.
 * @param seed - PRNG seed (mulberry32); the same seed gives the same folds.
 * @returns fold index in [0, k) per row.
 * @throws MlError `INVALID_OPTION` for a bad k, `INVALID_LABEL` for labels other than 0/1.
 */
export function stratifiedFoldAssignment(y: ArrayLike<number>, k: number, seed: number): Uint8Array {
  checkLabels(y);
  if (!Number.isInteger(k) || k < 2 || k > y.length || k > 255) {
    throw new MlError('INVALID_OPTION', `k = ${k} folds is not an integer in [2, min(${y.length}, 255)]`);
  }
  const assignment = new Uint8Array(y.length);
  const positives = shuffledClassIndices(y, 1, seed);
  const negatives = shuffledClassIndices(y, 0, (seed ^ 0x5bd1e995) >>> 0);
  for (let i = 0; i < positives.length; i++) assignment[positives[i]] = i % k;
  const offset = positives.length % k;
  for (let i = 0; i < negatives.length; i++) assignment[negatives[i]] = (offset + i) % k;
  return assignment;
}

/**
 * Stratified k-fold cross-validation splits.
 *
 * @param y - labels 0/1.
 * @param k - number of folds, 2 ≤ k ≤ y.length.
 * @param seed - PRNG seed.
 * @returns k folds; fold f tests the rows assigned to f and trains on the rest.
 * @throws MlError `INVALID_OPTION`, `INVALID_LABEL`.
 */
export function stratifiedKFold(y: ArrayLike<number>, k: number, seed: number): Fold[] {
  const assignment = stratifiedFoldAssignment(y, k, seed);
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) folds.push(complement(y.length, assignment, f));
  return folds;
}

/**
 * Stratified train/test split: in each class, round(count × testFraction) rows (seeded choice) go to test.
 *
 * @param y - labels 0/1.
 * @param testFraction - share of each class held out, in (0, 1).
 * @param seed - PRNG seed.
 * @returns the split (train and test sorted ascending).
 * @throws MlError `INVALID_OPTION` when testFraction is outside (0, 1), `INVALID_LABEL`.
 */
export function stratifiedTrainTestSplit(y: ArrayLike<number>, testFraction: number, seed: number): Fold {
  checkLabels(y);
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new MlError('INVALID_OPTION', `testFraction ${testFraction} is outside (0, 1)`);
  }
  const isTest = new Uint8Array(y.length);
  const classes = [shuffledClassIndices(y, 1, seed), shuffledClassIndices(y, 0, (seed ^ 0x5bd1e995) >>> 0)];
  for (const members of classes) {
    const take = Math.round(members.length * testFraction);
    for (let i = 0; i < take; i++) isTest[members[i]] = 1;
  }
  return complement(y.length, isTest, 1);
}
