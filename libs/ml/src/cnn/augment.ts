import type { SeededRandom } from '../core/random';
import { CnnError } from './errors';

/** Random training-time transformations of each ROI, drawn per sample from the training PRNG. */
export interface AugmentationOptions {
  /** Mirror left-right and top-bottom, each with probability ½ (default true). */
  readonly flips?: boolean;
  /** Rotate by a uniform multiple of 90° (square ROIs; 0° or 180° otherwise) (default true). */
  readonly rotations?: boolean;
  /** Contrast jitter c: intensities scaled by a uniform factor in [1 − c, 1 + c] (default 0.1). */
  readonly contrast?: number;
  /** Brightness jitter b: a uniform offset in [−b, b] added after scaling (default 0.05). */
  readonly brightness?: number;
}

/** A user transformation of one batch `[n, 1, height, width]`, applied in place after the built-in ones. */
export type AugmentationHook = (
  batch: Float32Array,
  n: number,
  height: number,
  width: number,
  random: SeededRandom,
) => void;

/**
 * Fills in and checks augmentation options.
 *
 * @param options - User settings, or false to disable every built-in transformation.
 * @returns Settings with every field present.
 * @throws CnnError `INVALID_OPTION` for a negative or ≥ 1 contrast or a negative brightness.
 */
export function resolveAugmentation(
  options: AugmentationOptions | false | undefined,
): Required<AugmentationOptions> {
  if (options === false) return { flips: false, rotations: false, contrast: 0, brightness: 0 };
  const resolved = {
    flips: options?.flips ?? true,
    rotations: options?.rotations ?? true,
    contrast: options?.contrast ?? 0.1,
    brightness: options?.brightness ?? 0.05,
  };
  if (!(resolved.contrast >= 0 && resolved.contrast < 1) || !(resolved.brightness >= 0)) {
    throw new CnnError('INVALID_OPTION', `augmentation: contrast must be in [0, 1) and brightness ≥ 0`);
  }
  return resolved;
}

/**
 * Applies random flips, 90° rotations and intensity jitter to each ROI of a batch, in place. Each sample
 * draws, in order: left-right flip, top-bottom flip, quarter turns, contrast factor, brightness offset (only
 * the enabled ones), so a seed fixes every transformation. The geometric part is one of the 8 symmetries of
 * the square, applied as a single index mapping through `scratch`.
 *
 * @param batch - `[n, 1, height, width]` row-major, modified in place.
 * @param n - Samples in the batch.
 * @param height - ROI height.
 * @param width - ROI width.
 * @param options - Resolved options.
 * @param random - Seeded generator.
 * @param scratch - Work buffer of at least height·width values.
 */
export function augmentBatch(
  batch: Float32Array,
  n: number,
  height: number,
  width: number,
  options: Required<AugmentationOptions>,
  random: SeededRandom,
  scratch: Float32Array,
): void {
  const pixels = height * width;
  const square = height === width;
  for (let s = 0; s < n; s++) {
    const flipX = options.flips && random.next() < 0.5;
    const flipY = options.flips && random.next() < 0.5;
    let turns = 0;
    if (options.rotations) turns = square ? Math.floor(random.next() * 4) : 2 * Math.floor(random.next() * 2);
    const scale = options.contrast > 0 ? 1 + options.contrast * (2 * random.next() - 1) : 1;
    const offset = options.brightness > 0 ? options.brightness * (2 * random.next() - 1) : 0;
    const base = s * pixels;
    if (flipX || flipY || turns !== 0) {
      transformSquareSymmetry(batch, base, height, width, flipX, flipY, turns, scratch);
      batch.set(scratch.subarray(0, pixels), base);
    }
    if (scale !== 1 || offset !== 0) {
      for (let i = base; i < base + pixels; i++) batch[i] = batch[i] * scale + offset;
    }
  }
}

/**
 * Writes into `out` the image at `source[base..]` flipped (left-right, then top-bottom) and then rotated
 * counter-clockwise by `turns` quarter turns. Quarter turns of a non-square image must be even.
 */
function transformSquareSymmetry(
  source: Float32Array,
  base: number,
  height: number,
  width: number,
  flipX: boolean,
  flipY: boolean,
  turns: number,
  out: Float32Array,
): void {
  const side = height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Output (y, x) ← rotated-back coordinates ← flipped-back coordinates of the source.
      let u = x;
      let v = y;
      if (turns === 1) {
        u = side - 1 - y;
        v = x;
      } else if (turns === 2) {
        u = width - 1 - x;
        v = height - 1 - y;
      } else if (turns === 3) {
        u = y;
        v = side - 1 - x;
      }
      if (flipX) u = width - 1 - u;
      if (flipY) v = height - 1 - v;
      out[y * width + x] = source[base + v * width + u];
    }
  }
}
