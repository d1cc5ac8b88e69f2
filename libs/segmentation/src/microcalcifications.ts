import { type GrayImage, regionFromIndices } from '@calcscope/imaging';
import { subtractBoxMean } from './box-filter';
import { segmentBreast } from './breast-mask';
import { DetectionNoise } from './detection-noise';
import { SegmentationError } from './errors';
import { gaussianBlur } from './gaussian';
import { blockMedianGrid, levelNoiseModel } from './level-noise';
import { selectKth } from './robust-stats';
import { robustTileGrid, type TileGrid } from './tile-grid';
import type { BreastMask, Microcalcification } from './types';
import { assertValidImage, checkedOption } from './validate';

/** Options of detectMicrocalcifications; every length is in millimetres. */
export interface McDetectionOptions {
  /** A breast mask already computed for this image (segmentBreast); computed when omitted. */
  readonly breast?: BreastMask;
  /** Standard deviation of the Gaussian of the detection filter (the MC template), mm. Default 0.05. */
  readonly templateSigmaMm?: number;
  /** Half-size of the box whose mean is the local background of the detection filter, mm. Default 0.3. */
  readonly backgroundHalfSizeMm?: number;
  /** Side of the tiles the local background and noise are estimated on, mm. Default 3. */
  readonly noiseTileMm?: number;
  /** Seed threshold: local contrast-to-noise ratio a candidate's peak must reach. Default 3.6. */
  readonly seedCnr?: number;
  /** Growing threshold of the hysteresis: CNR a pixel needs to join a candidate. Default 2.5. */
  readonly growCnr?: number;
  /** Candidates whose equivalent diameter exceeds this are not MCs and are dropped, mm. Default 1.5. */
  readonly maxDiameterMm?: number;
  /** Candidates whose equivalent diameter is below this are dropped, mm. Default 0. */
  readonly minDiameterMm?: number;
  /**
   * A grown component longer than this (bounding-box side) is a linear or large structure, not a set
   * of MCs, and is dropped whole, mm. Default 4.
   */
  readonly maxComponentExtentMm?: number;
  /**
   * Isolation test: the MC's core must stand above the 75th percentile of the image on a ring just
   * outside it by this fraction of its contrast. Rejects the rims of larger bright objects (masses,
   * spicules, tissue edges), which continue into equally bright tissue on one side. Default 0.5
   * (0 disables the test).
   */
  readonly isolationFraction?: number;
  /** Gap between the candidate's extent and the background ring, and the ring's width, mm. Default 0.3. */
  readonly ringGapMm?: number;
  /**
   * Side of the blocks whose medians give the local image level of the level noise model, mm
   * (see DetectionNoise). Default 0.7.
   */
  readonly levelBlockMm?: number;
  /** Number of level groups of the level noise model; 0 turns the model off. Default 24. */
  readonly levelBins?: number;
}

/**
 * Default seed CNR. 3.6 since the phantom's anatomy was smoothed at 0.15 mm (phantom 1.1.0): on the
 * tuning phantoms (seeds 1001–1003) it finds 2.5–3 points more MCs ≥ 0.2 mm than 4 did, at about 65
 * instead of 18 false MCs per 1024² image, which the cluster rules keep out of clusters.
 */
export const DEFAULT_SEED_CNR = 3.6;

/** Resolved options, lengths in mm. */
interface McSettings {
  templateSigmaMm: number;
  backgroundHalfSizeMm: number;
  noiseTileMm: number;
  seedCnr: number;
  growCnr: number;
  maxDiameterMm: number;
  minDiameterMm: number;
  maxComponentExtentMm: number;
  isolationFraction: number;
  ringGapMm: number;
  levelBlockMm: number;
  levelBins: number;
}

