import { MlError } from '../core/errors';
import type { Matrix } from '../core/matrix';

/**
 * Column access to a symmetric n × n kernel matrix K, as the SMO solver needs it.
 *
 * `column(i)` returns K[·, i]; the array may be a view into shared storage and is only guaranteed valid
 * until `column` has been called twice more (the solver holds at most two columns at a time).
 */
export interface KernelColumns {
  readonly size: number;
  diagonal(i: number): number;
  column(i: number): Float64Array;
}

/**
 * Pairwise squared Euclidean distances of the rows of x, by explicit differences (no |a|²+|b|²−2a·b
 * cancellation, so duplicates give exactly 0).
 *
 * @param x - n × p matrix.
 * @returns symmetric n × n row-major Float64Array with zero diagonal.
 */
export function squaredDistanceMatrix(x: Matrix): Float64Array {
  const { rows: n, cols: p, data } = x;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * p;
    for (let j = i + 1; j < n; j++) {
      const oj = j * p;
      let s = 0;
      for (let c = 0; c < p; c++) {
        const d = data[oi + c] - data[oj + c];
        s += d * d;
      }
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * Squared distances between every row of `a` and every row of `b`.
 *
 * @param a - m × p matrix.
 * @param b - n × p matrix.
 * @returns m × n row-major Float64Array; entry (i, j) = ‖aᵢ − bⱼ‖².
 * @throws MlError `SHAPE_MISMATCH` when the column counts differ.
 */
export function crossSquaredDistances(a: Matrix, b: Matrix): Float64Array {
  if (a.cols !== b.cols) throw new MlError('SHAPE_MISMATCH', `${a.cols} vs ${b.cols} columns`);
  const p = a.cols;
  const out = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    const oi = i * p;
    for (let j = 0; j < b.rows; j++) {
      const oj = j * p;
      let s = 0;
      for (let c = 0; c < p; c++) {
        const d = a.data[oi + c] - b.data[oj + c];
        s += d * d;
      }
      out[i * b.rows + j] = s;
    }
  }
  return out;
}

/**
 * The RBF kernel exp(−γ d²) applied element-wise to squared distances.
 *
 * @param squaredDistances - any array of d² values.
 * @param gamma - kernel width γ > 0 (in 1 / squared standardized units).
 * @param out - optional output of the same length (may be the input itself).
 * @returns `out` (or a new array) holding the kernel values.
 */
export function rbfFromSquaredDistances(
  squaredDistances: Float64Array,
  gamma: number,
  out?: Float64Array,
): Float64Array {
  const result = out ?? new Float64Array(squaredDistances.length);
  for (let i = 0; i < squaredDistances.length; i++) result[i] = Math.exp(-gamma * squaredDistances[i]);
  return result;
}

/**
 * Copies the rows and columns `indices` of a square row-major matrix (e.g. a fold's training kernel).
 *
 * @param full - N × N row-major matrix.
 * @param size - N.
 * @param indices - the m rows/columns to keep, in order.
 * @returns m × m row-major Float64Array.
 */
export function squareSubmatrix(full: Float64Array, size: number, indices: ArrayLike<number>): Float64Array {
  const m = indices.length;
  const out = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const src = indices[a] * size;
    const dst = a * m;
    for (let b = 0; b < m; b++) out[dst + b] = full[src + indices[b]];
  }
  return out;
}

/** A fully precomputed kernel matrix (n² doubles: 8 MB at n = 1,000); columns are views, no copying. */
export class PrecomputedKernel implements KernelColumns {
  readonly size: number;
  private readonly matrix: Float64Array;

  /**
   * @param matrix - symmetric n × n row-major kernel matrix (kept, not copied).
   * @param size - n.
   * @throws MlError `SHAPE_MISMATCH` when matrix.length ≠ n².
   */
  constructor(matrix: Float64Array, size: number) {
    if (matrix.length !== size * size)
      throw new MlError('SHAPE_MISMATCH', `kernel has ${matrix.length} entries, expected ${size}²`);
    this.matrix = matrix;
    this.size = size;
  }

  diagonal(i: number): number {
    return this.matrix[i * this.size + i];
  }

  column(i: number): Float64Array {
    // Symmetric: row i is column i.
    return this.matrix.subarray(i * this.size, (i + 1) * this.size);
  }
}

/**
 * RBF kernel columns computed on demand and kept in a least-recently-used cache of `capacity` columns
 * (LIBSVM's kernel cache), for training sets too large to precompute (n² doubles).
 */
export class RbfKernelCache implements KernelColumns {
  readonly size: number;
  private readonly x: Matrix;
  private readonly gamma: number;
  private readonly capacity: number;
  private readonly slots: Float64Array[] = [];
  private readonly slotOfColumn: Int32Array;
  private readonly columnOfSlot: Int32Array;
  private readonly lastUse: Float64Array;
  private clock = 0;
  /** Number of columns computed (cache misses); for tests and tuning. */
  misses = 0;

  /**
   * @param x - n × p training matrix (standardized), kept by reference.
   * @param gamma - RBF γ > 0.
   * @param capacity - columns to keep (≥ 2); memory is capacity × n doubles.
   * @throws MlError `INVALID_OPTION` for capacity < 2.
   */
  constructor(x: Matrix, gamma: number, capacity: number) {
    if (!(capacity >= 2))
      throw new MlError('INVALID_OPTION', `kernel cache capacity ${capacity} < 2 columns`);
    this.x = x;
    this.size = x.rows;
    this.gamma = gamma;
    this.capacity = Math.min(Math.floor(capacity), x.rows);
    this.slotOfColumn = new Int32Array(x.rows).fill(-1);
    this.columnOfSlot = new Int32Array(this.capacity).fill(-1);
    this.lastUse = new Float64Array(this.capacity);
  }

  diagonal(): number {
    return 1;
  }

  column(i: number): Float64Array {
    this.clock++;
    const cached = this.slotOfColumn[i];
    if (cached >= 0) {
      this.lastUse[cached] = this.clock;
      return this.slots[cached];
    }
    this.misses++;
    let slot: number;
    if (this.slots.length < this.capacity) {
      slot = this.slots.length;
      this.slots.push(new Float64Array(this.size));
    } else {
      slot = 0;
      for (let s = 1; s < this.capacity; s++) if (this.lastUse[s] < this.lastUse[slot]) slot = s;
      this.slotOfColumn[this.columnOfSlot[slot]] = -1;
    }
    this.fillColumn(i, this.slots[slot]);
    this.slotOfColumn[i] = slot;
    this.columnOfSlot[slot] = i;
    this.lastUse[slot] = this.clock;
    return this.slots[slot];
  }

  private fillColumn(i: number, out: Float64Array): void {
    const { cols: p, data } = this.x;
    const oi = i * p;
    for (let j = 0; j < this.size; j++) {
      const oj = j * p;
      let s = 0;
      for (let c = 0; c < p; c++) {
        const d = data[oi + c] - data[oj + c];
        s += d * d;
      }
      out[j] = Math.exp(-this.gamma * s);
    }
  }
}
