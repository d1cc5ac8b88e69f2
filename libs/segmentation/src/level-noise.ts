import { medianAndMad, selectKth } from './robust-stats';
import { levelRow, type TileGrid } from './tile-grid';

/**
 * Noise of a filtered plane as a function of the local image level: the robust location (median) and
 * scale (1.4826 · MAD) of the filter output among pixels of similar local level, tabulated over the
 * level. On a mammogram the background of a high-pass filter is not stationary: detector noise grows
 * with attenuation, and the glandular texture is strongest where tissue is part fatty, part dense
 * (the brighter islands of a fatty breast), which a tile grid of a few millimetres cannot follow.
 * Conditioning on the local level follows both at the resolution of the level map, with thousands of
 * pixels behind every entry, so a few bright objects cannot move it.
 */
export interface LevelNoiseModel {
  /** Lowest tabulated level and table step (level units per entry). */
  readonly levelMin: number;
  readonly levelStep: number;
  /** Per table entry: median and robust sigma of the filter output at that level. */
  readonly median: Float32Array;
  readonly sigma: Float32Array;
}

/** Entries of the level table (levels between bin centres are interpolated linearly when it is built). */
const TABLE_SIZE = 512;
/** Buckets of the level histogram that forms the equal-count groups. */
const HISTOGRAM_BUCKETS = 4096;

/**
 * Builds a LevelNoiseModel from the pixels of a plane where `mask` is set.
 *
 * The local level of pixel (x, y) is the grid's median there (`levelRow(levels, y, …, 0)`; e.g. block
 * medians of the image, which small bright objects do not move). Sampled pixels (every `stride`-th in
 * x and y) are cut by level into `bins` groups of about equal count (by a 4096-bucket histogram of the
 * levels, so a group holds whole buckets); each group gives the median and MAD-sigma of `values` and
 * its centre, the level where its running count passes half. The table interpolates linearly between
 * group centres and holds the end groups' values beyond them. Groups of fewer than 16 samples are
 * dropped; with fewer than 16 samples in all the model is flat (median 0, sigma +∞: nothing passes).
 *
 * Parameters: `values` – row-major plane `width` × `height`; `levels` – TileGrid over the same plane
 * whose medians are the local level; `mask` – bytes read as `mask[(y + maskOffsetY) · maskWidth + x +
 * maskOffsetX]`; `bins` – number of level groups (≥ 1); `stride` – sampling step (≥ 1); `minSigma` –
 * floor of every sigma.
 * Returns: the LevelNoiseModel.
 */
export function levelNoiseModel(
  values: Float32Array,
  width: number,
  height: number,
  levels: TileGrid,
  mask: Uint8Array,
  maskWidth: number,
  maskOffsetX: number,
  maskOffsetY: number,
  bins: number,
  stride: number,
  minSigma: number,
): LevelNoiseModel {
  let capacity = 0;
  for (let y = 0; y < height; y += stride) {
    const maskBase = (y + maskOffsetY) * maskWidth + maskOffsetX;
    for (let x = 0; x < width; x += stride) if (mask[maskBase + x] !== 0) capacity++;
  }
  const sampleLevels = new Float32Array(capacity);
  const sampleValues = new Float32Array(capacity);
  const levelRowBuffer = new Float32Array(width);
  let n = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let y = 0; y < height; y += stride) {
    const maskBase = (y + maskOffsetY) * maskWidth + maskOffsetX;
    levelRow(levels, y, width, 0, levelRowBuffer);
    for (let x = 0; x < width; x += stride) {
      if (mask[maskBase + x] === 0) continue;
      const level = levelRowBuffer[x];
      sampleLevels[n] = level;
      sampleValues[n] = values[y * width + x];
      if (level < lo) lo = level;
      if (level > hi) hi = level;
      n++;
    }
  }
  if (n < 16) {
    return {
      levelMin: 0,
      levelStep: 1,
      median: new Float32Array(1),
      sigma: Float32Array.of(Number.POSITIVE_INFINITY),
    };
  }
  // Equal-count groups by a histogram of the levels (a counting sort: O(n), no comparison sort).
  const buckets = HISTOGRAM_BUCKETS;
  const scale = hi > lo ? (buckets - 1) / (hi - lo) : 0;
  const histogram = new Uint32Array(buckets);
  for (let i = 0; i < n; i++) histogram[((sampleLevels[i] - lo) * scale) | 0]++;
  const groups = Math.max(1, Math.min(bins, Math.floor(n / 16)));
  const groupOfBucket = new Uint16Array(buckets);
  const groupCount = new Uint32Array(groups);
  let seen = 0;
  for (let b = 0; b < buckets; b++) {
    const g = Math.min(groups - 1, Math.floor((seen * groups) / n));
    groupOfBucket[b] = g;
    groupCount[g] += histogram[b];
    seen += histogram[b];
  }
  // A group's centre is the level of the bucket where its running count passes half its count.
  const centres = new Float64Array(groups).fill(Number.NaN);
  const running = new Uint32Array(groups);
  for (let b = 0; b < buckets; b++) {
    const g = groupOfBucket[b];
    running[g] += histogram[b];
    if (Number.isNaN(centres[g]) && 2 * running[g] >= groupCount[g] && groupCount[g] > 0) {
      centres[g] = scale > 0 ? lo + b / scale : lo;
    }
  }
  const offsets = new Uint32Array(groups + 1);
  for (let g = 0; g < groups; g++) offsets[g + 1] = offsets[g] + groupCount[g];
  const fill = offsets.slice(0, groups);
  const grouped = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOfBucket[((sampleLevels[i] - lo) * scale) | 0];
    grouped[fill[g]++] = sampleValues[i];
  }
  // Groups left empty (ties in the level) are dropped.
  const keptCentres: number[] = [];
  const keptMedians: number[] = [];
  const keptSigmas: number[] = [];
  for (let g = 0; g < groups; g++) {
    const count = groupCount[g];
    if (count < 16) continue;
    const stats = medianAndMad(grouped.subarray(offsets[g], offsets[g + 1]), count);
    keptCentres.push(centres[g]);
    keptMedians.push(stats.median);
    keptSigmas.push(Math.max(stats.sigma, minSigma));
  }
  return tabulate(keptCentres, keptMedians, keptSigmas);
}

