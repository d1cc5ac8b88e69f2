import type { FeatureTable } from '../dataset';

/**
 * The fields of a scenario's `FeatureTable` (from `apps/training/src/dataset`) that training and reporting
 * read: `scenario` (`mc`, `mass`, `combined` or `table`), `featureNames` (p, column order), `schemaHash`,
 * `rows` (n), `x` (n × p row-major), `y` (1 = positive), `ids` and `split` (rows with `train` train, rows
 * with `test` test, other splits are counted and left out).
 */
export type FeatureTableLike = Pick<
  FeatureTable,
  'scenario' | 'featureNames' | 'schemaHash' | 'rows' | 'x' | 'y' | 'ids' | 'split'
>;
