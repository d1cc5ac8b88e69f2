import {
  type AugmentationHook,
  type CnnArchitecture,
  type CnnModel,
  type CnnProgress,
  referenceResNet,
  trainCnn,
} from '@calcscope/ml';
import { RoiError } from './errors';

/** Settings of one ROI CNN; `roiCnnSettings` gives the defaults. */
export interface RoiCnnSettings {
  readonly architecture: CnnArchitecture;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Largest centre shift of the jitter augmentation, in ROI samples (0 disables it). */
  readonly maxShift: number;
  readonly contrast: number;
  readonly brightness: number;
}

/**
 * The ROI CNN's settings: `referenceResNet(pixels)` (16-32-64-128, 128-d embedding), Adam with a cosine
 * schedule from 1e-3, weight decay 5e-3, batch 32, 25 epochs; augmentation by the 8 flips/rotations, contrast
 * ±10 %, brightness ±0.1 (z-score units) and a centre jitter of ±6 samples (±2.4 mm at 0.4 mm per sample).
 * Without the jitter and with weight decay 5e-4 the net memorised the 147 dcis-idc training ROIs (training AUC
 * 1.0, validation about 0.5–0.65). `quick` (tests, smoke runs): widths 8-16-32-64 and 3 epochs.
 *
 * @param pixels - ROI side in samples.
 * @param quick - Tiny net and few epochs.
 * @returns The settings.
 */
export function roiCnnSettings(pixels: number, quick = false): RoiCnnSettings {
  const base = referenceResNet(pixels);
  const architecture: CnnArchitecture = quick
    ? {
        ...base,
        stemWidth: 8,
        stages: base.stages.map((s) => ({ ...s, width: s.width / 2 })),
      }
    : base;
  return {
    architecture,
    epochs: quick ? 3 : 25,
    batchSize: 32,
    learningRate: 1e-3,
    weightDecay: 5e-3,
    maxShift: Math.round((6 * pixels) / 64),
    contrast: 0.1,
    brightness: 0.1,
  };
}

/**
 * An augmentation hook that moves each ROI by a uniform integer shift in [−maxShift, maxShift] along each axis
 * (two draws per sample, x then y), repeating the edge samples into the uncovered border: the cluster centroid
 * is a noisy anchor (a detector's centroid differs from the truth's), so the net should not rely on the
 * cluster sitting at the exact centre.
 *
 * @param maxShift - Largest shift in samples (≥ 0).
 * @returns The hook (it keeps one work buffer of one ROI, grown on demand).
 * @throws RoiError `INVALID_OPTION` for a negative or non-integer shift.
 */
export function centreJitter(maxShift: number): AugmentationHook {
  if (!(Number.isInteger(maxShift) && maxShift >= 0))
    throw new RoiError('INVALID_OPTION', `maxShift must be a non-negative integer, got ${maxShift}`);
  let scratch = new Float32Array(0);
  return (batch, n, height, width, random) => {
    const area = height * width;
    if (scratch.length < area) scratch = new Float32Array(area);
    const span = 2 * maxShift + 1;
    for (let s = 0; s < n; s++) {
      const dx = Math.floor(random.next() * span) - maxShift;
      const dy = Math.floor(random.next() * span) - maxShift;
      if (dx === 0 && dy === 0) continue;
      const roi = batch.subarray(s * area, (s + 1) * area);
      scratch.set(roi);
      shiftInto(scratch, roi, height, width, dx, dy);
    }
  };
}

/**
 * out(y, x) = source(clamp(y − dy), clamp(x − dx)): content moves by (dx, dy), edges repeat.
 *
 * @param source - Input ROI.
 * @param out - Output ROI (not aliasing `source`).
 * @param height - Rows.
 * @param width - Columns.
 * @param dx - Shift right.
 * @param dy - Shift down.
 */
export function shiftInto(
  source: Float32Array,
  out: Float32Array,
  height: number,
  width: number,
  dx: number,
  dy: number,
): void {
  for (let y = 0; y < height; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - dy));
    const row = sy * width;
    const target = y * width;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, x - dx));
      out[target + x] = source[row + sx];
    }
  }
}

/**
 * Trains one ROI CNN with onnxruntime (1 intra-op thread, no spinning: deterministic for a seed on one machine).
 *
 * @param images - `[n, 1, H, W]` training ROIs.
 * @param labels - 0/1 per ROI.
 * @param settings - Net, schedule and augmentation.
 * @param seed - Seed of the weights, shuffling and augmentation.
 * @param onProgress - Per epoch.
 * @returns The trained model (last epoch's weights: no validation data is used for selection).
 * @throws CnnError for malformed data.
 */
export function trainRoiCnn(
  images: Float32Array,
  labels: ArrayLike<number>,
  settings: RoiCnnSettings,
  seed: number,
  onProgress?: (progress: CnnProgress) => void,
): Promise<CnnModel> {
  return trainCnn(images, labels, {
    architecture: settings.architecture,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer: 'adam',
    learningRate: settings.learningRate,
    weightDecay: settings.weightDecay,
    seed,
    augmentation: {
      flips: true,
      rotations: true,
      contrast: settings.contrast,
      brightness: settings.brightness,
    },
    augment: settings.maxShift > 0 ? centreJitter(settings.maxShift) : undefined,
    threads: 1,
    allowSpinning: false,
    onProgress,
  });
}
