import { MlError } from './errors';

/**
 * A dense row-major matrix: element (r, c) is `data[r * cols + c]`.
 *
 * Rows are samples, columns are features. Float32 data (e.g. straight from an ONNX tensor) is accepted
 * everywhere as input; everything this library computes is Float64.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array | Float32Array;
}

/** A labelled design matrix: `y[r]` is 1 (positive, malignant) or 0 for row r of `x`. */
export interface Dataset {
  readonly x: Matrix;
  readonly y: Uint8Array;
}

/**
 * Wraps (or allocates) row-major data as a `Matrix`.
 *
 * @param rows - number of rows (≥ 0, integer).
 * @param cols - number of columns (≥ 0, integer).
 * @param data - `rows * cols` values; omitted → a new zero-filled Float64Array. Not copied.
 * @returns the matrix.
 * @throws MlError `SHAPE_MISMATCH` when `data.length !== rows * cols` or a size is not a non-negative integer.
 */
export function createMatrix(rows: number, cols: number, data?: Float64Array | Float32Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new MlError('SHAPE_MISMATCH', `matrix size ${rows}×${cols} is not a pair of non-negative integers`);
  }
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) {
    throw new MlError('SHAPE_MISMATCH', `matrix data has ${values.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data: values };
}

/**
 * Builds a Float64 matrix from an array of equally long rows (convenient in tests and CSV readers).
 *
 * @param rowArrays - the rows; all must have the same length.
 * @returns a new matrix (0×0 for an empty array).
 * @throws MlError `SHAPE_MISMATCH` for ragged rows.
 */
export function matrixFromRows(rowArrays: readonly (readonly number[])[]): Matrix {
  const rows = rowArrays.length;
  const cols = rows === 0 ? 0 : rowArrays[0].length;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = rowArrays[r];
    if (row.length !== cols)
      throw new MlError('SHAPE_MISMATCH', `row ${r} has ${row.length} values, expected ${cols}`);
    data.set(row, r * cols);
  }
  return { rows, cols, data };
}

/**
 * Copies the listed rows, in the listed order, into a new Float64 matrix.
 *
 * @param m - source matrix.
 * @param indices - row indices (each in [0, m.rows)); repeats allowed.
 * @returns a new `indices.length × m.cols` matrix.
 * @throws MlError `SHAPE_MISMATCH` for an index out of range.
 */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const { cols } = m;
  const out = new Float64Array(indices.length * cols);
  for (let k = 0; k < indices.length; k++) {
    const r = indices[k];
    if (!(r >= 0 && r < m.rows)) throw new MlError('SHAPE_MISMATCH', `row index ${r} outside [0, ${m.rows})`);
    const src = r * cols;
    const dst = k * cols;
    for (let c = 0; c < cols; c++) out[dst + c] = m.data[src + c];
  }
  return { rows: indices.length, cols, data: out };
}

/**
 * Copies the listed columns, in the listed order, into a new Float64 matrix (feature selection).
 *
 * @param m - source matrix.
 * @param columns - column indices (each in [0, m.cols)).
 * @returns a new `m.rows × columns.length` matrix.
 * @throws MlError `SHAPE_MISMATCH` for an index out of range.
 */
export function selectColumns(m: Matrix, columns: ArrayLike<number>): Matrix {
  const width = columns.length;
  for (let k = 0; k < width; k++) {
    const c = columns[k];
    if (!(c >= 0 && c < m.cols))
      throw new MlError('SHAPE_MISMATCH', `column index ${c} outside [0, ${m.cols})`);
  }
  const out = new Float64Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    const src = r * m.cols;
    for (let k = 0; k < width; k++) out[r * width + k] = m.data[src + columns[k]];
  }
  return { rows: m.rows, cols: width, data: out };
}

/**
 * Selects rows of a dataset (features and labels together).
 *
 * @param d - source dataset.
 * @param indices - row indices.
 * @returns a new dataset holding copies of those rows.
 */
export function selectDatasetRows(d: Dataset, indices: ArrayLike<number>): Dataset {
  const y = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) y[k] = d.y[indices[k]];
  return { x: selectRows(d.x, indices), y };
}

/**
 * Checks that `y` holds only 0/1 and, optionally, that its length matches `rows`.
 *
 * @param y - labels.
 * @param rows - expected length, or undefined to skip that check.
 * @param what - name used in error messages.
 * @returns counts of positives and negatives.
 * @throws MlError `SHAPE_MISMATCH` (length) or `INVALID_LABEL`.
 */
export function checkLabels(
  y: ArrayLike<number>,
  rows?: number,
  what = 'labels',
): { positives: number; negatives: number } {
  if (rows !== undefined && y.length !== rows) {
    throw new MlError('SHAPE_MISMATCH', `${what} has ${y.length} entries, expected ${rows}`);
  }
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 1) positives++;
    else if (v !== 0) throw new MlError('INVALID_LABEL', `${what}[${i}] = ${v} is not 0 or 1`);
  }
  return { positives, negatives: y.length - positives };
}

/**
 * Validates a training dataset: consistent shapes, 0/1 labels, finite features, both classes present.
 *
 * @param d - the dataset.
 * @param minPerClass - minimum rows of each class (default 1).
 * @returns class counts.
 * @throws MlError `SHAPE_MISMATCH`, `INVALID_LABEL`, `NON_FINITE` or `SINGLE_CLASS`.
 */
export function checkTrainingSet(d: Dataset, minPerClass = 1): { positives: number; negatives: number } {
  const counts = checkLabels(d.y, d.x.rows);
  checkFinite(d.x, 'training features');
  if (counts.positives < minPerClass || counts.negatives < minPerClass) {
    throw new MlError(
      'SINGLE_CLASS',
      `training set has ${counts.positives} positive and ${counts.negatives} negative rows; need ≥ ${minPerClass} of each`,
    );
  }
  return counts;
}

/**
 * Throws when a matrix holds NaN or ±Infinity.
 *
 * @param m - the matrix.
 * @param what - name used in the error message.
 * @throws MlError `NON_FINITE` naming the first bad row and column.
 */
export function checkFinite(m: Matrix, what = 'features'): void {
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new MlError(
        'NON_FINITE',
        `${what}: row ${Math.floor(i / cols)}, column ${i % cols} is ${data[i]}`,
      );
    }
  }
}
