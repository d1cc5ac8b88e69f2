/**
 * Background parenchymal texture: an isotropic Gaussian random field with a power-law spectrum.
 *
 * Power spectral density (per unit area of frequency plane, f in cycles/mm):
 *   S(f) = K · (f² + f_c²)^(−β/2),  f_c = 1 / cornerMm
 * which is K / f^β (Burgess' mammographic 1/f^β law) for f ≫ f_c, levelled off below f_c so that
 * structures larger than a breast do not dominate. K is fixed (not re-estimated per image) so that the
 * field's expected variance over |f| < 5 cycles/mm (the Nyquist frequency of a 0.1 mm pixel) is 1:
 * images of any size and pixel pitch then share the same texture amplitude per physical scale.
 *
 * Synthesis: white complex noise in the discrete Fourier domain times sqrt(S · bin area),
 * inverse FFT, real part. For large images the field is synthesised on a coarse grid (low band),
 * bilinearly upsampled, and a small periodic tile of the high band at full resolution is added.
 */
import { fft2d, nextPowerOfTwo } from './fft';
import type { Rng } from './random';

/** Frequency (cycles/mm) up to which the reference variance is 1: the Nyquist frequency of 0.1 mm. */
export const TEXTURE_REFERENCE_FREQUENCY = 5;

/** Scale of a uniform deviate on [−½, ½) to unit variance: sqrt(12). */
const UNIFORM_SCALE = Math.sqrt(12);

/** Side of the periodic high-band tile used by `multiScaleTexture`, pixels. */
const FINE_TILE = 512;

export interface PowerLawFieldOptions {
  /** Columns of the returned field. */
  readonly width: number;
  /** Rows of the returned field. */
  readonly height: number;
  /** Grid spacing, mm per pixel. */
  readonly spacingMm: number;
  /** Spectral exponent β (Burgess: 1.5–3.5, mean ≈ 2.8). */
  readonly beta: number;
  /** Roll-off length 1/f_c in mm (default 60). */
  readonly cornerMm?: number;
  /**
   * Optional smooth band split in cycles/mm: the spectrum is multiplied by a weight that is 1 below
   * `from` and 0 above `to` (cos² taper between) — or the complement when `keep` is 'high'.
   */
  readonly band?: { readonly from: number; readonly to: number; readonly keep: 'low' | 'high' };
  /**
   * Pre-divide the amplitude by the transfer function of bilinear interpolation, sinc²(fx Δ) ·
   * sinc²(fy Δ), so that a field which will be bilinearly upsampled keeps its spectrum (default false).
   */
  readonly compensateBilinear?: boolean;
  /**
   * Standard deviation (mm) of a Gaussian the field is smoothed by, applied in the frequency domain
   * (amplitude × exp(−2π²σ²f²)); 0 (default) leaves the power law untouched. The normalisation K is
   * that of the unsmoothed spectrum, so the large scales keep their amplitude.
   */
  readonly smoothingMm?: number;
}

/**
 * The constant K that gives S(f) unit integral over the disc |f| < TEXTURE_REFERENCE_FREQUENCY.
 *
 * @param beta - spectral exponent.
 * @param cornerFrequency - f_c in cycles/mm.
 * @returns K such that ∫ S d²f = 1 over the reference disc (S is then in units of field² per (cycles/mm)²).
 */
export function powerLawNormaliser(beta: number, cornerFrequency: number): number {
  const a = cornerFrequency * cornerFrequency;
  const b = TEXTURE_REFERENCE_FREQUENCY * TEXTURE_REFERENCE_FREQUENCY + a;
  // ∫_0^F 2πf (f² + a)^(−β/2) df = π [(f² + a)^(1−β/2) / (1 − β/2)]_0^F, and π ln(b/a) at β = 2.
  const e = 1 - beta / 2;
  const integral = Math.abs(e) < 1e-9 ? Math.PI * Math.log(b / a) : (Math.PI * (b ** e - a ** e)) / e;
  return 1 / integral;
}