function resolveOptions(options: McDetectionOptions): McSettings {
  const settings: McSettings = {
    templateSigmaMm: checkedOption('templateSigmaMm', options.templateSigmaMm ?? 0.05, 0, 2),
    backgroundHalfSizeMm: checkedOption(
      'backgroundHalfSizeMm',
      options.backgroundHalfSizeMm ?? 0.3,
      0.05,
      20,
    ),
    noiseTileMm: checkedOption('noiseTileMm', options.noiseTileMm ?? 3, 1, 200),
    seedCnr: checkedOption('seedCnr', options.seedCnr ?? DEFAULT_SEED_CNR, 0, 1000),
    growCnr: checkedOption('growCnr', options.growCnr ?? 2.5, 0, 1000),
    maxDiameterMm: checkedOption('maxDiameterMm', options.maxDiameterMm ?? 1.5, 0, 100),
    minDiameterMm: checkedOption('minDiameterMm', options.minDiameterMm ?? 0, 0, 100),
    maxComponentExtentMm: checkedOption('maxComponentExtentMm', options.maxComponentExtentMm ?? 4, 0.1, 1000),
    isolationFraction: checkedOption('isolationFraction', options.isolationFraction ?? 0.5, 0, 10),
    ringGapMm: checkedOption('ringGapMm', options.ringGapMm ?? 0.3, 0.01, 10),
    levelBlockMm: checkedOption('levelBlockMm', options.levelBlockMm ?? 0.7, 0.1, 20),
    levelBins: checkedOption('levelBins', options.levelBins ?? 24, 0, 1000),
  };
  if (!Number.isInteger(settings.levelBins)) {
    throw new SegmentationError('INVALID_OPTION', 'option levelBins must be an integer');
  }
  if (settings.growCnr > settings.seedCnr) {
    throw new SegmentationError('INVALID_OPTION', 'option growCnr must not exceed seedCnr');
  }
  return settings;
}

/**
 * Floor of the local noise level (intensity units, a quarter of an 8-bit grey level): on noiseless or
 * coarsely quantised data the MAD can be 0, and every non-zero detail would then pass any CNR.
 */
const MIN_NOISE = 0.001;

/**
 * Detects microcalcification (MC) candidates at physical scale.
 *
 * 1. Detection image S: the image smoothed by a Gaussian of `templateSigmaMm` (a matched filter for
 *    the smallest MCs) minus its box mean over ±`backgroundHalfSizeMm` (the local background): a
 *    narrow band-pass, where the f^−β texture is weakest relative to the MCs (it is not negligible:
 *    on the phantoms the texture is most of S's variance); separable, O(1) or O(σ) per pixel.
 * 2. Local noise (DetectionNoise): on `noiseTileMm` tiles inside the breast, the median and
 *    1.4826·MAD of S, bilinear between tiles; and, with `levelBins` > 0, the same statistics among
 *    pixels of similar local level (medians of `levelBlockMm` blocks), which follows texture that is
 *    stronger in some tissue than in other (the glandular islands of a fatty breast) on a finer scale
 *    than tiles. CNR(p) = the smaller of (S(p) − median) / sigma under the two.
 * 3. Hysteresis: 8-connected components of CNR ≥ `growCnr` that contain a pixel of CNR ≥ `seedCnr`
 *    inside the breast mask. A component longer than `maxComponentExtentMm` is dropped; one with
 *    several seed cores is split between them (each pixel goes to the nearest core through it).
 * 4. Measurement on the image itself, per core: the background is the median of the image on a ring
 *    `ringGapMm` beyond the core's extent (and as wide); the contrast is the mean excess over the
 *    pixels within 75% of the peak excess; the MC's mask is the pixels connected to the peak whose
 *    excess is at least half the contrast (a half-maximum edge, which for a disk falls on its rim);
 *    the centroid is excess-weighted.
 * 5. MCs outside [`minDiameterMm`, `maxDiameterMm`] (equivalent diameter) are dropped, and so are
 *    those that fail the isolation test (core mean minus the ring's 75th percentile below
 *    `isolationFraction` × contrast): the band-pass also answers on the rims of larger bright
 *    objects, which continue into equally bright tissue on one side.
 *
 * Parameters: `image` – the mammogram (MONOCHROME2, [0, 1]); `options` – see McDetectionOptions.
 * Returns: the MCs in raster order of their first seed pixel: region (full-image pixels), centroid
 * (excess-weighted, pixels), equivalent diameter 2·sqrt(area/π) in mm, and CNR at the peak of S.
 * Raises: SegmentationError `INVALID_IMAGE`/`INVALID_SPACING` for a malformed image, `INVALID_OPTION`
 * for an option out of range, `MASK_MISMATCH` when `options.breast` has another size than the image.
 */
