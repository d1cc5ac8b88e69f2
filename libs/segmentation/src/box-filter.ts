/**
 * Separable box mean over a (2·rx+1) × (2·ry+1) window, O(1) per pixel (running sums).
 *
 * Near the border the window is cut to the image and the mean is taken over the pixels it still
 * covers, so a constant image stays constant everywhere.
 *
 * Parameters: `src` – row-major plane, `width` × `height`; `rx`, `ry` – window half-sizes in pixels
 * (integers ≥ 0); `out` – optional output plane of the same size (must not be `src`).
 * Returns: the box-mean plane (`out` when given).
 */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  rx: number,
  ry: number,
  out?: Float32Array,
): Float32Array {
  const dst = out ?? new Float32Array(width * height);
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) rowBoxMean(src, rows, y * width, width, rx);
  // Vertical pass: column sums kept for the whole row, so memory is walked row by row.
  columnBoxMean(rows, dst, width, height, ry, false);
  return dst;
}

/**
 * Subtracts the box mean of `src` from `target` in place: target[i] −= mean of `src` over the
 * (2·rx+1) × (2·ry+1) window at i (cut to the image, as in boxMean). Fusing the subtraction saves a
 * full plane of memory on large images.
 *
 * Parameters: `src` – row-major plane `width` × `height`; `target` – plane of the same size (may not
 * be `src`); `rx`, `ry` – half-sizes in pixels; `scratch` – optional plane of the same size for the
 * horizontal pass (allocated when omitted).
 * Returns: `target`.
 */
export function subtractBoxMean(
  src: Float32Array,
  target: Float32Array,
  width: number,
  height: number,
  rx: number,
  ry: number,
  scratch?: Float32Array,
): Float32Array {
  const rows = scratch ?? new Float32Array(width * height);
  for (let y = 0; y < height; y++) rowBoxMean(src, rows, y * width, width, rx);
  columnBoxMean(rows, target, width, height, ry, true);
  return target;
}

/**
 * Running mean of one row over ±r (cut to the row): dst[base + x] = mean of src[base + max(0, x − r)
 * .. base + min(width − 1, x + r)]. The interior, where the window is whole, runs without branches.
 */
function rowBoxMean(src: Float32Array, dst: Float32Array, base: number, width: number, r: number): void {
  let sum = 0;
  const firstEnd = Math.min(r, width - 1);
  for (let k = 0; k <= firstEnd; k++) sum += src[base + k];
  let x = 0;
  // Left edge: nothing leaves the window yet.
  const leftEnd = Math.min(r, width);
  for (; x < leftEnd; x++) {
    const hi = Math.min(x + r, width - 1);
    dst[base + x] = sum / (hi + 1);
    if (x + r + 1 < width) sum += src[base + x + r + 1];
  }
  // Interior: whole windows, one element in and one out.
  const inv = 1 / (2 * r + 1);
  for (; x < width - r - 1; x++) {
    dst[base + x] = sum * inv;
    sum += src[base + x + r + 1] - src[base + x - r];
  }
  // Right edge (and any remainder).
  for (; x < width; x++) {
    const lo = Math.max(x - r, 0);
    const hi = Math.min(x + r, width - 1);
    dst[base + x] = sum / (hi - lo + 1);
    if (x + r + 1 < width) sum += src[base + x + r + 1];
    if (x - r >= 0) sum -= src[base + x - r];
  }
}

/**
 * Vertical running mean of `rows` over ±r (cut to the image), written into `dst` (`subtract` false)
 * or subtracted from it (true). Column sums are kept in doubles for a whole row at a time.
 */
function columnBoxMean(
  rows: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  r: number,
  subtract: boolean,
): void {
  const colSum = new Float64Array(width);
  const firstEnd = Math.min(r, height - 1);
  for (let y = 0; y <= firstEnd; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) colSum[x] += rows[base + x];
  }
  for (let y = 0; y < height; y++) {
    const lo = Math.max(y - r, 0);
    const hi = Math.min(y + r, height - 1);
    const inv = 1 / (hi - lo + 1);
    const base = y * width;
    if (subtract) {
      for (let x = 0; x < width; x++) dst[base + x] -= colSum[x] * inv;
    } else {
      for (let x = 0; x < width; x++) dst[base + x] = colSum[x] * inv;
    }
    const add = y + r + 1;
    const drop = y - r;
    if (add < height && drop >= 0) {
      const addBase = add * width;
      const dropBase = drop * width;
      for (let x = 0; x < width; x++) colSum[x] += rows[addBase + x] - rows[dropBase + x];
    } else if (add < height) {
      const addBase = add * width;
      for (let x = 0; x < width; x++) colSum[x] += rows[addBase + x];
    } else if (drop >= 0) {
      const dropBase = drop * width;
      for (let x = 0; x < width; x++) colSum[x] -= rows[dropBase + x];
    }
  }
}
