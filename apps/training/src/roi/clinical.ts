import {
  createMatrix,
  type Dataset,
  erfc,
  fitLogistic,
  type LogisticModel,
  type Matrix,
  predictProbaLogistic,
} from '@calcscope/ml';
import { RoiError } from './errors';

/** The clinical variables, in column order: mass present (0/1), BI-RADS category (2–5), age (years). */
export const CLINICAL_VARIABLES = ['mass_present', 'birads', 'age'] as const;
export type ClinicalVariable = (typeof CLINICAL_VARIABLES)[number];

/** What the clinical model reads of a case. */
export interface ClinicalRecord {
  /** Lesion type: 'mc', 'mass' or 'mc+mass'. */
  readonly lesionType: string;
  /** BI-RADS assessment category. */
  readonly birads: number;
  /** Age in years. */
  readonly age: number;
}

/** Significance levels of the selection: enter by univariate p < entry, stay while multivariate p < stay. */
export interface ClinicalSelectionOptions {
  /** Univariate likelihood-ratio p-value below which a variable enters the multivariate model (default 0.1). */
  readonly entry?: number;
  /** Multivariate p-value below which a variable stays (backward elimination; default 0.05). */
  readonly stay?: number;
}

/** A likelihood-ratio test of one variable. */
export interface VariableTest {
  readonly variable: string;
  /** Coefficient per unit of the raw variable (log odds ratio). */
  readonly coefficient: number;
  /** e^coefficient: the odds ratio per unit. */
  readonly oddsRatio: number;
  /** Deviance(model without it) − deviance(model with it), χ² with 1 degree of freedom under H0. */
  readonly lrStatistic: number;
  readonly pValue: number;
}

/** The univariate-then-multivariate choice of clinical variables and the final model. */
export interface ClinicalSelection {
  /** Each variable alone against the intercept-only model. */
  readonly univariate: readonly VariableTest[];
  /** Each kept variable's test in the final multivariate model (dropping it from the final model). */
  readonly multivariate: readonly VariableTest[];
  /** Column indices (into CLINICAL_VARIABLES) of the final model's variables, in column order. */
  readonly selected: readonly number[];
  /** What happened, in order (entered, removed, fallback), for the report. */
  readonly steps: readonly string[];
  /** The rule in words. */
  readonly rule: string;
}

/**
 * Encodes clinical records as the `clinical` input's columns (CLINICAL_VARIABLES order).
 *
 * @param records - One per case.
 * @returns n × 3 matrix: mass present (1 for 'mass' or 'mc+mass', else 0), BI-RADS, age.
 * @throws RoiError `INVALID_DATA` for a non-finite BI-RADS or age.
 */
export function encodeClinical(records: readonly ClinicalRecord[]): Matrix {
  const p = CLINICAL_VARIABLES.length;
  const data = new Float64Array(records.length * p);
  records.forEach((r, i) => {
    if (!Number.isFinite(r.birads) || !Number.isFinite(r.age))
      throw new RoiError('INVALID_DATA', `case ${i}: BI-RADS ${r.birads} and age ${r.age} must be numbers`);
    data[i * p] = r.lesionType === 'mass' || r.lesionType === 'mc+mass' ? 1 : 0;
    data[i * p + 1] = r.birads;
    data[i * p + 2] = r.age;
  });
  return createMatrix(records.length, p, data);
}

/**
 * Upper tail of the χ² distribution with one degree of freedom: P(χ²₁ > s) = erfc(√(s/2)).
 *
 * @param statistic - s ≥ 0 (negative values, from rounding, count as 0).
 * @returns The p-value in [0, 1].
 */
export function chiSquare1PValue(statistic: number): number {
  return erfc(Math.sqrt(Math.max(0, statistic) / 2));
}

/**
 * Binomial deviance −2 Σ [y log p + (1 − y) log(1 − p)] of probabilities (clamped to [1e-15, 1 − 1e-15]).
 *
 * @param probabilities - P(y = 1) per row.
 * @param y - Labels 0/1.
 * @returns The deviance.
 */
export function binomialDeviance(probabilities: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]));
    sum += y[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return -2 * sum;
}

/**
 * Columns of a matrix.
 *
 * @param x - Source.
 * @param columns - Indices to keep, in order.
 * @returns A new Float64 matrix.
 */
export function selectColumns(x: Matrix, columns: readonly number[]): Matrix {
  const k = columns.length;
  const data = new Float64Array(x.rows * k);
  for (let r = 0; r < x.rows; r++)
    for (let j = 0; j < k; j++) data[r * k + j] = x.data[r * x.cols + columns[j]];
  return createMatrix(x.rows, k, data);
}

/**
 * Unpenalised logistic regression on some columns, with its deviance.
 *
 * @param train - Full clinical matrix and labels.
 * @param columns - Columns to use (non-empty).
 * @returns The model (on those columns) and its deviance on the training rows.
 */
