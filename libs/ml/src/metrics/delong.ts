import { MlError } from '../core/errors';
import { normalQuantile, twoSidedNormalPValue } from '../core/normal';
import { midranks } from './ranks';
import { splitScoresByClass } from './roc';

/**
 * DeLong, DeLong & Clarke-Pearson (1988) structural components of one AUC, computed with midranks
 * (Sun & Xu 2014, O(N log N)).
 *
 * For the m positive scores X and n negative scores Y, with ψ(x, y) = 1 if x > y, ½ if x = y, 0 else:
 * `positivePlacements[i]` = V10(Xᵢ) = (1/n) Σⱼ ψ(Xᵢ, Yⱼ) and `negativePlacements[j]` = V01(Yⱼ) =
 * (1/m) Σᵢ ψ(Xᵢ, Yⱼ). Both average to the AUC.
 */
export interface DelongComponents {
  readonly auc: number;
  readonly positivePlacements: Float64Array;
  readonly negativePlacements: Float64Array;
}

/** AUC with its DeLong variance and a two-sided confidence interval. */
export interface AucEstimate {
  readonly auc: number;
  /** DeLong variance S10/m + S01/n (sample variances of the placements, divisor m−1 and n−1, as pROC). */
  readonly variance: number;
  readonly standardError: number;
  /** Confidence interval [lo, hi], clipped to [0, 1]. */
  readonly ci: readonly [number, number];
  readonly level: number;
  readonly method: AucCiMethod;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * How the interval is built: `plain` = AUC ± z·SE (pROC's `ci.auc(method = "delong")`, the default);
 * `logit` = on logit(AUC) with SE/(AUC(1−AUC)), back-transformed (stays inside (0, 1); undefined at
 * AUC 0 or 1, where it degenerates to the point [AUC, AUC]).
 */
export type AucCiMethod = 'plain' | 'logit';

/** The paired DeLong test of two correlated AUCs measured on the same rows. */
export interface DelongTest {
  readonly aucA: number;
  readonly aucB: number;
  /** aucA − aucB. */
  readonly difference: number;
  readonly varianceA: number;
  readonly varianceB: number;
  readonly covariance: number;
  /** difference / √(varA + varB − 2·cov); 0 when both the difference and its variance are 0. */
  readonly z: number;
  /** Two-sided p-value P(|Z| ≥ |z|) under the standard normal. */
  readonly pValue: number;
}

function placements(positives: Float64Array, negatives: Float64Array): DelongComponents {
  const m = positives.length;
  const n = negatives.length;
  const pooled = new Float64Array(m + n);
  pooled.set(positives, 0);
  pooled.set(negatives, m);
  const pooledRanks = midranks(pooled);
  const positiveRanks = midranks(positives);
  const negativeRanks = midranks(negatives);
  const positivePlacements = new Float64Array(m);
  const negativePlacements = new Float64Array(n);
  let auc = 0;
  // A positive's pooled rank minus its rank among positives = (# negatives below) + ½(# negatives tied).
  for (let i = 0; i < m; i++) {
    positivePlacements[i] = (pooledRanks[i] - positiveRanks[i]) / n;
    auc += positivePlacements[i];
  }
  // A negative's pooled rank minus its rank among negatives = (# positives below) + ½(# tied).
  for (let j = 0; j < n; j++) negativePlacements[j] = 1 - (pooledRanks[m + j] - negativeRanks[j]) / m;
  return { auc: auc / m, positivePlacements, negativePlacements };
}

/**
 * Computes DeLong's placement values of one scorer.
 *
 * @param scores - one finite score per row, higher = more likely positive.
 * @param y - labels 0/1 with at least one of each.
 * @returns the AUC and the placements (positives and negatives in row order).
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `SINGLE_CLASS`.
 */
export function delongComponents(scores: ArrayLike<number>, y: ArrayLike<number>): DelongComponents {
  const { positives, negatives } = splitScoresByClass(scores, y);
  return placements(positives, negatives);
}

function meanOf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** Sample covariance (divisor length − 1) of two equally long vectors. */
function sampleCovariance(a: Float64Array, b: Float64Array): number {
  const ma = meanOf(a);
  const mb = meanOf(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1);
}

function delongCovariance(a: DelongComponents, b: DelongComponents): number {
  const m = a.positivePlacements.length;
  const n = a.negativePlacements.length;
  return (
    sampleCovariance(a.positivePlacements, b.positivePlacements) / m +
    sampleCovariance(a.negativePlacements, b.negativePlacements) / n
  );
}

function requireTwoOfEach(c: DelongComponents): void {
  if (c.positivePlacements.length < 2 || c.negativePlacements.length < 2) {
    throw new MlError(
      'SINGLE_CLASS',
      `DeLong variance needs ≥ 2 positives and ≥ 2 negatives (have ${c.positivePlacements.length} and ${c.negativePlacements.length})`,
    );
  }
}

/**
 * AUC with DeLong's variance and a confidence interval.
 *
 * @param scores - one finite score per row, higher = more likely positive.
 * @param y - labels 0/1 with at least two of each.
 * @param options.level - confidence level in (0, 1), default 0.95.
 * @param options.method - `plain` (default, as pROC) or `logit`; see `AucCiMethod`.
 * @returns the estimate; e.g. pROC's aSAH s100b example gives AUC 0.7314, CI 0.6301–0.8326.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `SINGLE_CLASS`, `INVALID_OPTION`.
 */
export function aucWithDelongCi(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { level?: number; method?: AucCiMethod } = {},
): AucEstimate {
  const level = options.level ?? 0.95;
  const method = options.method ?? 'plain';
  if (!(level > 0 && level < 1)) throw new MlError('INVALID_OPTION', `level ${level} is outside (0, 1)`);
  const c = delongComponents(scores, y);
  requireTwoOfEach(c);
  const variance = delongCovariance(c, c);
  const standardError = Math.sqrt(variance);
  const z = normalQuantile(0.5 + level / 2);
  let lo: number;
  let hi: number;
  if (method === 'plain') {
    lo = c.auc - z * standardError;
    hi = c.auc + z * standardError;
  } else if (c.auc <= 0 || c.auc >= 1) {
    lo = c.auc;
    hi = c.auc;
  } else {
    const centre = Math.log(c.auc / (1 - c.auc));
    const halfWidth = (z * standardError) / (c.auc * (1 - c.auc));
    lo = 1 / (1 + Math.exp(-(centre - halfWidth)));
    hi = 1 / (1 + Math.exp(-(centre + halfWidth)));
  }
  return {
    auc: c.auc,
    variance,
    standardError,
    ci: [Math.max(0, lo), Math.min(1, hi)],
    level,
    method,
    positives: c.positivePlacements.length,
    negatives: c.negativePlacements.length,
  };
}

/**
 * DeLong's paired test of H0: AUC_A = AUC_B for two scorers evaluated on the same rows.
 *
 * @param scoresA - scores of model A, one per row.
 * @param scoresB - scores of model B, same rows.
 * @param y - labels 0/1 with at least two of each.
 * @returns both AUCs, their DeLong (co)variances, z and the two-sided p-value.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE`, `SINGLE_CLASS`.
 */
export function delongTest(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  y: ArrayLike<number>,
): DelongTest {
  if (scoresA.length !== scoresB.length) {
    throw new MlError(
      'SHAPE_MISMATCH',
      `scoresA has ${scoresA.length} entries, scoresB has ${scoresB.length}`,
    );
  }
  const a = delongComponents(scoresA, y);
  const b = delongComponents(scoresB, y);
  requireTwoOfEach(a);
  const varianceA = delongCovariance(a, a);
  const varianceB = delongCovariance(b, b);
  const covariance = delongCovariance(a, b);
  const difference = a.auc - b.auc;
  const differenceVariance = varianceA + varianceB - 2 * covariance;
  // Identical rankings give 0/0: no evidence of a difference.
  const z =
    differenceVariance > 0
      ? difference / Math.sqrt(differenceVariance)
      : difference === 0
        ? 0
        : Math.sign(difference) * Number.POSITIVE_INFINITY;
  return {
    aucA: a.auc,
    aucB: b.auc,
    difference,
    varianceA,
    varianceB,
    covariance,
    z,
    pValue: twoSidedNormalPValue(z),
  };
}