/**
 * Samples a power-law Gaussian random field on a regular grid.
 *
 * The FFT grid is the next power of two in each direction; the field is periodic on that grid and
 * cropped to width × height. Its expected variance is ∫ S · (band weight) d²f over the grid's
 * frequencies (≈ 1 for 0.1 mm pixels without a band).
 *
 * @param options - size, spacing, β, roll-off and optional band.
 * @param rng - random source (2 uniforms per FFT-grid pixel are drawn).
 * @returns a row-major Float32Array of width × height values (mean 0).
 * @throws RangeError for a non-positive size, spacing or roll-off, or a non-finite β.
 */
export function powerLawField(options: PowerLawFieldOptions, rng: Rng): Float32Array {
  const { width, height, spacingMm, beta, band } = options;
  const cornerMm = options.cornerMm ?? 60;
  const smoothingMm = options.smoothingMm ?? 0;
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new RangeError(`powerLawField: bad size ${width}×${height}`);
  }
  if (!(spacingMm > 0) || !(cornerMm > 0) || !Number.isFinite(beta)) {
    throw new RangeError('powerLawField: spacing and roll-off must be positive and β finite');
  }
  if (!(smoothingMm >= 0 && Number.isFinite(smoothingMm))) {
    throw new RangeError(`powerLawField: smoothing must be a finite number >= 0, got ${smoothingMm}`);
  }
  const smoothingRate = -2 * Math.PI * Math.PI * smoothingMm * smoothingMm;
  const nx = nextPowerOfTwo(width);
  const ny = nextPowerOfTwo(height);
  const fc2 = 1 / (cornerMm * cornerMm);
  const k = powerLawNormaliser(beta, 1 / cornerMm);
  const binArea = 1 / (nx * spacingMm * ny * spacingMm);
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  // White noise of unit variance per component. Uniform deviates suffice (and cost a fraction of
  // normals): every output pixel sums all bins, so the field is Gaussian by the central limit theorem.
  for (let i = 0; i < nx * ny; i++) {
    re[i] = UNIFORM_SCALE * (rng.next() - 0.5);
    im[i] = UNIFORM_SCALE * (rng.next() - 0.5);
  }
  // The amplitude sqrt(S(f) · bin area · band) depends on |f| only: compute it on one quadrant of
  // frequency indices (0 … n/2) and apply it to the up-to-four bins ±kx, ±ky that share it.
  const dfx = 1 / (nx * spacingMm);
  const dfy = 1 / (ny * spacingMm);
  const exponent = -beta / 4;
  for (let ky = 0; ky <= ny / 2; ky++) {
    const fy = ky * dfy;
    const rows = ky === 0 || ky === ny / 2 ? [ky] : [ky, ny - ky];
    for (let kx = 0; kx <= nx / 2; kx++) {
      const fx = kx * dfx;
      const f2 = fx * fx + fy * fy;
      let amplitude = 0;
      if (kx !== 0 || ky !== 0) {
        const weight = band ? bandWeight(Math.sqrt(f2), band.from, band.to, band.keep) : 1;
        amplitude = Math.sqrt(k * binArea * weight) * (f2 + fc2) ** exponent;
        if (smoothingMm > 0) amplitude *= Math.exp(smoothingRate * f2);
        if (options.compensateBilinear) amplitude /= (sinc(fx * spacingMm) * sinc(fy * spacingMm)) ** 2;
      }
      const mirrorX = kx !== 0 && kx !== nx / 2;
      for (let r = 0; r < rows.length; r++) {
        const base = rows[r] * nx;
        re[base + kx] *= amplitude;
        im[base + kx] *= amplitude;
        if (mirrorX) {
          re[base + nx - kx] *= amplitude;
          im[base + nx - kx] *= amplitude;
        }
      }
    }
  }
  fft2d(re, im, nx, ny, true);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = re[y * nx + x];
  }
  return out;
}