/** Samples per-group statistics at evenly spaced levels, linear between group centres. */
function tabulate(centres: number[], medians: number[], sigmas: number[]): LevelNoiseModel {
  const groups = centres.length;
  const levelMin = centres[0];
  const span = centres[groups - 1] - levelMin;
  const size = span > 0 ? TABLE_SIZE : 1;
  const levelStep = span > 0 ? span / (TABLE_SIZE - 1) : 1;
  const median = new Float32Array(size);
  const sigma = new Float32Array(size);
  let g = 0;
  for (let i = 0; i < size; i++) {
    const level = levelMin + i * levelStep;
    while (g < groups - 2 && centres[g + 1] < level) g++;
    const next = Math.min(g + 1, groups - 1);
    const gap = centres[next] - centres[g];
    const t = gap > 0 ? Math.min(1, Math.max(0, (level - centres[g]) / gap)) : 0;
    median[i] = medians[g] + t * (medians[next] - medians[g]);
    sigma[i] = sigmas[g] + t * (sigmas[next] - sigmas[g]);
  }
  return { levelMin, levelStep, median, sigma };
}

/**
 * Table index of a level (nearest entry, clamped to the table).
 *
 * Parameters: `model` – LevelNoiseModel; `level` – local image level.
 * Returns: an index into `model.median` and `model.sigma`.
 */
export function levelIndex(model: LevelNoiseModel, level: number): number {
  const i = Math.round((level - model.levelMin) / model.levelStep);
  const last = model.median.length - 1;
  return Math.min(last, Math.max(0, i));
}

/**
 * Block medians of a plane as a TileGrid (sigma 0), read back with gridLevelAt / levelRow: a local
 * level that small bright objects (less than half a block) do not move. Same tile layout as
 * robustTileGrid; every pixel counts (no mask: the level of a block at the breast edge mixes in what
 * lies beyond, which only shifts which level group those few pixels are read from).
 *
 * Parameters: `values` – row-major plane `width` × `height`; `blockPx` – block side in pixels (≥ 1);
 * `stride` – sampling step within a block (≥ 1).
 * Returns: the TileGrid of block medians.
 */
export function blockMedianGrid(
  values: Float32Array,
  width: number,
  height: number,
  blockPx: number,
  stride: number,
): TileGrid {
  const cols = Math.max(1, Math.round(width / blockPx));
  const rows = Math.max(1, Math.round(height / blockPx));
  const tileWidth = Math.ceil(width / cols);
  const tileHeight = Math.ceil(height / rows);
  const median = new Float32Array(cols * rows);
  const scratch = new Float32Array(Math.ceil(tileWidth / stride) * Math.ceil(tileHeight / stride));
  for (let ty = 0; ty < rows; ty++) {
    const y0 = ty * tileHeight;
    const y1 = Math.min(y0 + tileHeight, height);
    for (let tx = 0; tx < cols; tx++) {
      const x0 = tx * tileWidth;
      const x1 = Math.min(x0 + tileWidth, width);
      let n = 0;
      for (let y = y0; y < y1; y += stride) {
        const base = y * width;
        for (let x = x0; x < x1; x += stride) scratch[n++] = values[base + x];
      }
      median[ty * cols + tx] = n > 0 ? selectKth(scratch, n, n >> 1) : 0;
    }
  }
  return { cols, rows, tileWidth, tileHeight, median, sigma: new Float32Array(cols * rows) };
}
