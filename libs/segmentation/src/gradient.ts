/** Gradient magnitude of a plane, the one definition the mass code shares. */

/**
 * Gradient magnitude by central differences (one-sided at the border), in intensity units per mm.
 *
 * Parameters: `plane` – row-major `width` × `height`; `dx`, `dy` – pixel size in mm along x and y.
 */
export function gradientMagnitude(
  plane: Float32Array,
  width: number,
  height: number,
  dx: number,
  dy: number,
): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = y > 0 ? y - 1 : y;
    const down = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : x;
      const right = x < width - 1 ? x + 1 : x;
      const gx = (plane[y * width + right] - plane[y * width + left]) / ((right - left || 1) * dx);
      const gy = (plane[down * width + x] - plane[up * width + x]) / ((down - up || 1) * dy);
      out[y * width + x] = Math.hypot(gx, gy);
    }
  }
  return out;
}
