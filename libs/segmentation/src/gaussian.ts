/**
 * Normalised 1-D Gaussian kernel of standard deviation `sigma` pixels.
 *
 * For sigma ≤ 0.8 pixel the kernel is the 3-tap [σ²/2, 1 − σ², σ²/2], which has exactly the variance
 * σ² (a sampled Gaussian that narrow is poorly defined anyway, and three taps are what the MC filter
 * can afford on a full-field image); wider kernels are the sampled Gaussian truncated at ±ceil(3σ).
 *
 * Parameters: `sigma` – standard deviation in pixels (> 0).
 * Returns: the kernel taps (odd length, sum 1), centre tap in the middle.
 */
export function gaussianKernel(sigma: number): Float32Array {
  if (sigma <= 0.8) {
    const side = (sigma * sigma) / 2;
    return Float32Array.of(side, 1 - 2 * side, side);
  }
  const radius = Math.ceil(3 * sigma);
  const taps = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-k * k) / (2 * sigma * sigma));
    taps[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < taps.length; k++) taps[k] /= sum;
  return taps;
}

/**
 * Separable Gaussian blur with edge-replicating borders (kernels from gaussianKernel; a standard
 * deviation below 0.2 pixel leaves that axis unfiltered).
 *
 * Both passes use the kernel's symmetry (one multiply per pair of taps) and walk memory row by row.
 *
 * Parameters: `src` – row-major plane `width` × `height`; `sigmaX`, `sigmaY` – standard deviations in
 * pixels along columns (x) and rows (y); `out` – optional output plane (may be `src`: the filter works
 * through a scratch plane); `scratch` – optional plane of the same size for the horizontal pass
 * (allocated when omitted; must be neither `src` nor `out`).
 * Returns: the blurred plane (`out` when given).
 */
export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  sigmaX: number,
  sigmaY: number,
  out?: Float32Array,
  scratch?: Float32Array,
): Float32Array {
  const dst = out ?? new Float32Array(width * height);
  const tmp = scratch ?? new Float32Array(width * height);
  if (sigmaX < 0.2) {
    tmp.set(src.subarray(0, width * height));
  } else {
    horizontalPass(src, tmp, width, height, gaussianKernel(sigmaX));
  }
  if (sigmaY < 0.2) {
    dst.set(tmp.subarray(0, width * height));
  } else {
    verticalPass(tmp, dst, width, height, gaussianKernel(sigmaY));
  }
  return dst;
}

/** Row-wise symmetric convolution of `src` into `dst` with edge replication. */
function horizontalPass(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  k: Float32Array,
): void {
  const r = (k.length - 1) >> 1;
  const line = new Float32Array(width + 2 * r);
  const centre = k[r];
  for (let y = 0; y < height; y++) {
    const base = y * width;
    line.set(src.subarray(base, base + width), r);
    const first = src[base];
    const last = src[base + width - 1];
    for (let j = 0; j < r; j++) {
      line[j] = first;
      line[r + width + j] = last;
    }
    if (r === 1) {
      const side = k[0];
      for (let x = 0; x < width; x++) dst[base + x] = centre * line[x + 1] + side * (line[x] + line[x + 2]);
    } else {
      for (let x = 0; x < width; x++) {
        const c = x + r;
        let acc = centre * line[c];
        for (let j = 1; j <= r; j++) acc += k[r + j] * (line[c - j] + line[c + j]);
        dst[base + x] = acc;
      }
    }
  }
}

/** Column-wise symmetric convolution of `src` into `dst` (distinct) with edge replication, row by row. */
function verticalPass(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  k: Float32Array,
): void {
  const r = (k.length - 1) >> 1;
  const centre = k[r];
  for (let y = 0; y < height; y++) {
    const base = y * width;
    if (r === 1) {
      const up = (y > 0 ? y - 1 : 0) * width;
      const down = (y < height - 1 ? y + 1 : height - 1) * width;
      const side = k[0];
      for (let x = 0; x < width; x++)
        dst[base + x] = centre * src[base + x] + side * (src[up + x] + src[down + x]);
      continue;
    }
    for (let x = 0; x < width; x++) dst[base + x] = centre * src[base + x];
    for (let j = 1; j <= r; j++) {
      const up = Math.max(y - j, 0) * width;
      const down = Math.min(y + j, height - 1) * width;
      const wj = k[r + j];
      for (let x = 0; x < width; x++) dst[base + x] += wj * (src[up + x] + src[down + x]);
    }
  }
}
