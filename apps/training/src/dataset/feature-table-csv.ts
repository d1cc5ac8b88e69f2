/**
 * `--features TABLE.csv --label COLUMN [--split SPLIT.json]`: training on a feature table a user already
 * has. The schema is the header; the split is the user's or a stratified 80/20 one.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  COMBINED_FEATURE_NAMES,
  FEATURE_SCHEMA_HASH,
  MASS_FEATURE_NAMES,
  MC_FEATURE_NAMES,
} from '@calcscope/features';
import { stratifiedTrainTestSplit } from '@calcscope/ml';
import { parseCsv } from './csv';
import { DatasetError, type DatasetProblem } from './errors';
import type { Task } from './labels';
import type { DatasetSplit } from './manifest';
import { readSplitJson, type TrainTestIndices } from './split-json';
import type { FeatureTable } from './tables';

/** Share of each class held out for testing when no SPLIT.json is given. */
export const DEFAULT_TEST_FRACTION = 0.2;

export interface ReadFeatureTableOptions {
  /** The label value that is y = 1 (the CLI's --positive); default: see readFeatureTable. */
  readonly positiveLabel?: string;
  /** Name of the id column (not a feature, may hold text); default: a column named "id", any case. */
  readonly idColumn?: string;
}

/** A feature table read from CSV, with its train/test split. */
export interface LoadedFeatureTable {
  /** scenario 'table'; ids from the id column, else the 0-based row index; split 'train' | 'test' | 'none'. */
  readonly table: FeatureTable;
  readonly split: TrainTestIndices;
  /** 'split-json' when SPLIT.json gave it, 'stratified' when drawn by seed. */
  readonly splitSource: 'split-json' | 'stratified';
  /** The label column's values for y = 1 and y = 0, as written. */
  readonly positiveLabel: string;
  readonly negativeLabel: string;
  /** Columns that were not features: the label column and the id column (when present). */
  readonly nonFeatureColumns: readonly string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** How a cell reads. */
type CellKind = 'number' | 'empty' | 'non-finite' | 'text';

function cellKind(cell: string): CellKind {
  const v = cell.trim();
  if (v === '') return 'empty';
  if (NUMBER.test(v)) return Number.isFinite(Number(v)) ? 'number' : 'non-finite';
  return NON_FINITE.test(v) ? 'non-finite' : 'text';
}

/**
 * Reads a feature table: CSV with a header, one row per lesion.
 *
 * Columns: every column other than the label column and the id column is a feature and must hold only
 * decimal numbers (`12`, `-3.5`, `1e-3`); a column with any other text is an error that names it. Empty,
 * NaN and Inf cells in a feature column are errors with their row numbers. Features keep the header's
 * order; the schema hash is FEATURE_SCHEMA_HASH when the names are exactly the 15 MC, 26 mass or 41
 * combined names of @calcscope/features in schema order (the inference pipeline computes those), else
 * the SHA-256 of the JSON array of the names.
 *
 * Labels: values 0/1, or exactly two distinct strings (trimmed). The positive class (y = 1) is
 * options.positiveLabel when given; else '1' for 0/1, 'malignant' (any case) or 'IDC' (any case) when
 * present; else the lexicographically larger value (JavaScript string order, so 'yes' over 'no'). Empty
 * label cells are errors. Task 'dcis-idc' when the values are DCIS and IDC, else 'malignancy'.
 *
 * Split: SPLIT.json `{"train": [...], "test": [...]}` with 0-based data-row indices (validateSplit);
 * without it, a stratified split holding out round(0.2 · class size) rows of each class, drawn with
 * `seed` (stratifiedTrainTestSplit of @calcscope/ml).
 *
 * Parameters
 * ----------
 * csvPath : the table.
 * labelColumn : the label column's header name.
 * splitJsonPath : SPLIT.json, or null/undefined for the seeded split.
 * seed : seed of the stratified split (unsigned 32-bit).
 * options : positiveLabel, idColumn.
 *
 * Returns the table, the split and the class names.
 *
 * Raises DatasetError INVALID_TABLE with every problem found (row = line number, header = 1): unreadable
 * file, CSV syntax, wrong field count, missing label column, duplicate header names, non-numeric columns,
 * empty/NaN/Inf cells, label values other than two classes, duplicate ids; DatasetError INVALID_SPLIT
 * for a bad SPLIT.json.
 */
export async function readFeatureTable(
  csvPath: string,
  labelColumn: string,
  splitJsonPath: string | null | undefined,
  seed: number,
  options: ReadFeatureTableOptions = {},
): Promise<LoadedFeatureTable> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    throw new DatasetError(
      'INVALID_TABLE',
      `cannot read ${csvPath}: ${error instanceof Error ? error.message : error}`,
    );
  }
  const { records, problems } = parseCsv(text);
  if (records.length < 2) {
    throw new DatasetError('INVALID_TABLE', `${csvPath} has no data rows`, [
      { row: 0, message: 'a header and at least one data row are needed' },
    ]);
  }
  const header = records[0].fields.map((h) => h.trim());
  const headerProblems = headerErrors(header, labelColumn, options.idColumn);
  if (headerProblems.length > 0) {
    throw new DatasetError('INVALID_TABLE', `${csvPath}: bad header`, [...problems, ...headerProblems]);
  }
  const labelIndex = header.indexOf(labelColumn);
  const idName = options.idColumn ?? header.find((h) => h.toLowerCase() === 'id');
  const idIndex = idName === undefined ? -1 : header.indexOf(idName);
  const data = records.slice(1).filter((record) => {
    if (record.fields.length === header.length) return true;
    problems.push({
      row: record.line,
      message: `${record.fields.length} fields, the header has ${header.length}`,
    });
    return false;
  });

  // Classify the columns: features are those with no text cell.
  const featureIndices: number[] = [];
  const textColumns: string[] = [];
  header.forEach((name, c) => {
    if (c === labelIndex || c === idIndex) return;
    const text = data.find((r) => cellKind(r.fields[c]) === 'text');
    if (text) textColumns.push(`${name} (row ${text.line}: '${text.fields[c]}')`);
    else featureIndices.push(c);
  });
  if (textColumns.length > 0) {
    problems.push({
      row: 1,
      message: `non-numeric column(s) that are neither label nor id: ${textColumns.join(', ')}`,
    });
  }
  if (featureIndices.length === 0) problems.push({ row: 1, message: 'no numeric feature column' });
  for (const record of data) {
    for (const c of featureIndices) {
      const kind = cellKind(record.fields[c]);
      if (kind === 'empty') problems.push({ row: record.line, column: header[c], message: 'empty cell' });
      else if (kind === 'non-finite') {
        problems.push({
          row: record.line,
          column: header[c],
          message: `'${record.fields[c].trim()}' is not finite`,
        });
      }
    }
  }

  // Labels.
  const labels = data.map((r) => r.fields[labelIndex].trim());
  data.forEach((record, i) => {
    if (labels[i] === '') problems.push({ row: record.line, column: labelColumn, message: 'empty label' });
  });
  const classes = classNames(
    labels.filter((l) => l !== ''),
    options.positiveLabel,
    labelColumn,
    problems,
  );

  // Ids.
  const ids = data.map((r, i) => (idIndex >= 0 ? r.fields[idIndex].trim() : String(i)));
  if (idIndex >= 0) {
    const first = new Map<string, number>();
    data.forEach((record, i) => {
      const id = ids[i];
      if (id === '') problems.push({ row: record.line, column: header[idIndex], message: 'empty id' });
      else if (first.has(id)) {
        problems.push({
          row: record.line,
          column: header[idIndex],
          message: `duplicate id '${id}' (first on row ${first.get(id)})`,
        });
      } else first.set(id, record.line);
    });
  }
  if (problems.length > 0 || !classes) {
    problems.sort((a, b) => a.row - b.row);
    throw new DatasetError(
      'INVALID_TABLE',
      `${csvPath}: ${problems.length} problem(s); nothing was trained`,
      problems,
    );
  }

  const n = data.length;
  const p = featureIndices.length;
  const x = new Float64Array(n * p);
  const y = new Uint8Array(n);
  data.forEach((record, i) => {
    featureIndices.forEach((c, k) => {
      x[i * p + k] = Number(record.fields[c].trim());
    });
    y[i] = labels[i] === classes.positive ? 1 : 0;
  });
  const split = splitJsonPath
    ? await readSplitJson(splitJsonPath, n, y)
    : stratifiedTrainTestSplit(y, DEFAULT_TEST_FRACTION, seed);
  const splitOf = new Array<DatasetSplit>(n).fill('none');
  for (const i of split.train) splitOf[i] = 'train';
  for (const i of split.test) splitOf[i] = 'test';
  const featureNames = featureIndices.map((c) => header[c]);
  const task: Task =
    classes.positive.toLowerCase() === 'idc' && classes.negative.toLowerCase() === 'dcis'
      ? 'dcis-idc'
      : 'malignancy';
  return {
    table: {
      scenario: 'table',
      task,
      positiveClass: classes.positive,
      negativeClass: classes.negative,
      featureNames,
      schemaHash: tableSchemaHash(featureNames),
      rows: n,
      x,
      y,
      ids,
      split: splitOf,
    },
    split,
    splitSource: splitJsonPath ? 'split-json' : 'stratified',
    positiveLabel: classes.positive,
    negativeLabel: classes.negative,
    nonFeatureColumns: idIndex >= 0 ? [labelColumn, header[idIndex]] : [labelColumn],
  };
}

