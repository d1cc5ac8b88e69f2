/**
 * Operations on row-major binary masks (Uint8Array, non-zero = set), with explicit stacks (no
 * recursion) so they work on any image size.
 */

/**
 * Labels the connected components of a mask.
 *
 * Parameters: `mask` – row-major bytes `width` × `height`; `eightConnected` – 8- (true) or
 * 4-connectivity (false).
 * Returns: { labels: Int32Array (0 = background, components numbered 1..count in raster order of
 * their first pixel), sizes: pixel count per label (index 0 unused) }.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  eightConnected: boolean,
): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(width * height);
  const sizes = [0];
  const stack = new Int32Array(width * height);
  let next = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    next++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = next;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const y = (p / width) | 0;
      const x = p - y * width;
      const yLo = y > 0 ? y - 1 : 0;
      const yHi = y < height - 1 ? y + 1 : y;
      const xLo = x > 0 ? x - 1 : 0;
      const xHi = x < width - 1 ? x + 1 : x;
      for (let yy = yLo; yy <= yHi; yy++) {
        for (let xx = xLo; xx <= xHi; xx++) {
          if (!eightConnected && yy !== y && xx !== x) continue;
          const q = yy * width + xx;
          if (mask[q] !== 0 && labels[q] === 0) {
            labels[q] = next;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/**
 * Keeps only the largest 8-connected component of a mask (ties: the first in raster order).
 *
 * Parameters: `mask` – row-major bytes `width` × `height`.
 * Returns: a new mask with 1 on that component's pixels (all zeros when `mask` is empty).
 */
export function largestComponent(mask: Uint8Array, width: number, height: number): Uint8Array {
  const { labels, sizes } = labelComponents(mask, width, height, true);
  let best = 0;
  for (let l = 1; l < sizes.length; l++) if (sizes[l] > sizes[best]) best = l;
  const out = new Uint8Array(width * height);
  if (best === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = labels[i] === best ? 1 : 0;
  return out;
}

/**
 * Fills the holes of a mask: unset regions (4-connected) that do not touch the image border.
 *
 * Parameters: `mask` – row-major bytes `width` × `height`.
 * Returns: a new mask, the input plus its holes.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  return fillHolesInto(mask, width, height, new Uint8Array(width * height), new Int32Array(width * height));
}

/**
 * fillHoles into caller-owned buffers (no allocation: for loops that fill many masks).
 *
 * Parameters: `mask` – row-major bytes `width` × `height`; `out` – result buffer of that size (may not
 * be `mask`); `stack` – scratch of at least width · height entries.
 * Returns: `out`.
 */
export function fillHolesInto(
  mask: Uint8Array,
  width: number,
  height: number,
  out: Uint8Array,
  stack: Int32Array,
): Uint8Array {
  // out starts as "outside" marks: flood from the border through unset pixels; the rest is the mask
  // plus its holes.
  out.fill(0, 0, width * height);
  let top = 0;
  const last = (height - 1) * width;
  for (let x = 0; x < width; x++) {
    if (mask[x] === 0 && out[x] === 0) {
      out[x] = 1;
      stack[top++] = x;
    }
    const b = last + x;
    if (mask[b] === 0 && out[b] === 0) {
      out[b] = 1;
      stack[top++] = b;
    }
  }
  for (let y = 0; y < height; y++) {
    const l = y * width;
    const r = l + width - 1;
    if (mask[l] === 0 && out[l] === 0) {
      out[l] = 1;
      stack[top++] = l;
    }
    if (mask[r] === 0 && out[r] === 0) {
      out[r] = 1;
      stack[top++] = r;
    }
  }
  while (top > 0) {
    const p = stack[--top];
    const y = (p / width) | 0;
    const x = p - y * width;
    if (x > 0 && mask[p - 1] === 0 && out[p - 1] === 0) {
      out[p - 1] = 1;
      stack[top++] = p - 1;
    }
    if (x < width - 1 && mask[p + 1] === 0 && out[p + 1] === 0) {
      out[p + 1] = 1;
      stack[top++] = p + 1;
    }
    if (y > 0 && mask[p - width] === 0 && out[p - width] === 0) {
      out[p - width] = 1;
      stack[top++] = p - width;
    }
    if (y < height - 1 && mask[p + width] === 0 && out[p + width] === 0) {
      out[p + width] = 1;
      stack[top++] = p + width;
    }
  }
  for (let i = 0; i < width * height; i++) out[i] ^= 1;
  return out;
}

/**
 * Distance from every set pixel to the nearest unset pixel, in physical units, by a two-pass 3×3
 * chamfer transform (exact along rows and columns, within about 8% on diagonals in between).
 *
 * Parameters: `mask` – row-major bytes `width` × `height`; `dx`, `dy` – pixel size along columns and
 * rows (e.g. mm); `outsideIsSet` – whether pixels beyond the image border count as set (true: the
 * border is not an edge, as for a breast cut by the detector edge) or unset.
 * Returns: Float32Array of distances (0 on unset pixels).
 */
export function chamferDistance(
  mask: Uint8Array,
  width: number,
  height: number,
  dx: number,
  dy: number,
  outsideIsSet: boolean,
): Float32Array {
  const big = 1e30;
  const dd = Math.hypot(dx, dy);
  const edge = outsideIsSet ? big : 0;
  const dist = new Float32Array(width * height);
  for (let i = 0; i < dist.length; i++) dist[i] = mask[i] !== 0 ? big : 0;
  // Forward pass: neighbours above and to the left.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let d = dist[p];
      if (d === 0) continue;
      const left = x > 0 ? dist[p - 1] : edge;
      const up = y > 0 ? dist[p - width] : edge;
      const upLeft = x > 0 && y > 0 ? dist[p - width - 1] : edge;
      const upRight = x < width - 1 && y > 0 ? dist[p - width + 1] : edge;
      if (left + dx < d) d = left + dx;
      if (up + dy < d) d = up + dy;
      if (upLeft + dd < d) d = upLeft + dd;
      if (upRight + dd < d) d = upRight + dd;
      dist[p] = d;
    }
  }
  // Backward pass: neighbours below and to the right.
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      let d = dist[p];
      if (d === 0) continue;
      const right = x < width - 1 ? dist[p + 1] : edge;
      const down = y < height - 1 ? dist[p + width] : edge;
      const downRight = x < width - 1 && y < height - 1 ? dist[p + width + 1] : edge;
      const downLeft = x > 0 && y < height - 1 ? dist[p + width - 1] : edge;
      if (right + dx < d) d = right + dx;
      if (down + dy < d) d = down + dy;
      if (downRight + dd < d) d = downRight + dd;
      if (downLeft + dd < d) d = downLeft + dd;
      dist[p] = d;
    }
  }
  return dist;
}

