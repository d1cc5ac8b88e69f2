import { medianAndMad } from './robust-stats';

/**
 * Robust local statistics of a plane on a grid of square tiles, to be read back anywhere by bilinear
 * interpolation between tile centres: a local background level (median) and a local noise level
 * (1.4826 · MAD) that a few bright objects per tile do not move.
 */
export interface TileGrid {
  /** Tiles across and down. */
  readonly cols: number;
  readonly rows: number;
  /** Tile size in pixels (the last tile of a row/column may be smaller). */
  readonly tileWidth: number;
  readonly tileHeight: number;
  /** Per-tile median, row-major cols × rows. */
  readonly median: Float32Array;
  /** Per-tile robust standard deviation, row-major cols × rows. */
  readonly sigma: Float32Array;
}

/**
 * Computes per-tile median and MAD-sigma of `values` over the pixels where `mask` is set.
 *
 * Tiles with fewer than `minFraction` of their pixels in the mask take the values of the nearest valid
 * tiles (repeated 4-neighbour averaging), so every tile has a value; if no tile is valid, all take
 * the statistics of every masked pixel, and with an empty mask median 0 and sigma +∞ (nothing passes
 * a threshold). Pixels are sampled every `stride` pixels in x and y.
 *
 * Parameters: `values` – row-major plane `width` × `height`; `mask` – row-major bytes of the same
 * layout read as `mask[(y + maskOffsetY) · maskWidth + x + maskOffsetX]` (non-zero = use), so a crop
 * can read a full-image mask; `tilePx` – tile side in pixels (≥ 4); `stride` – sampling step ≥ 1;
 * `minFraction` – share of masked pixels a tile needs to count as valid; `minSigma` – floor of the
 * sigma (a noiseless or quantised tile would otherwise have sigma 0 and let anything pass).
 * Returns: the TileGrid.
 */
export function robustTileGrid(
  values: Float32Array,
  width: number,
  height: number,
  mask: Uint8Array,
  maskWidth: number,
  maskOffsetX: number,
  maskOffsetY: number,
  tilePx: number,
  stride: number,
  minFraction: number,
  minSigma = 0,
): TileGrid {
  const cols = Math.max(1, Math.round(width / tilePx));
  const rows = Math.max(1, Math.round(height / tilePx));
  const tileWidth = Math.ceil(width / cols);
  const tileHeight = Math.ceil(height / rows);
  const median = new Float32Array(cols * rows);
  const sigma = new Float32Array(cols * rows);
  const valid = new Uint8Array(cols * rows);
  const scratch = new Float32Array(Math.ceil(tileWidth / stride) * Math.ceil(tileHeight / stride));
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      const x0 = tx * tileWidth;
      const y0 = ty * tileHeight;
      const x1 = Math.min(x0 + tileWidth, width);
      const y1 = Math.min(y0 + tileHeight, height);
      let n = 0;
      let total = 0;
      for (let y = y0; y < y1; y += stride) {
        const base = y * width;
        const maskBase = (y + maskOffsetY) * maskWidth + maskOffsetX;
        for (let x = x0; x < x1; x += stride) {
          total++;
          if (mask[maskBase + x] !== 0) scratch[n++] = values[base + x];
        }
      }
      const t = ty * cols + tx;
      if (n >= 16 && n >= minFraction * total) {
        const stats = medianAndMad(scratch, n);
        median[t] = stats.median;
        sigma[t] = Math.max(stats.sigma, minSigma);
        valid[t] = 1;
      }
    }
  }
  fillInvalidTiles(
    median,
    sigma,
    valid,
    cols,
    rows,
    values,
    width,
    height,
    mask,
    maskWidth,
    maskOffsetX,
    maskOffsetY,
    minSigma,
  );
  return { cols, rows, tileWidth, tileHeight, median, sigma };
}

