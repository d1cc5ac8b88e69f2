/**
 * Centre-surround (difference of boxes) responses from summed-area tables, O(1) per evaluation,
 * restricted to the pixels of a mask so that air and cut-off tissue do not bias the surround.
 */

/** Summed-area tables of masked values and of the mask, (width + 1) × (height + 1), zero first row/column. */
export interface MaskedIntegral {
  readonly width: number;
  readonly height: number;
  readonly sum: Float64Array;
  readonly count: Float64Array;
}

/**
 * Builds the summed-area tables of `values · mask` and of `mask`.
 *
 * Parameters: `values` – row-major plane `width` × `height`; `mask` – row-major bytes of the same
 * size (non-zero = counted) or null to count every pixel.
 * Returns: the MaskedIntegral.
 */
export function maskedIntegral(
  values: Float32Array,
  mask: Uint8Array | null,
  width: number,
  height: number,
): MaskedIntegral {
  const stride = width + 1;
  const sum = new Float64Array(stride * (height + 1));
  const count = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowCount = 0;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (mask === null || mask[p] !== 0) {
        rowSum += values[p];
        rowCount++;
      }
      const q = (y + 1) * stride + x + 1;
      sum[q] = sum[q - stride] + rowSum;
      count[q] = count[q - stride] + rowCount;
    }
  }
  return { width, height, sum, count };
}

/** Sum and count of the box [x − half, x + half] × [y − half, y + half] cut to the image; writes out[0..1]. */
function boxTotals(table: MaskedIntegral, x: number, y: number, half: number, out: Float64Array): void {
  const { width, height, sum, count } = table;
  const stride = width + 1;
  const xa = Math.max(x - half, 0);
  const ya = Math.max(y - half, 0);
  const xb = Math.min(x + half + 1, width);
  const yb = Math.min(y + half + 1, height);
  const a = ya * stride + xa;
  const b = ya * stride + xb;
  const c = yb * stride + xa;
  const d = yb * stride + xb;
  out[0] = sum[d] - sum[b] - sum[c] + sum[a];
  out[1] = count[d] - count[b] - count[c] + count[a];
}

const inner = new Float64Array(2);
const outer = new Float64Array(2);

/**
 * Centre-surround contrast at (x, y): mean over the masked pixels of the square of half-size
 * `innerHalf` minus the mean over the masked pixels of the square frame between half-sizes
 * `innerHalf` and `outerHalf`.
 *
 * Parameters: `table` – MaskedIntegral; `x`, `y` – integer pixel; `innerHalf` < `outerHalf` – half
 * sizes in pixels; `minCoverage` – least share of each part's pixels that must be masked (and in the
 * image) for the value to count.
 * Returns: the contrast, or NaN when either part is covered less than `minCoverage`.
 */
export function centreSurround(
  table: MaskedIntegral,
  x: number,
  y: number,
  innerHalf: number,
  outerHalf: number,
  minCoverage: number,
): number {
  boxTotals(table, x, y, innerHalf, inner);
  boxTotals(table, x, y, outerHalf, outer);
  const innerArea = (2 * innerHalf + 1) * (2 * innerHalf + 1);
  const frameArea = (2 * outerHalf + 1) * (2 * outerHalf + 1) - innerArea;
  const frameCount = outer[1] - inner[1];
  if (inner[1] < minCoverage * innerArea || frameCount < minCoverage * frameArea) return Number.NaN;
  return inner[0] / inner[1] - (outer[0] - inner[0]) / frameCount;
}
