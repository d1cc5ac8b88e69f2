import type { ModelFamily } from '../train/types';

const MODEL_NAMES: Readonly<Record<ModelFamily, string>> = {
  sae: 'SAE',
  svm: 'SVM',
  knn: 'KNN',
  lda: 'LDA',
  logistic: 'L1 logistic',
};

/**
 * How a model family is named in tables and legends (the paper's abbreviations).
 *
 * @param family - the family.
 * @returns e.g. `SAE`, `SVM`, `L1 logistic`.
 */
export function modelName(family: ModelFamily): string {
  return MODEL_NAMES[family] ?? family;
}

/**
 * A scenario's title: the paper's feature groups for `mc` / `mass` / `combined` (also `mc15`, `mass26`,
 * `combined41`), `Feature table` for `table`, else the name itself; with the feature count.
 *
 * @param scenario - scenario name; featureCount - p.
 * @returns e.g. `Microcalcification features (15)`.
 */
export function scenarioTitle(scenario: string, featureCount: number): string {
  const base = scenario.replace(/\d+$/, '');
  const titles: Readonly<Record<string, string>> = {
    mc: 'Microcalcification features',
    mass: 'Mass features',
    combined: 'Combined MC + mass features',
    table: 'Feature table',
  };
  return `${titles[base] ?? `Scenario ${scenario}`} (${featureCount})`;
}

/**
 * A scenario name made safe for a file name: letters, digits, `-` and `_` kept, anything else `_`.
 *
 * @param scenario - scenario name.
 * @returns e.g. `combined`.
 */
export function scenarioFileStem(scenario: string): string {
  return scenario.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}