/** sin(πx)/(πx), 1 at 0. */
function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/**
 * Weight of a smooth low/high band split at frequency f.
 *
 * @returns for keep 'low': 1 for f <= from, 0 for f >= to, cos² taper between; 'high' is 1 − that.
 */
export function bandWeight(f: number, from: number, to: number, keep: 'low' | 'high'): number {
  let low: number;
  if (f <= from) low = 1;
  else if (f >= to) low = 0;
  else {
    const c = Math.cos(((f - from) / (to - from)) * (Math.PI / 2));
    low = c * c;
  }
  return keep === 'low' ? low : 1 - low;
}

/**
 * A power-law texture for a large image, synthesised fast: the band below the coarse grid's Nyquist
 * frequency on a grid `factor` times coarser (bilinearly upsampled), plus the band above it from a
 * periodic 512 × 512 full-resolution tile. With factor 1 it is `powerLawField` directly.
 *
 * @param width - columns.
 * @param height - rows.
 * @param spacingMm - pixel spacing, mm.
 * @param beta - spectral exponent.
 * @param factor - coarse-grid reduction (integer >= 1).
 * @param rng - random source.
 * @param smoothingMm - Gaussian smoothing of the field, mm (see PowerLawFieldOptions.smoothingMm).
 * @returns a row-major Float32Array of width × height values.
 */
export function multiScaleTexture(
  width: number,
  height: number,
  spacingMm: number,
  beta: number,
  factor: number,
  rng: Rng,
  smoothingMm = 0,
): Float32Array {
  if (factor <= 1) return powerLawField({ width, height, spacingMm, beta, smoothingMm }, rng);
  // The coarse field is used whole (no crop): it is periodic, so edge pixels wrap to the far side.
  const coarseW = nextPowerOfTwo(Math.ceil(width / factor));
  const coarseH = nextPowerOfTwo(Math.ceil(height / factor));
  const coarseNyquist = 1 / (2 * spacingMm * factor);
  const band = { from: 0.5 * coarseNyquist, to: coarseNyquist };
  const coarse = powerLawField(
    {
      width: coarseW,
      height: coarseH,
      spacingMm: spacingMm * factor,
      beta,
      band: { ...band, keep: 'low' },
      compensateBilinear: true,
      smoothingMm,
    },
    rng,
  );
  const tile = powerLawField(
    { width: FINE_TILE, height: FINE_TILE, spacingMm, beta, band: { ...band, keep: 'high' }, smoothingMm },
    rng,
  );
  // Bilinear sampling at pixel centres: fine pixel x maps to coarse coordinate (x + 0.5)/factor − 0.5.
  const colX0 = new Int32Array(width);
  const colX1 = new Int32Array(width);
  const colT = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const c = (x + 0.5) / factor - 0.5;
    const c0 = Math.floor(c);
    colX0[x] = (c0 + coarseW) % coarseW;
    colX1[x] = (c0 + 1 + coarseW) % coarseW;
    colT[x] = c - c0;
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const c = (y + 0.5) / factor - 0.5;
    const c0 = Math.floor(c);
    const ty = c - c0;
    const row0 = ((c0 + coarseH) % coarseH) * coarseW;
    const row1 = ((c0 + 1 + coarseH) % coarseH) * coarseW;
    const tileRow = (y % FINE_TILE) * FINE_TILE;
    const outRow = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = colX0[x];
      const x1 = colX1[x];
      const tx = colT[x];
      const top = coarse[row0 + x0] + (coarse[row0 + x1] - coarse[row0 + x0]) * tx;
      const bottom = coarse[row1 + x0] + (coarse[row1 + x1] - coarse[row1 + x0]) * tx;
      out[outRow + x] = top + (bottom - top) * ty + tile[tileRow + (x % FINE_TILE)];
    }
  }
  return out;
}
