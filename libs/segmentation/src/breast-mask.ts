import type { BBox, GrayImage } from '@calcscope/imaging';
import { chamferDistance, fillHoles, largestComponent } from './binary-mask';
import { downsampleMean } from './downsample';
import { gaussianBlur } from './gaussian';
import { otsuSplit } from './otsu';
import { findPectoralLine } from './pectoral';
import { medianAndMad } from './robust-stats';
import { factorFor } from './scale';
import type { BreastMask } from './types';
import { assertValidImage, checkedOption } from './validate';

/** Options of segmentBreast; every length is in millimetres. */
export interface BreastMaskOptions {
  /** Pixel spacing the analysis runs at (block-mean downsampling), mm. Default 0.5. */
  readonly coarseSpacingMm?: number;
  /** Band inside the skin line that is left out of the mask, mm (skin about 0.75 mm + blur). Default 3. */
  readonly skinMarginMm?: number;
  /**
   * The darker Otsu class counts as background air only when the tissue's mean is above that class's
   * median by at least this much (intensity units) and by `minAirSeparation` of its robust standard
   * deviation (1.4826·MAD), its median is at most `maxAirLevel`, and the tissue touches the left or
   * right image border (the chest wall).
   * Defaults 0.03, 8 and 0.25.
   */
  readonly minAirContrast?: number;
  readonly minAirSeparation?: number;
  readonly maxAirLevel?: number;
  /** Search for the pectoral muscle and leave it out. Default true. */
  readonly excludePectoral?: boolean;
  /** Least muscle-to-tissue contrast for a pectoral muscle to be accepted (intensity units). Default 0.04. */
  readonly minPectoralContrast?: number;
  /** Band beyond the pectoral edge that is left out as well, mm. Default 2. */
  readonly pectoralMarginMm?: number;
}

/**
 * Segments the breast: background air, a band along the skin line and (where visible) the pectoral
 * muscle are left out, so that detectors can ignore everything outside.
 *
 * Works on a block-mean copy at about `coarseSpacingMm` smoothed with σ = 1 mm: Otsu's threshold splits
 * off a darker class, which is air only when it looks like air (see options); tissue is then every
 * pixel of the unsmoothed copy above the air's median by max(6 robust air sigmas, 10% of the tissue-to-air contrast), so the
 * thin, dark periphery stays in; the largest connected tissue region with its holes filled is the
 * breast, pixels closer than `skinMarginMm` to the air are
 * dropped (the image border itself is not a skin line). The chest wall is the image side the breast
 * touches most; the pectoral muscle is then searched as a bright triangle in that side's upper corner
 * (see findPectoralLine) and removed with `pectoralMarginMm` beyond its edge. The coarse mask is
 * brought back to full resolution by nearest-neighbour lookup.
 *
 * Parameters: `image` – the mammogram (MONOCHROME2, air dark); `options` – see BreastMaskOptions.
 * Returns: the BreastMask (full resolution).
 * Raises: SegmentationError `INVALID_IMAGE`/`INVALID_SPACING` for a malformed image, `INVALID_OPTION`
 * for an option out of range.
 */
