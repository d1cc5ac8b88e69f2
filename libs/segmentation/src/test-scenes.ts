import type { GrayImage } from '@calcscope/imaging';

/**
 * Synthetic scenes for the tests of this library: a flat or sloping background with Gaussian noise
 * and bright disks or Gaussian blobs, all placed in millimetres so one scene can be rendered at any
 * pixel spacing. Not exported from the package.
 */

/** Deterministic uniform generator on [0, 1) (mulberry32). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller from a uniform generator. */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => {
    const a = Math.max(u(), 1e-12);
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
  };
}

/** Upper tail of the standard normal, P(Z ≥ z), by the complementary error function (Abramowitz–Stegun 7.1.26). */
export function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-x * x);
}

/** A disk of `diameterMm` centred at (xMm, yMm) adding `contrast`. */
export interface DiskSpec {
  readonly xMm: number;
  readonly yMm: number;
  readonly diameterMm: number;
  readonly contrast: number;
}

/** What to render: field of view, background level and noise, disks. */
export interface SceneSpec {
  readonly widthMm: number;
  readonly heightMm: number;
  readonly spacingMm: number;
  readonly background: number;
  readonly noiseSigma: number;
  readonly seed: number;
  readonly disks: readonly DiskSpec[];
}

/**
 * Renders a scene: background + disks (area coverage by 8×8 sub-samples on the pixels the rim crosses,
 * so the rendered area matches the true disk area) + white Gaussian noise, clamped to [0, 1].
 */
export function renderScene(spec: SceneSpec): GrayImage {
  const width = Math.round(spec.widthMm / spec.spacingMm);
  const height = Math.round(spec.heightMm / spec.spacingMm);
  const data = new Float32Array(width * height).fill(spec.background);
  const sub = 8;
  for (const disk of spec.disks) {
    const cx = disk.xMm / spec.spacingMm - 0.5;
    const cy = disk.yMm / spec.spacingMm - 0.5;
    const r = disk.diameterMm / 2 / spec.spacingMm;
    for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(height - 1, Math.ceil(cy + r + 1)); y++) {
      for (
        let x = Math.max(0, Math.floor(cx - r - 1));
        x <= Math.min(width - 1, Math.ceil(cx + r + 1));
        x++
      ) {
        const d = Math.hypot(x - cx, y - cy);
        if (d >= r + 0.75) continue;
        if (d <= r - 0.75) {
          data[y * width + x] += disk.contrast;
          continue;
        }
        // Pixels the rim crosses: coverage from sub-samples.
        let inside = 0;
        for (let j = 0; j < sub; j++) {
          for (let i = 0; i < sub; i++) {
            const px = x - 0.5 + (i + 0.5) / sub;
            const py = y - 0.5 + (j + 0.5) / sub;
            if ((px - cx) ** 2 + (py - cy) ** 2 <= r * r) inside++;
          }
        }
        data[y * width + x] += (disk.contrast * inside) / (sub * sub);
      }
    }
  }
  const noise = normal(spec.seed);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.min(1, Math.max(0, data[i] + spec.noiseSigma * noise()));
  return {
    width,
    height,
    data,
    pixelSpacingMm: { row: spec.spacingMm, col: spec.spacingMm },
    spacingAssumed: false,
    bitsStored: 16,
  };
}

/** Dice coefficient 2|A∩B| / (|A| + |B|) of two sorted index lists. */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return (2 * both) / (a.length + b.length);
}
