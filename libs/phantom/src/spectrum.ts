/**
 * Radially averaged power spectrum of a square image patch and a log–log power-law fit, to check the
 * texture's 1/f^β law (and to measure real images the same way).
 */
import { fft2d, isPowerOfTwo } from './fft';

export interface RadialSpectrum {
  /** Bin centre frequencies, cycles/mm (bin r holds integer radii r in frequency-index units). */
  readonly frequency: Float64Array;
  /** Mean |DFT|² in each bin (arbitrary units), after mean removal and optional windowing. */
  readonly power: Float64Array;
}

/**
 * Radially averaged periodogram of the size × size patch at (x0, y0) of a row-major field.
 *
 * @param field - row-major values.
 * @param width - columns of `field`.
 * @param x0 - left column of the patch.
 * @param y0 - top row of the patch.
 * @param size - patch side, a power of two.
 * @param spacingMm - pixel spacing, mm (sets the frequency axis).
 * @param window - 'hann' tapers a non-periodic patch to limit leakage; 'none' for periodic fields.
 * @returns bins r = 1 … size/2 − 1 (the DC bin is dropped).
 * @throws RangeError when size is not a power of two or the patch leaves the field.
 */
export function radialPowerSpectrum(
  field: ArrayLike<number>,
  width: number,
  x0: number,
  y0: number,
  size: number,
  spacingMm: number,
  window: 'hann' | 'none' = 'hann',
): RadialSpectrum {
  if (!isPowerOfTwo(size)) throw new RangeError(`radialPowerSpectrum: size ${size} is not a power of two`);
  const height = Math.floor(field.length / width);
  if (x0 < 0 || y0 < 0 || x0 + size > width || y0 + size > height) {
    throw new RangeError('radialPowerSpectrum: patch outside the field');
  }
  let mean = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mean += field[(y0 + y) * width + x0 + x];
  mean /= size * size;
  const taper = new Float64Array(size);
  for (let i = 0; i < size; i++)
    taper[i] = window === 'hann' ? 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size) : 1;
  const re = new Float64Array(size * size);
  const im = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      re[y * size + x] = (field[(y0 + y) * width + x0 + x] - mean) * taper[x] * taper[y];
    }
  }
  fft2d(re, im, size, size);
  const bins = size / 2;
  const sum = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let y = 0; y < size; y++) {
    const ky = y <= size / 2 ? y : y - size;
    for (let x = 0; x < size; x++) {
      const kx = x <= size / 2 ? x : x - size;
      const r = Math.round(Math.sqrt(kx * kx + ky * ky));
      if (r < 1 || r >= bins) continue;
      const i = y * size + x;
      sum[r] += re[i] * re[i] + im[i] * im[i];
      count[r] += 1;
    }
  }
  const frequency = new Float64Array(bins - 1);
  const power = new Float64Array(bins - 1);
  for (let r = 1; r < bins; r++) {
    frequency[r - 1] = r / (size * spacingMm);
    power[r - 1] = count[r] > 0 ? sum[r] / count[r] : 0;
  }
  return { frequency, power };
}

/**
 * Least-squares slope of log P against log f over fMin <= f <= fMax (the spectrum's exponent: −β for a
 * 1/f^β spectrum).
 *
 * @param spectrum - from `radialPowerSpectrum`.
 * @param fMin - lowest frequency used, cycles/mm.
 * @param fMax - highest frequency used, cycles/mm.
 * @returns the fitted slope.
 * @throws RangeError when fewer than 3 bins with positive power fall in the range.
 */
export function powerLawSlope(spectrum: RadialSpectrum, fMin: number, fMax: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < spectrum.frequency.length; i++) {
    const f = spectrum.frequency[i];
    const p = spectrum.power[i];
    if (f < fMin || f > fMax || !(p > 0)) continue;
    const lx = Math.log(f);
    const ly = Math.log(p);
    n++;
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  if (n < 3) throw new RangeError('powerLawSlope: fewer than 3 usable bins');
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
