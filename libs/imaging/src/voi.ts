import type { VoiLutFunction } from './decoded-image';

/**
 * DICOM VOI LUT functions (PS3.3 C.11.2.1.2 and C.11.2.1.3) with output range [0, 1].
 *
 * Parameters
 * ----------
 * x : input value, in the units of the window (rescaled modality units for DICOM).
 * center, width : Window Center and Window Width. LINEAR needs width >= 1; LINEAR_EXACT and SIGMOID
 *   need width > 0 (see `isValidWindowWidth`).
 *
 * Returns the output in [0, 1] (0 = darkest before any MONOCHROME1 inversion).
 */
export function voiLinear(x: number, center: number, width: number): number {
  // C.11.2.1.2.1: the "- 0.5" and "width - 1" make the window address integer input values exactly.
  const lower = center - 0.5 - (width - 1) / 2;
  const upper = center - 0.5 + (width - 1) / 2;
  if (x <= lower) return 0;
  if (x > upper) return 1;
  if (width === 1) return 1;
  return (x - (center - 0.5)) / (width - 1) + 0.5;
}

/** LINEAR_EXACT (C.11.2.1.3.2): y = (x − c) / w + 0.5, clamped to [0, 1]. Same parameters as `voiLinear`. */
export function voiLinearExact(x: number, center: number, width: number): number {
  const y = (x - center) / width + 0.5;
  return y < 0 ? 0 : Math.min(y, 1);
}

/** SIGMOID (C.11.2.1.3.1): y = 1 / (1 + exp(−4 (x − c) / w)). Same parameters as `voiLinear`. */
export function voiSigmoid(x: number, center: number, width: number): number {
  return 1 / (1 + Math.exp((-4 * (x - center)) / width));
}

/** The VOI function named by (0028,1056). */
export function voiFunction(kind: VoiLutFunction): (x: number, center: number, width: number) => number {
  switch (kind) {
    case 'LINEAR':
      return voiLinear;
    case 'LINEAR_EXACT':
      return voiLinearExact;
    case 'SIGMOID':
      return voiSigmoid;
  }
}

/** Whether `width` is a legal Window Width for `kind`: >= 1 for LINEAR (C.11.2.1.2.1), > 0 otherwise. */
export function isValidWindowWidth(kind: VoiLutFunction, width: number): boolean {
  if (!Number.isFinite(width)) return false;
  return kind === 'LINEAR' ? width >= 1 : width > 0;
}