/**
 * Binary opening by a disk: erosion then dilation, both through chamfer distances (so the disk is a
 * chamfer disk, within about 8% of Euclidean), removing parts narrower than 2·radius.
 *
 * Parameters: `mask` – row-major bytes `width` × `height`; `radiusPx` – disk radius in pixels (> 0).
 * Returns: a new mask; pixels beyond the image border count as unset.
 */
export function openByDisk(mask: Uint8Array, width: number, height: number, radiusPx: number): Uint8Array {
  const inner = chamferDistance(mask, width, height, 1, 1, false);
  const eroded = new Uint8Array(width * height);
  for (let i = 0; i < eroded.length; i++) eroded[i] = inner[i] > radiusPx ? 1 : 0;
  const outsideEroded = new Uint8Array(width * height);
  for (let i = 0; i < eroded.length; i++) outsideEroded[i] = eroded[i] === 0 ? 1 : 0;
  const toEroded = chamferDistance(outsideEroded, width, height, 1, 1, true);
  const opened = new Uint8Array(width * height);
  for (let i = 0; i < opened.length; i++) opened[i] = eroded[i] !== 0 || toEroded[i] <= radiusPx ? 1 : 0;
  return opened;
}

/**
 * The 8-connected component of a mask that contains pixel `start`.
 *
 * Parameters: `mask` – row-major bytes `width` × `height`; `start` – linear index of a pixel.
 * Returns: a new mask holding only that component (all zeros when `start` is unset).
 */
export function componentAt(mask: Uint8Array, width: number, height: number, start: number): Uint8Array {
  return componentAtInto(
    mask,
    width,
    height,
    start,
    new Uint8Array(width * height),
    new Int32Array(width * height),
  );
}

/**
 * componentAt into caller-owned buffers (no allocation).
 *
 * Parameters: as componentAt; `out` – result buffer of width · height bytes (may not be `mask`);
 * `stack` – scratch of at least width · height entries.
 * Returns: `out`.
 */
export function componentAtInto(
  mask: Uint8Array,
  width: number,
  height: number,
  start: number,
  out: Uint8Array,
  stack: Int32Array,
): Uint8Array {
  out.fill(0, 0, width * height);
  if (mask[start] === 0) return out;
  let top = 0;
  stack[top++] = start;
  out[start] = 1;
  while (top > 0) {
    const p = stack[--top];
    const y = (p / width) | 0;
    const x = p - y * width;
    for (let yy = y - 1; yy <= y + 1; yy++) {
      if (yy < 0 || yy >= height) continue;
      for (let xx = x - 1; xx <= x + 1; xx++) {
        if (xx < 0 || xx >= width) continue;
        const q = yy * width + xx;
        if (mask[q] !== 0 && out[q] === 0) {
          out[q] = 1;
          stack[top++] = q;
        }
      }
    }
  }
  return out;
}
