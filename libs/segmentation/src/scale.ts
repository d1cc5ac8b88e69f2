/**
 * Integer downsampling factor that brings a pixel spacing closest to a target spacing without going
 * below one (never upsamples).
 *
 * Parameters: `spacingMm` – pixel spacing, mm; `targetMm` – wanted spacing, mm.
 * Returns: max(1, round(targetMm / spacingMm)).
 */
export function factorFor(spacingMm: number, targetMm: number): number {
  return Math.max(1, Math.round(targetMm / spacingMm));
}