export function segmentBreast(image: GrayImage, options: BreastMaskOptions = {}): BreastMask {
  assertValidImage(image);
  const coarseMm = checkedOption('coarseSpacingMm', options.coarseSpacingMm ?? 0.5, 0.01, 10);
  const skinMarginMm = checkedOption('skinMarginMm', options.skinMarginMm ?? 3, 0, 50);
  const minAirContrast = checkedOption('minAirContrast', options.minAirContrast ?? 0.03, 0, 1);
  const minAirSeparation = checkedOption('minAirSeparation', options.minAirSeparation ?? 8, 0, 1e6);
  const maxAirLevel = checkedOption('maxAirLevel', options.maxAirLevel ?? 0.25, 0, 1);
  const minPectoralContrast = checkedOption('minPectoralContrast', options.minPectoralContrast ?? 0.04, 0, 1);
  const pectoralMarginMm = checkedOption('pectoralMarginMm', options.pectoralMarginMm ?? 2, 0, 50);
  const excludePectoral = options.excludePectoral ?? true;

  const { width, height } = image;
  const fx = factorFor(image.pixelSpacingMm.col, coarseMm);
  const fy = factorFor(image.pixelSpacingMm.row, coarseMm);
  const coarse = downsampleMean(image.data, width, height, fx, fy);
  const cw = coarse.width;
  const ch = coarse.height;
  const dx = image.pixelSpacingMm.col * fx;
  const dy = image.pixelSpacingMm.row * fy;
  const smooth = gaussianBlur(coarse.data, cw, ch, 1 / dx, 1 / dy);

  // Air/tissue split.
  const split = otsuSplit(smooth);
  let tissue: Uint8Array = new Uint8Array(cw * ch);
  for (let i = 0; i < tissue.length; i++) tissue[i] = smooth[i] > split.threshold ? 1 : 0;
  tissue = fillHoles(largestComponent(tissue, cw, ch), cw, ch);
  // Air is the darker class's bulk: its median and robust spread (the skin falloff does not count),
  // taken unsmoothed so that the tissue edge below is not pushed out by the blur.
  const below = new Float32Array(smooth.length);
  let nBelow = 0;
  for (let i = 0; i < smooth.length; i++) if (smooth[i] <= split.threshold) below[nBelow++] = coarse.data[i];
  const air = nBelow > 0 ? medianAndMad(below, nBelow) : { median: 0, sigma: 0 };
  const contrast = split.upperMean - air.median;
  const airFound =
    nBelow > 0 &&
    contrast >= minAirContrast &&
    contrast >= minAirSeparation * air.sigma &&
    air.median <= maxAirLevel &&
    touchesBorder(tissue, cw, ch);
  if (airFound) {
    // Tissue is everything clearly above the air: the periphery, thinner and darker than the rest,
    // falls below Otsu's threshold but not below this one.
    const level = air.median + Math.max(6 * air.sigma, 0.1 * contrast);
    for (let i = 0; i < tissue.length; i++) tissue[i] = coarse.data[i] > level ? 1 : 0;
    tissue = fillHoles(largestComponent(tissue, cw, ch), cw, ch);
  } else {
    tissue.fill(1);
  }

  // Skin band: distance to air, the image border not counting as a skin line.
  let usable = tissue;
  if (airFound && skinMarginMm > 0) {
    const dist = chamferDistance(tissue, cw, ch, dx, dy, true);
    usable = new Uint8Array(cw * ch);
    for (let i = 0; i < usable.length; i++) usable[i] = dist[i] >= skinMarginMm ? 1 : 0;
  }

  // Chest wall and pectoral muscle.
  const chestWallSide = airFound ? chestWall(tissue, cw, ch) : null;
  let pectoralEdge: BreastMask['pectoralEdge'] = null;
  if (chestWallSide && excludePectoral) {
    const mirrored = chestWallSide === 'right';
    const img = mirrored ? mirrorRows(smooth, cw, ch) : smooth;
    const msk = mirrored ? mirrorRows(tissue, cw, ch) : tissue;
    const tolerancePx = 2 / dx;
    const line = findPectoralLine(img, msk, cw, ch, {
      stepPx: 2 / dx,
      minContrast: minPectoralContrast,
      minSizePx: 15 / dx,
      tolerancePx,
    });
    if (line) {
      const margin = pectoralMarginMm / dx;
      for (let y = 0; y < ch; y++) {
        const edge = line.intercept + line.slope * y + margin;
        for (let x = 0; x < cw && x < edge; x++) usable[y * cw + (mirrored ? cw - 1 - x : x)] = 0;
      }
      // Back to full-resolution pixel coordinates (pixel centres).
      const toFullX = (xc: number): number => {
        const xm = mirrored ? cw - 1 - xc : xc;
        return (xm + 0.5) * fx - 0.5;
      };
      const toFullY = (yc: number): number => (yc + 0.5) * fy - 0.5;
      pectoralEdge = {
        top: { x: toFullX(line.intercept), y: toFullY(0) },
        chestWall: { x: toFullX(0), y: toFullY(-line.intercept / line.slope) },
      };
    }
  }

  const mask = upsampleNearest(usable, cw, ch, fx, fy, width, height);
  // Box and area from the coarse mask: each coarse pixel stands for a (possibly cut) fx × fy block.
  const coarseBox = maskBBox(usable, cw, ch);
  const empty = coarseBox.x1 === 0;
  let fullPixels = 0;
  for (let yc = 0; yc < ch; yc++) {
    const rows = Math.min((yc + 1) * fy, height) - yc * fy;
    for (let xc = 0; xc < cw; xc++) {
      if (usable[yc * cw + xc] !== 0) fullPixels += rows * (Math.min((xc + 1) * fx, width) - xc * fx);
    }
  }
  return {
    width,
    height,
    mask,
    bbox: empty
      ? coarseBox
      : {
          x0: coarseBox.x0 * fx,
          y0: coarseBox.y0 * fy,
          x1: Math.min(coarseBox.x1 * fx, width),
          y1: Math.min(coarseBox.y1 * fy, height),
        },
    areaMm2: fullPixels * image.pixelSpacingMm.row * image.pixelSpacingMm.col,
    airFound,
    chestWallSide,
    pectoralEdge: empty ? null : pectoralEdge,
  };
}

/** True when the mask has a set pixel on the left or right image border. */
function touchesBorder(mask: Uint8Array, width: number, height: number): boolean {
  for (let y = 0; y < height; y++) {
    if (mask[y * width] !== 0 || mask[y * width + width - 1] !== 0) return true;
  }
  return false;
}

/** The side (left/right column) with more mask pixels on it; null when neither has any. */
function chestWall(mask: Uint8Array, width: number, height: number): 'left' | 'right' | null {
  let left = 0;
  let right = 0;
  for (let y = 0; y < height; y++) {
    left += mask[y * width];
    right += mask[y * width + width - 1];
  }
  if (left === 0 && right === 0) return null;
  return left >= right ? 'left' : 'right';
}

/** A copy with every row reversed (left–right mirror). */
function mirrorRows<T extends Float32Array | Uint8Array>(src: T, width: number, height: number): T {
  const out = src.slice() as T;
  for (let y = 0; y < height; y++) out.subarray(y * width, (y + 1) * width).reverse();
  return out;
}

/** Full-resolution mask from a coarse one: pixel (x, y) takes coarse pixel (⌊x/fx⌋, ⌊y/fy⌋). */
function upsampleNearest(
  coarse: Uint8Array,
  cw: number,
  ch: number,
  fx: number,
  fy: number,
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const row = new Uint8Array(width);
  for (let yc = 0; yc < ch; yc++) {
    const base = yc * cw;
    for (let x = 0; x < width; x++) row[x] = coarse[base + ((x / fx) | 0)];
    const y1 = Math.min((yc + 1) * fy, height);
    for (let y = yc * fy; y < y1; y++) out.set(row, y * width);
  }
  return out;
}

/**
 * Bounding box of a mask's set pixels, inclusive-exclusive; all zeros for an empty mask.
 *
 * Parameters: `mask` – row-major bytes `width` × `height`.
 */
export function maskBBox(mask: Uint8Array, width: number, height: number): BBox {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (mask[base + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  if (x1 < 0) return { x0: 0, y0: 0, x1: 0, y1: 0 };
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}