export function detectMicrocalcifications(
  image: GrayImage,
  options: McDetectionOptions = {},
): Microcalcification[] {
  assertValidImage(image);
  const settings = resolveOptions(options);
  const breast = options.breast ?? segmentBreast(image);
  if (breast.width !== image.width || breast.height !== image.height) {
    throw new SegmentationError(
      'MASK_MISMATCH',
      `breast mask is ${breast.width}×${breast.height}, image is ${image.width}×${image.height}`,
    );
  }
  if (breast.bbox.x1 <= breast.bbox.x0 || breast.bbox.y1 <= breast.bbox.y0) return [];

  const { col: sx, row: sy } = image.pixelSpacingMm;
  const rx = Math.max(1, Math.round(settings.backgroundHalfSizeMm / sx));
  const ry = Math.max(1, Math.round(settings.backgroundHalfSizeMm / sy));
  // Work on the rows of the breast's bounding box (a view, no copy), padded so the filters see the
  // tissue around its edge; seeds are only looked for inside the box's columns.
  const oy = Math.max(0, breast.bbox.y0 - ry);
  const rowsEnd = Math.min(image.height, breast.bbox.y1 + ry);
  const ox = 0;
  const cw = image.width;
  const chh = rowsEnd - oy;
  const crop = image.data.subarray(oy * cw, rowsEnd * cw);

  const scratch = new Float32Array(cw * chh);
  const detection = bandPass(
    crop,
    cw,
    chh,
    settings.templateSigmaMm / sx,
    settings.templateSigmaMm / sy,
    rx,
    ry,
    scratch,
  );
  const tilePx = Math.max(8, Math.round(settings.noiseTileMm / ((sx + sy) / 2)));
  const blockPx = Math.max(2, Math.round(settings.levelBlockMm / ((sx + sy) / 2)));
  const levels =
    settings.levelBins > 0
      ? blockMedianGrid(crop, cw, chh, blockPx, Math.max(1, Math.round(blockPx / 4)))
      : null;
  const noise = detectionNoise(detection, cw, chh, breast, ox, oy, tilePx, levels, settings.levelBins);
  const finder = new CandidateFinder(image, settings, detection, cw, chh, ox, oy, noise, breast.mask);
  const seedRow = new Float32Array(cw);
  const levelScratch = new Float32Array(cw);
  const out: Microcalcification[] = [];
  // Seeds keep clear of the image border, where the filters' edge handling changes the noise.
  const borderX = rx + 1;
  const borderY = ry + 1;
  const yFirst = Math.max(0, borderY - oy);
  const yEnd = Math.min(chh, image.height - borderY - oy);
  const xFirst = Math.max(breast.bbox.x0, borderX);
  const xEnd = Math.min(breast.bbox.x1, image.width - borderX);
  for (let y = yFirst; y < yEnd; y++) {
    noise.thresholdRow(y, cw, settings.seedCnr, seedRow, levelScratch);
    const base = y * cw;
    const maskBase = (y + oy) * image.width + ox;
    for (let x = xFirst; x < xEnd; x++) {
      if (detection[base + x] < seedRow[x] || breast.mask[maskBase + x] === 0) continue;
      if (finder.visited[base + x] !== 0) continue;
      finder.grow(x, y, out);
    }
  }
  return out;
}

/**
 * Region growing and measurement of candidates, with scratch buffers shared by all candidates (no
 * per-pixel allocation). Coordinates are in the crop; `ox`, `oy` place the crop in the image.
 */
class CandidateFinder {
  readonly visited: Uint8Array;
  private stack: Int32Array = new Int32Array(1024);
  private members: Int32Array = new Int32Array(1024);
  private readonly maxExtentX: number;
  private readonly maxExtentY: number;
  private ring: Float32Array = new Float32Array(256);

  constructor(
    private readonly image: GrayImage,
    private readonly settings: McSettings,
    private readonly detection: Float32Array,
    private readonly width: number,
    private readonly height: number,
    private readonly ox: number,
    private readonly oy: number,
    private readonly noise: DetectionNoise,
    private readonly breastMask: Uint8Array,
  ) {
    this.visited = new Uint8Array(width * height);
    this.maxExtentX = settings.maxComponentExtentMm / image.pixelSpacingMm.col;
    this.maxExtentY = settings.maxComponentExtentMm / image.pixelSpacingMm.row;
  }