export function fitLogisticOn(
  train: Dataset,
  columns: readonly number[],
): { model: LogisticModel; deviance: number } {
  const x = selectColumns(train.x, columns);
  const model = fitLogistic({ x, y: train.y }, 0);
  return { model, deviance: binomialDeviance(predictProbaLogistic(model, x), train.y) };
}

/** Deviance of the intercept-only model: every row gets the positive share. */
function nullDeviance(y: Uint8Array): number {
  let positives = 0;
  for (const v of y) positives += v;
  return binomialDeviance(new Float64Array(y.length).fill(positives / y.length), y);
}

/** Raw-unit coefficient of column j of a model fitted on standardized columns. */
function rawCoefficient(model: LogisticModel, j: number): number {
  return model.weights[j] / model.standardizer.scale[j];
}

/**
 * Chooses the clinical model's variables as the 2025 paper describes ("univariate then multivariate
 * analysis"): each variable alone is tested against the intercept-only model by a likelihood-ratio test; those
 * with p < `entry` enter a multivariate logistic regression, from which the variable with the largest
 * likelihood-ratio p-value is removed while that p-value is ≥ `stay` (backward elimination). When no variable
 * enters, or all are removed, the one with the smallest univariate p-value is kept, so the model is never
 * empty.
 *
 * @param train - Clinical columns (CLINICAL_VARIABLES order; any names via `names`) and labels 0/1.
 * @param options - Entry and stay levels.
 * @param names - Column names (default CLINICAL_VARIABLES).
 * @returns The tests, the chosen columns and the steps taken.
 * @throws RoiError `INVALID_DATA` for fewer than two rows of a class; MlError from the fits.
 */
export function selectClinicalVariables(
  train: Dataset,
  options: ClinicalSelectionOptions = {},
  names: readonly string[] = CLINICAL_VARIABLES,
): ClinicalSelection {
  const entry = options.entry ?? 0.1;
  const stay = options.stay ?? 0.05;
  let positives = 0;
  for (const v of train.y) positives += v;
  if (positives < 2 || train.y.length - positives < 2)
    throw new RoiError('INVALID_DATA', 'the clinical model needs at least two training cases of each class');
  const base = nullDeviance(train.y);
  const univariate: VariableTest[] = names.map((variable, j) => {
    const { model, deviance } = fitLogisticOn(train, [j]);
    const coefficient = rawCoefficient(model, 0);
    const lrStatistic = base - deviance;
    return {
      variable,
      coefficient,
      oddsRatio: Math.exp(coefficient),
      lrStatistic,
      pValue: chiSquare1PValue(lrStatistic),
    };
  });
  const steps: string[] = [];
  let kept = univariate.flatMap((t, j) => (t.pValue < entry ? [j] : []));
  steps.push(
    kept.length > 0
      ? `entered (univariate p < ${entry}): ${kept.map((j) => names[j]).join(', ')}`
      : `no variable has univariate p < ${entry}`,
  );
  let multivariate: VariableTest[] = [];
  while (kept.length > 0) {
    multivariate = testEach(train, kept, names);
    let worst = 0;
    for (let k = 1; k < multivariate.length; k++)
      if (multivariate[k].pValue > multivariate[worst].pValue) worst = k;
    if (multivariate[worst].pValue < stay) break;
    steps.push(
      `removed ${names[kept[worst]]} (multivariate p = ${multivariate[worst].pValue.toPrecision(3)} ≥ ${stay})`,
    );
    kept = kept.filter((_, k) => k !== worst);
    multivariate = [];
  }
  if (kept.length === 0) {
    let best = 0;
    for (let j = 1; j < univariate.length; j++) if (univariate[j].pValue < univariate[best].pValue) best = j;
    kept = [best];
    multivariate = testEach(train, kept, names);
    steps.push(`kept ${names[best]} alone (smallest univariate p): the model is never empty`);
  }
  return {
    univariate,
    multivariate,
    selected: kept,
    steps,
    rule: `univariate likelihood-ratio test, p < ${entry} enters; multivariate backward elimination while the largest likelihood-ratio p ≥ ${stay}; if nothing is left, the variable with the smallest univariate p`,
  };
}

/**
 * Likelihood-ratio test of each column of a multivariate model (the model with it against the model
 * without it; a one-variable model is tested against the intercept only).
 */
function testEach(train: Dataset, columns: readonly number[], names: readonly string[]): VariableTest[] {
  const full = fitLogisticOn(train, columns);
  return columns.map((j, k) => {
    const rest = columns.filter((_, i) => i !== k);
    const reduced = rest.length > 0 ? fitLogisticOn(train, rest).deviance : nullDeviance(train.y);
    const lrStatistic = reduced - full.deviance;
    const coefficient = rawCoefficient(full.model, k);
    return {
      variable: names[j],
      coefficient,
      oddsRatio: Math.exp(coefficient),
      lrStatistic,
      pValue: chiSquare1PValue(lrStatistic),
    };
  });
}