/** Gives invalid tiles the mean of their valid 4-neighbours, ring after ring; see robustTileGrid. */
function fillInvalidTiles(
  median: Float32Array,
  sigma: Float32Array,
  valid: Uint8Array,
  cols: number,
  rows: number,
  values: Float32Array,
  width: number,
  height: number,
  mask: Uint8Array,
  maskWidth: number,
  maskOffsetX: number,
  maskOffsetY: number,
  minSigma: number,
): void {
  let anyValid = false;
  for (let t = 0; t < valid.length; t++) if (valid[t]) anyValid = true;
  if (!anyValid) {
    const sample: number[] = [];
    for (let y = 0; y < height; y++) {
      const maskBase = (y + maskOffsetY) * maskWidth + maskOffsetX;
      for (let x = 0; x < width; x++) if (mask[maskBase + x] !== 0) sample.push(values[y * width + x]);
    }
    const stats =
      sample.length > 0
        ? medianAndMad(Float32Array.from(sample), sample.length)
        : { median: 0, sigma: Number.POSITIVE_INFINITY };
    median.fill(stats.median);
    sigma.fill(Math.max(stats.sigma, minSigma));
    return;
  }
  const next = new Uint8Array(valid.length);
  let missing = true;
  while (missing) {
    missing = false;
    next.set(valid);
    for (let ty = 0; ty < rows; ty++) {
      for (let tx = 0; tx < cols; tx++) {
        const t = ty * cols + tx;
        if (valid[t]) continue;
        let n = 0;
        let m = 0;
        let s = 0;
        const neighbours = [tx > 0 ? t - 1 : -1, tx < cols - 1 ? t + 1 : -1, ty > 0 ? t - cols : -1];
        neighbours.push(ty < rows - 1 ? t + cols : -1);
        for (const u of neighbours) {
          if (u >= 0 && valid[u]) {
            n++;
            m += median[u];
            s += sigma[u];
          }
        }
        if (n > 0) {
          median[t] = m / n;
          sigma[t] = s / n;
          next[t] = 1;
        } else {
          missing = true;
        }
      }
    }
    valid.set(next);
  }
}

/**
 * The grid's `median + k · sigma` at one pixel, interpolated bilinearly between tile centres as in
 * levelRow (no allocation: it is called per visited pixel by region growing).
 *
 * Parameters: `grid` – the TileGrid; `x`, `y` – pixel coordinates in the plane the grid was built on;
 * `k` – multiple of sigma to add (0 gives the median).
 * Returns: the interpolated level.
 */
export function gridLevelAt(grid: TileGrid, x: number, y: number, k: number): number {
  const { cols, rows, tileWidth, tileHeight, median, sigma } = grid;
  let u = (x + 0.5) / tileWidth - 0.5;
  let v = (y + 0.5) / tileHeight - 0.5;
  if (u < 0) u = 0;
  else if (u > cols - 1) u = cols - 1;
  if (v < 0) v = 0;
  else if (v > rows - 1) v = rows - 1;
  const c0 = Math.floor(u);
  const r0 = Math.floor(v);
  const c1 = c0 + 1 < cols ? c0 + 1 : c0;
  const r1 = r0 + 1 < rows ? r0 + 1 : r0;
  const fu = u - c0;
  const fv = v - r0;
  const i00 = r0 * cols + c0;
  const i01 = r0 * cols + c1;
  const i10 = r1 * cols + c0;
  const i11 = r1 * cols + c1;
  const l00 = median[i00] + k * sigma[i00];
  const l01 = median[i01] + k * sigma[i01];
  const l10 = median[i10] + k * sigma[i10];
  const l11 = median[i11] + k * sigma[i11];
  const top = l00 + fu * (l01 - l00);
  const bottom = l10 + fu * (l11 - l10);
  return top + fv * (bottom - top);
}

/**
 * Fills `out` (length ≥ width) with the grid's `median + k · sigma` along row `y`, bilinear between
 * tile centres and constant beyond the outermost ones.
 *
 * Parameters: `grid` – the TileGrid; `y` – the row; `width` – the plane width the grid was built on;
 * `k` – multiple of sigma; `out` – destination row.
 */
export function levelRow(grid: TileGrid, y: number, width: number, k: number, out: Float32Array): void {
  const { cols, rows, tileWidth, tileHeight, median, sigma } = grid;
  let v = (y + 0.5) / tileHeight - 0.5;
  if (v < 0) v = 0;
  else if (v > rows - 1) v = rows - 1;
  const r0 = Math.floor(v);
  const r1 = r0 + 1 < rows ? r0 + 1 : r0;
  const fv = v - r0;
  // Level at each tile centre of this row, then linear between centres along x.
  let prevCentre = -1;
  let prevLevel = 0;
  for (let c = 0; c < cols; c++) {
    const a = r0 * cols + c;
    const b = r1 * cols + c;
    const top = median[a] + k * sigma[a];
    const bottom = median[b] + k * sigma[b];
    const level = top + fv * (bottom - top);
    const centre = Math.min(width - 1, Math.floor((c + 0.5) * tileWidth - 0.5));
    if (c === 0) {
      for (let x = 0; x <= centre; x++) out[x] = level;
    } else {
      const step = (level - prevLevel) / (centre - prevCentre);
      for (let x = prevCentre + 1; x <= centre; x++) {
        out[x] = prevLevel + (x - prevCentre) * step;
      }
    }
    prevCentre = centre;
    prevLevel = level;
  }
  for (let x = prevCentre + 1; x < width; x++) out[x] = prevLevel;
}