  /** Grows the hysteresis component of seed (x, y), splits it into MCs and appends them to `out`. */
  grow(x: number, y: number, out: Microcalcification[]): void {
    const { width, height, detection, visited, noise, settings, breastMask } = this;
    const imageWidth = this.image.width;
    let top = 0;
    let count = 0;
    let x0 = x;
    let x1 = x;
    let y0 = y;
    let y1 = y;
    const start = y * width + x;
    visited[start] = 1;
    this.stack[top++] = start;
    while (top > 0) {
      const p = this.stack[--top];
      if (count === this.members.length) this.members = growBuffer(this.members);
      this.members[count++] = p;
      const py = (p / width) | 0;
      const px = p - py * width;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
      for (let qy = py - 1; qy <= py + 1; qy++) {
        if (qy < 0 || qy >= height) continue;
        for (let qx = px - 1; qx <= px + 1; qx++) {
          if (qx < 0 || qx >= width) continue;
          const q = qy * width + qx;
          if (visited[q] !== 0) continue;
          if (breastMask[(qy + this.oy) * imageWidth + qx + this.ox] === 0) continue;
          if (detection[q] < noise.threshold(qx, qy, settings.growCnr)) continue;
          visited[q] = 1;
          if (top + 1 >= this.stack.length) this.stack = growBuffer(this.stack);
          this.stack[top++] = q;
        }
      }
    }
    if (x1 - x0 + 1 > this.maxExtentX || y1 - y0 + 1 > this.maxExtentY) return;
    this.split(count, x0, y0, x1 - x0 + 1, y1 - y0 + 1, out);
  }

  /**
   * Splits the component in `members[0..count)` (bounding box at x0, y0, size bw × bh) between its
   * seed cores and measures each part.
   */
  private split(
    count: number,
    x0: number,
    y0: number,
    bw: number,
    bh: number,
    out: Microcalcification[],
  ): void {
    const { width, detection, noise, settings } = this;
    // Local grid: 0 outside, -1 member, -2 core pixel not yet labelled, k > 0 owner core.
    const local = new Int32Array(bw * bh);
    for (let i = 0; i < count; i++) {
      const p = this.members[i];
      const py = (p / width) | 0;
      const px = p - py * width;
      const isCore = detection[p] >= noise.threshold(px, py, settings.seedCnr);
      local[(py - y0) * bw + (px - x0)] = isCore ? -2 : -1;
    }
    // Label the cores (8-connected); the labelled core pixels seed a breadth-first assignment.
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    let cores = 0;
    for (let i = 0; i < local.length; i++) {
      if (local[i] !== -2) continue;
      cores++;
      local[i] = cores;
      let s = tail;
      queue[tail++] = i;
      while (s < tail) {
        const p = queue[s++];
        const py = (p / bw) | 0;
        const px = p - py * bw;
        for (let qy = py - 1; qy <= py + 1; qy++) {
          if (qy < 0 || qy >= bh) continue;
          for (let qx = px - 1; qx <= px + 1; qx++) {
            if (qx < 0 || qx >= bw) continue;
            const q = qy * bw + qx;
            if (local[q] === -2) {
              local[q] = cores;
              queue[tail++] = q;
            }
          }
        }
      }
    }
    // Each remaining member goes to the core that reaches it first through the component.
    while (head < tail) {
      const p = queue[head++];
      const owner = local[p];
      const py = (p / bw) | 0;
      const px = p - py * bw;
      for (let qy = py - 1; qy <= py + 1; qy++) {
        if (qy < 0 || qy >= bh) continue;
        for (let qx = px - 1; qx <= px + 1; qx++) {
          if (qx < 0 || qx >= bw) continue;
          const q = qy * bw + qx;
          if (local[q] === -1) {
            local[q] = owner;
            queue[tail++] = q;
          }
        }
      }
    }
    for (let k = 1; k <= cores; k++) {
      const mc = this.measure(local, k, x0, y0, bw, bh);
      if (mc) out.push(mc);
    }
  }

