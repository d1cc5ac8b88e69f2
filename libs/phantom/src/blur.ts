/**
 * Separable Gaussian blur of a row-major float image (edges replicate the border pixel).
 */

/**
 * Blurs `image` in place with a Gaussian of standard deviation `sigmaPx` (kernel radius ⌈3σ⌉).
 *
 * @param image - row-major values, width × height.
 * @param width - columns.
 * @param height - rows.
 * @param sigmaPx - standard deviation in pixels; values <= 0 leave the image unchanged.
 */
export function gaussianBlur(image: Float32Array, width: number, height: number, sigmaPx: number): void {
  if (!(sigmaPx > 0)) return;
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigmaPx * sigmaPx));
    kernel[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const line = new Float32Array(Math.max(width, height) + 2 * radius);
  // Rows.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width + 2 * radius; x++) {
      const sx = x - radius;
      line[x] = image[row + (sx < 0 ? 0 : sx >= width ? width - 1 : sx)];
    }
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = 0; k < kernel.length; k++) acc += kernel[k] * line[x + k];
      image[row + x] = acc;
    }
  }
  // Columns: accumulate whole source rows into each output row, so memory is read contiguously.
  const source = image.slice();
  for (let y = 0; y < height; y++) {
    const out = y * width;
    image.fill(0, out, out + width);
    for (let k = 0; k < kernel.length; k++) {
      const sy = y + k - radius;
      const src = (sy < 0 ? 0 : sy >= height ? height - 1 : sy) * width;
      const w = kernel[k];
      for (let x = 0; x < width; x++) image[out + x] += w * source[src + x];
    }
  }
}