/**
 * The schema hash of a table's feature names: FEATURE_SCHEMA_HASH when they are exactly MC_FEATURE_NAMES,
 * MASS_FEATURE_NAMES or COMBINED_FEATURE_NAMES (in order), else the SHA-256 (hex) of JSON.stringify(names).
 */
export function tableSchemaHash(names: readonly string[]): string {
  const same = (known: readonly string[]) =>
    known.length === names.length && known.every((n, k) => n === names[k]);
  if (same(MC_FEATURE_NAMES) || same(MASS_FEATURE_NAMES) || same(COMBINED_FEATURE_NAMES))
    return FEATURE_SCHEMA_HASH;
  return createHash('sha256').update(JSON.stringify(names)).digest('hex');
}

function headerErrors(
  header: readonly string[],
  labelColumn: string,
  idColumn: string | undefined,
): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') problems.push({ row: 1, message: 'a column has an empty name' });
    else if (seen.has(name))
      problems.push({ row: 1, column: name, message: `column '${name}' appears twice` });
    seen.add(name);
  }
  if (!seen.has(labelColumn)) {
    problems.push({
      row: 1,
      message: `label column '${labelColumn}' is not in the header (${header.join(', ')})`,
    });
  }
  if (idColumn !== undefined && !seen.has(idColumn)) {
    problems.push({ row: 1, message: `id column '${idColumn}' is not in the header` });
  }
  if (idColumn !== undefined && idColumn === labelColumn) {
    problems.push({ row: 1, message: 'the id column cannot be the label column' });
  }
  return problems;
}

/** The two class names and which is positive (see readFeatureTable); null with problems otherwise. */
function classNames(
  labels: readonly string[],
  positiveLabel: string | undefined,
  column: string,
  problems: DatasetProblem[],
): { positive: string; negative: string } | null {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const values = [...counts.keys()].sort();
  if (values.length !== 2) {
    const listed = values.map((v) => `'${v}' × ${counts.get(v)}`).join(', ');
    problems.push({
      row: 1,
      column,
      message: `label column must hold exactly two classes, found ${values.length}${listed ? `: ${listed}` : ''}`,
    });
    return null;
  }
  let positive: string | undefined;
  if (positiveLabel !== undefined) {
    positive = values.find((v) => v === positiveLabel.trim());
    if (positive === undefined) {
      problems.push({
        row: 1,
        column,
        message: `positive label '${positiveLabel}' is not one of '${values.join("', '")}'`,
      });
      return null;
    }
  } else {
    positive =
      (values[0] === '0' && values[1] === '1' ? '1' : undefined) ??
      values.find((v) => v.toLowerCase() === 'malignant') ??
      values.find((v) => v.toLowerCase() === 'idc') ??
      values[1];
  }
  return { positive, negative: values.find((v) => v !== positive)! };
}
