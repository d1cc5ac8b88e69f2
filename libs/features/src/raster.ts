/** Regions as row runs: the working form of the shape, distance and texture computations. */
import type { GrayImage, Region } from '@calcscope/imaging';
import { FeatureError } from './errors';

/**
 * A region as horizontal runs, row by row: row r (image row y0 + r) holds the runs k with
 * rowStart[r] ≤ k < rowStart[r + 1], each covering image columns starts[k] ≤ x < ends[k], left to right.
 */
export interface RowRuns {
  readonly y0: number;
  readonly rows: number;
  readonly rowStart: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly pixelCount: number;
  /** Leftmost and rightmost column over all rows. */
  readonly x0: number;
  readonly x1: number;
}

/**
 * The runs of a region, built in one pass over its indices (sorted and de-duplicated first when they are
 * not strictly increasing, as the Region contract asks).
 *
 * Raises FeatureError EMPTY_REGION, REGION_OUT_OF_BOUNDS.
 */
export function regionRuns(region: Region, image: Pick<GrayImage, 'width' | 'height'>): RowRuns {
  const { width, height } = image;
  let indices = region.indices;
  const n = indices.length;
  if (n === 0) throw new FeatureError('EMPTY_REGION', 'the region has no pixel');
  for (let k = 1; k < n; k++) {
    if (indices[k] <= indices[k - 1]) {
      indices = Int32Array.from(new Set(indices)).sort();
      break;
    }
  }
  const first = indices[0];
  const last = indices[indices.length - 1];
  if (!(first >= 0 && last < width * height)) {
    const bad = first < 0 ? first : last;
    throw new FeatureError(
      'REGION_OUT_OF_BOUNDS',
      `pixel index ${bad} is outside the ${width} × ${height} image`,
    );
  }
  const y0 = (first / width) | 0;
  const rows = ((last / width) | 0) - y0 + 1;
  const rowStart = new Int32Array(rows + 1);
  const starts = new Int32Array(indices.length);
  const ends = new Int32Array(indices.length);
  let runs = 0;
  let row = -1;
  let x0 = width;
  let x1 = -1;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const y = (i / width) | 0;
    const x = i - y * width;
    if (y - y0 !== row || x !== ends[runs - 1]) {
      // A new run; rows without pixels get empty run ranges.
      while (row < y - y0) rowStart[++row] = runs;
      starts[runs] = x;
      ends[runs] = x + 1;
      runs++;
      if (x < x0) x0 = x;
    } else {
      ends[runs - 1] = x + 1;
    }
    if (x > x1) x1 = x;
  }
  while (row < rows) rowStart[++row] = runs;
  return { y0, rows, rowStart, starts, ends, pixelCount: indices.length, x0, x1 };
}
