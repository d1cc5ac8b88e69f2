/**
 * Renders one microcalcification into the signal image with sub-pixel accuracy.
 *
 * Each pixel is split into S × S sub-samples (S = ceil(pixel / 0.02 mm), at least 4). A sub-sample
 * behind calcium of projected thickness t transmits exp(−t/τ); the detector integrates transmitted
 * intensity over the pixel, so the pixel's added signal is amplitude · attenuation · (1 − mean
 * exp(−t/τ)): the partial-volume effect of small MCs comes out of the integral, and contrast grows with
 * thickness (≈ diameter) until calcium saturates.
 */
import { type McShape, mcThicknessMm } from './mc-shape';

/** Sub-sample pitch target, mm. */
const SUBSAMPLE_MM = 0.02;

export interface McRenderOptions {
  readonly width: number;
  readonly height: number;
  readonly spacingRowMm: number;
  readonly spacingColMm: number;
  /** Signal added by an infinitely thick calcification (before the attenuation factor). */
  readonly amplitude: number;
  /** Thickness scale τ of the attenuation, mm. */
  readonly tauMm: number;
}

/**
 * Adds an MC's signal to `signal` around (centreX, centreY) pixels.
 *
 * @param signal - row-major image, modified in place.
 * @param shape - footprint and thickness, mm, centred on its footprint centroid.
 * @param attenuation - relative calcium density of the morphology (1 = dense).
 * @param centreX - footprint centroid column (pixel coordinates, pixel centres at integers).
 * @param centreY - footprint centroid row.
 * @param options - image geometry and contrast law.
 * @returns the largest signal added to any pixel.
 */
export function renderMc(
  signal: Float32Array,
  shape: McShape,
  attenuation: number,
  centreX: number,
  centreY: number,
  options: McRenderOptions,
): number {
  const { width, height, spacingRowMm, spacingColMm, amplitude, tauMm } = options;
  const samples = Math.max(4, Math.ceil(Math.max(spacingRowMm, spacingColMm) / SUBSAMPLE_MM));
  const reach = shape.extentMm;
  const xStart = Math.max(0, Math.floor(centreX - reach / spacingColMm - 1));
  const xEnd = Math.min(width - 1, Math.ceil(centreX + reach / spacingColMm + 1));
  const yStart = Math.max(0, Math.floor(centreY - reach / spacingRowMm - 1));
  const yEnd = Math.min(height - 1, Math.ceil(centreY + reach / spacingRowMm + 1));
  const inverseTau = 1 / tauMm;
  const weight = amplitude * attenuation;
  const perPixel = 1 / (samples * samples);
  let peak = 0;
  for (let y = yStart; y <= yEnd; y++) {
    for (let x = xStart; x <= xEnd; x++) {
      let transmitted = 0;
      for (let j = 0; j < samples; j++) {
        const dy = (y - 0.5 + (j + 0.5) / samples - centreY) * spacingRowMm;
        for (let i = 0; i < samples; i++) {
          const dx = (x - 0.5 + (i + 0.5) / samples - centreX) * spacingColMm;
          const t = mcThicknessMm(shape, dx, dy);
          transmitted += t > 0 ? Math.exp(-t * inverseTau) : 1;
        }
      }
      const added = weight * (1 - transmitted * perPixel);
      if (added > 0) {
        signal[y * width + x] += added;
        if (added > peak) peak = added;
      }
    }
  }
  return peak;
}