  /**
   * Measures the MC owned by core `k` of the local label grid (crop box at x0, y0, size bw × bh) on
   * the image itself; null when it has no contrast or fails the size or isolation tests.
   */
  private measure(
    local: Int32Array,
    k: number,
    x0: number,
    y0: number,
    bw: number,
    bh: number,
  ): Microcalcification | null {
    const { width, detection, noise, settings, image } = this;
    const { data, width: iw, height: ih } = image;
    const { col: sx, row: sy } = image.pixelSpacingMm;
    // Peak of the detection image: the CNR, and the centre of the ring.
    let peakS = Number.NEGATIVE_INFINITY;
    let peakAt = -1;
    for (let ly = 0; ly < bh; ly++) {
      for (let lx = 0; lx < bw; lx++) {
        if (local[ly * bw + lx] !== k) continue;
        const p = (ly + y0) * width + lx + x0;
        if (detection[p] > peakS) {
          peakS = detection[p];
          peakAt = p;
        }
      }
    }
    const peakY = (peakAt / width) | 0;
    const peakX = peakAt - peakY * width;
    const cx = peakX + this.ox;
    const cy = peakY + this.oy;
    // Extent of the core's territory from the peak, mm.
    let extent = 0;
    for (let ly = 0; ly < bh; ly++) {
      for (let lx = 0; lx < bw; lx++) {
        if (local[ly * bw + lx] !== k) continue;
        const d = Math.hypot((lx + x0 - peakX) * sx, (ly + y0 - peakY) * sy);
        if (d > extent) extent = d;
      }
    }
    const inner = extent + settings.ringGapMm;
    const outer = inner + settings.ringGapMm;
    const reachX = Math.ceil(outer / sx);
    const reachY = Math.ceil(outer / sy);
    let n = 0;
    for (let y = cy - reachY; y <= cy + reachY; y++) {
      if (y < 0 || y >= ih) continue;
      for (let x = cx - reachX; x <= cx + reachX; x++) {
        if (x < 0 || x >= iw) continue;
        const d = Math.hypot((x - cx) * sx, (y - cy) * sy);
        if (d < inner || d > outer) continue;
        if (n === this.ring.length) {
          const bigger = new Float32Array(n * 2);
          bigger.set(this.ring);
          this.ring = bigger;
        }
        this.ring[n++] = data[y * iw + x];
      }
    }
    if (n < 8) return null;
    const ringHigh = selectKth(this.ring, n, Math.floor(0.75 * n));
    const background = selectKth(this.ring, n, n >> 1);

    // Window of the measurement: inside the ring. Pixels of other cores' territory are excluded.
    const wx0 = Math.max(0, cx - Math.ceil(inner / sx));
    const wy0 = Math.max(0, cy - Math.ceil(inner / sy));
    const wx1 = Math.min(iw - 1, cx + Math.ceil(inner / sx));
    const wy1 = Math.min(ih - 1, cy + Math.ceil(inner / sy));
    const ww = wx1 - wx0 + 1;
    const wh = wy1 - wy0 + 1;
    const allowed = new Uint8Array(ww * wh);
    let peakExcess = 0;
    let peakPixel = -1;
    for (let y = wy0; y <= wy1; y++) {
      for (let x = wx0; x <= wx1; x++) {
        const lx = x - this.ox - x0;
        const ly = y - this.oy - y0;
        const label = lx >= 0 && ly >= 0 && lx < bw && ly < bh ? local[ly * bw + lx] : 0;
        if (label !== 0 && label !== k) continue;
        if (Math.hypot((x - cx) * sx, (y - cy) * sy) > inner) continue;
        const w = (y - wy0) * ww + (x - wx0);
        allowed[w] = 1;
        if (label === k) {
          const excess = data[y * iw + x] - background;
          if (excess > peakExcess) {
            peakExcess = excess;
            peakPixel = w;
          }
        }
      }
    }
    if (peakPixel < 0) return null;
    // Contrast: mean excess over the pixels within 75% of the peak (robust to noise on the maximum).
    let coreSum = 0;
    let coreLevel = 0;
    let coreN = 0;
    for (let w = 0; w < allowed.length; w++) {
      if (allowed[w] === 0) continue;
      const v = data[(wy0 + ((w / ww) | 0)) * iw + wx0 + (w % ww)];
      if (v - background >= 0.75 * peakExcess) {
        coreSum += v - background;
        coreLevel += v;
        coreN++;
      }
    }
    const contrast = coreSum / coreN;
    if (coreLevel / coreN - ringHigh < settings.isolationFraction * contrast) return null;

    // Half-maximum mask: pixels connected (8) to the peak with excess ≥ contrast / 2.
    const half = background + 0.5 * contrast;
    const inMask = new Uint8Array(ww * wh);
    const stack = new Int32Array(ww * wh);
    let top = 0;
    stack[top++] = peakPixel;
    inMask[peakPixel] = 1;
    const indices: number[] = [];
    let wSum = 0;
    let wxSum = 0;
    let wySum = 0;
    while (top > 0) {
      const w = stack[--top];
      const ly = (w / ww) | 0;
      const lx = w - ly * ww;
      const gx = lx + wx0;
      const gy = ly + wy0;
      const excess = data[gy * iw + gx] - background;
      indices.push(gy * iw + gx);
      wSum += excess;
      wxSum += excess * gx;
      wySum += excess * gy;
      for (let qy = ly - 1; qy <= ly + 1; qy++) {
        if (qy < 0 || qy >= wh) continue;
        for (let qx = lx - 1; qx <= lx + 1; qx++) {
          if (qx < 0 || qx >= ww) continue;
          const q = qy * ww + qx;
          if (inMask[q] !== 0 || allowed[q] === 0) continue;
          if (data[(qy + wy0) * iw + qx + wx0] < half) continue;
          inMask[q] = 1;
          stack[top++] = q;
        }
      }
    }
    const areaMm2 = indices.length * sx * sy;
    const diameterMm = 2 * Math.sqrt(areaMm2 / Math.PI);
    if (diameterMm > settings.maxDiameterMm || diameterMm < settings.minDiameterMm) return null;
    return {
      region: regionFromIndices(indices, iw),
      centroid: { x: wxSum / wSum, y: wySum / wSum },
      diameterMm,
      cnr: noise.cnr(peakX, peakY, peakS),
    };
  }
}

