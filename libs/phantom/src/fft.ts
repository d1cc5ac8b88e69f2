/**
 * Radix-2 complex fast Fourier transforms (1-D and 2-D, in place, unnormalised).
 *
 * Forward: X[k] = Σ x[n] e^{-2πi kn/N}. Inverse: x[n] = Σ X[k] e^{+2πi kn/N} (no 1/N factor; callers
 * scale). Plans (twiddles and bit-reversal permutation) are cached per length.
 */

interface FftPlan {
  readonly n: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly reversed: Uint32Array;
}

const plans = new Map<number, FftPlan>();

/** @returns true when n is a positive power of two. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** @returns the smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function planFor(n: number): FftPlan {
  const cached = plans.get(n);
  if (cached) return cached;
  if (!isPowerOfTwo(n)) throw new RangeError(`FFT length must be a power of two, got ${n}`);
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const bits = Math.round(Math.log2(n));
  const reversed = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
    reversed[i] = r >>> 0;
  }
  const plan = { n, cos, sin, reversed };
  plans.set(n, plan);
  return plan;
}

/**
 * In-place 1-D FFT of the complex sequence (re, im).
 *
 * @param re - real parts, length a power of two.
 * @param im - imaginary parts, same length.
 * @param inverse - false: e^{-i}; true: e^{+i} (unnormalised).
 * @throws RangeError when the length is not a power of two or the arrays differ in length.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError('fft: re and im differ in length');
  if (n <= 1) return;
  const { cos, sin, reversed } = planFor(n);
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (i < j) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * In-place 2-D FFT of a row-major complex image (rows then columns).
 *
 * @param re - real parts, length width × height.
 * @param im - imaginary parts, same length.
 * @param width - columns, a power of two.
 * @param height - rows, a power of two.
 * @param inverse - direction, as for `fft`.
 */
export function fft2d(
  re: Float64Array,
  im: Float64Array,
  width: number,
  height: number,
  inverse = false,
): void {
  if (re.length !== width * height || im.length !== width * height) {
    throw new RangeError('fft2d: array length is not width × height');
  }
  for (let y = 0; y < height; y++) {
    fft(re.subarray(y * width, (y + 1) * width), im.subarray(y * width, (y + 1) * width), inverse);
  }
  fftColumns(re, im, width, height, inverse);
}

/**
 * Column transforms done row-wise: every butterfly combines two whole rows, so the inner loop runs
 * over contiguous memory (the strided column-by-column alternative is several times slower).
 */
function fftColumns(
  re: Float64Array,
  im: Float64Array,
  width: number,
  height: number,
  inverse: boolean,
): void {
  if (height <= 1) return;
  const { cos, sin, reversed } = planFor(height);
  for (let i = 0; i < height; i++) {
    const j = reversed[i];
    if (i >= j) continue;
    const a = i * width;
    const b = j * width;
    for (let x = 0; x < width; x++) {
      const tr = re[a + x];
      re[a + x] = re[b + x];
      re[b + x] = tr;
      const ti = im[a + x];
      im[a + x] = im[b + x];
      im[b + x] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= height; size *= 2) {
    const half = size / 2;
    const step = height / size;
    for (let start = 0; start < height; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = (start + k) * width;
        const b = (start + k + half) * width;
        for (let x = 0; x < width; x++) {
          const br = re[b + x];
          const bi = im[b + x];
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          re[b + x] = re[a + x] - xr;
          im[b + x] = im[a + x] - xi;
          re[a + x] += xr;
          im[a + x] += xi;
        }
      }
    }
  }
}
