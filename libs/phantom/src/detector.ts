/**
 * The detector and its processing: quantum + electronic noise, the vendor's contrast transfer curve,
 * quantisation.
 *
 * Signal v is a log-attenuation: a pixel of area A mm² behind signal v receives on average
 * N(v) = q · A · exp(−μ v) quanta (q = quantaPerMm2, μ = attenuationScale). Quantum noise is Poisson
 * (variance N), electronic noise adds variance e². Propagated back to the log domain (delta method)
 * the noise on v is σ_v = sqrt(N + e²) / (μ N): dense tissue, behind which fewer quanta arrive, is
 * noisier. The noisy v then goes through output = clamp(offset + gain · v^γ, 0, 1) and is rounded to
 * the stored bit depth.
 */
import type { VendorProfile } from './parameters';
import type { Rng } from './random';

/** Lookup tables cover signal values in [LUT_MIN, LUT_MAX]. */
const LUT_MIN = -0.25;
const LUT_MAX = 1.75;
const LUT_SIZE = 8192;
const LUT_STEP = (LUT_MAX - LUT_MIN) / (LUT_SIZE - 1);

/**
 * Standard deviation of the detector noise on the signal scale.
 *
 * @param profile - vendor profile.
 * @param pixelAreaMm2 - area of one pixel, mm².
 * @param signal - log-attenuation signal v.
 * @returns σ_v = sqrt(N + e²) / (μ N), N = q · A · exp(−μ v).
 */
export function signalNoiseSigma(profile: VendorProfile, pixelAreaMm2: number, signal: number): number {
  const quanta = profile.quantaPerMm2 * pixelAreaMm2 * Math.exp(-profile.attenuationScale * signal);
  const e = profile.electronicNoiseQuanta;
  return Math.sqrt(quanta + e * e) / (profile.attenuationScale * quanta);
}

/**
 * The vendor's contrast transfer curve.
 *
 * @returns clamp(offset + gain · max(v, 0)^γ, 0, 1).
 */
export function transferCurve(profile: VendorProfile, signal: number): number {
  const y = profile.offset + profile.gain * Math.max(0, signal) ** profile.gamma;
  return y < 0 ? 0 : Math.min(y, 1);
}

/** Numerical slope of the transfer curve at v (central difference, step 1e-3). */
export function transferSlope(profile: VendorProfile, signal: number): number {
  const h = 1e-3;
  return (transferCurve(profile, signal + h) - transferCurve(profile, signal - h)) / (2 * h);
}

/**
 * Exposes a signal image: adds noise, applies the transfer curve and quantises.
 *
 * @param signal - row-major log-attenuation signal (not modified).
 * @param profile - vendor profile.
 * @param pixelAreaMm2 - area of one pixel, mm².
 * @param bitsStored - 8 (returns Uint8Array) or 12 (returns Uint16Array with values 0–4095).
 * @param noiseScale - multiplies σ (0: noise-free).
 * @param rng - random source (one normal per pixel).
 * @returns the stored pixel values, MONOCHROME2.
 */
export function expose(
  signal: Float32Array,
  profile: VendorProfile,
  pixelAreaMm2: number,
  bitsStored: 8 | 12,
  noiseScale: number,
  rng: Rng,
): Uint8Array | Uint16Array {
  const maxValue = (1 << bitsStored) - 1;
  const sigmaLut = new Float32Array(LUT_SIZE);
  const outLut = new Float32Array(LUT_SIZE);
  for (let k = 0; k < LUT_SIZE; k++) {
    const v = LUT_MIN + k * LUT_STEP;
    sigmaLut[k] = noiseScale * signalNoiseSigma(profile, pixelAreaMm2, v);
    outLut[k] = transferCurve(profile, v) * maxValue;
  }
  const n = signal.length;
  const pixels = bitsStored === 8 ? new Uint8Array(n) : new Uint16Array(n);
  const inverseStep = 1 / LUT_STEP;
  const last = LUT_SIZE - 1;
  let z0 = 0;
  let z1 = 0;
  for (let i = 0; i < n; i++) {
    // Box–Muller: one pair of normals per two pixels.
    if ((i & 1) === 0) {
      const u = 1 - rng.next();
      const a = 2 * Math.PI * rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      z0 = r * Math.cos(a);
      z1 = r * Math.sin(a);
    } else {
      z0 = z1;
    }
    const v = signal[i];
    let f = (v - LUT_MIN) * inverseStep;
    f = f < 0 ? 0 : Math.min(f, last);
    const noisy = v + sigmaLut[f | 0] * z0;
    let g = (noisy - LUT_MIN) * inverseStep;
    g = g < 0 ? 0 : g >= last ? last - 1e-6 : g;
    const k = g | 0;
    const out = outLut[k] + (outLut[k + 1] - outLut[k]) * (g - k);
    pixels[i] = out + 0.5;
  }
  return pixels;
}