/**
 * The MC detection band-pass: Gaussian of (sigmaX, sigmaY) pixels minus the box mean over
 * ±(rx, ry) pixels.
 */
function bandPass(
  crop: Float32Array,
  width: number,
  height: number,
  sigmaX: number,
  sigmaY: number,
  rx: number,
  ry: number,
  scratch: Float32Array,
): Float32Array {
  const plane = gaussianBlur(crop, width, height, sigmaX, sigmaY, undefined, scratch);
  subtractBoxMean(crop, plane, width, height, rx, ry, scratch);
  return plane;
}

/**
 * Noise of a detection plane: robust tile grid (tiles of `tilePx`, a few hundred samples each, a cost
 * that does not grow with the resolution) and, with `levels`, the level noise model over it.
 */
function detectionNoise(
  plane: Float32Array,
  width: number,
  height: number,
  breast: BreastMask,
  ox: number,
  oy: number,
  tilePx: number,
  levels: TileGrid | null,
  levelBins: number,
): DetectionNoise {
  const stride = Math.max(1, Math.round(tilePx / 15));
  const grid = robustTileGrid(
    plane,
    width,
    height,
    breast.mask,
    breast.width,
    ox,
    oy,
    tilePx,
    stride,
    0.25,
    MIN_NOISE,
  );
  if (levels === null) return new DetectionNoise(grid, null, null);
  const model = levelNoiseModel(
    plane,
    width,
    height,
    levels,
    breast.mask,
    breast.width,
    ox,
    oy,
    levelBins,
    // About 150 000 samples: a few thousand per level group whatever the image size.
    Math.max(1, Math.round(Math.sqrt((width * height) / 150_000))),
    MIN_NOISE,
  );
  return new DetectionNoise(grid, levels, model);
}

/** A buffer twice as long holding the old contents. */
function growBuffer(buffer: Int32Array): Int32Array {
  const bigger = new Int32Array(buffer.length * 2);
  bigger.set(buffer);
  return bigger;
}
