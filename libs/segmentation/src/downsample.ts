/** A row-major float plane with its size: what the internal filters work on. */
export interface Plane {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * Block-mean downsampling by integer factors: each output pixel is the mean of an fx × fy block.
 *
 * The last block of a row or column may be partial (when the size is not a multiple of the factor);
 * it is averaged over the pixels it has. Output pixel (i, j) covers input columns [i·fx, (i+1)·fx) and
 * rows [j·fy, (j+1)·fy).
 *
 * Parameters: `src` – row-major plane `width` × `height`; `fx`, `fy` – integer factors ≥ 1 along
 * columns and rows.
 * Returns: the plane of size ceil(width / fx) × ceil(height / fy).
 */
export function downsampleMean(
  src: Float32Array,
  width: number,
  height: number,
  fx: number,
  fy: number,
): Plane {
  return downsampleWindow(src, width, 0, 0, width, height, fx, fy);
}

/**
 * Block-mean downsampling of the window [x0, x0 + w) × [y0, y0 + h) of a plane, without copying it;
 * the same block layout as downsampleMean, with blocks starting at (x0, y0).
 *
 * Parameters: `src` – row-major plane `width` pixels wide; `x0`, `y0`, `w`, `h` – the window (inside
 * the plane); `fx`, `fy` – integer factors ≥ 1.
 * Returns: the plane of size ceil(w / fx) × ceil(h / fy).
 */
export function downsampleWindow(
  src: Float32Array,
  width: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  fx: number,
  fy: number,
): Plane {
  const ow = Math.ceil(w / fx);
  const oh = Math.ceil(h / fy);
  const data = new Float32Array(ow * oh);
  const rowAcc = new Float64Array(ow);
  const lastCols = w - (ow - 1) * fx;
  for (let j = 0; j < oh; j++) {
    rowAcc.fill(0);
    const r0 = j * fy;
    const r1 = Math.min(r0 + fy, h);
    for (let r = r0; r < r1; r++) {
      const base = (y0 + r) * width + x0;
      for (let i = 0, x = 0; i < ow; i++) {
        const xEnd = Math.min(x + fx, w);
        let s = 0;
        for (; x < xEnd; x++) s += src[base + x];
        rowAcc[i] += s;
      }
    }
    const rowsIn = r1 - r0;
    for (let i = 0; i < ow; i++) {
      const cols = i === ow - 1 ? lastCols : fx;
      data[j * ow + i] = rowAcc[i] / (rowsIn * cols);
    }
  }
  return { width: ow, height: oh, data };
}

/**
 * Nearest-neighbour sampling of a full-resolution byte mask on the block grid of downsampleWindow:
 * output pixel (i, j) takes the mask at the centre of its block.
 *
 * Parameters: `mask` – row-major bytes `width` pixels wide; `x0`, `y0`, `w`, `h`, `fx`, `fy` – as in
 * downsampleWindow.
 * Returns: bytes of size ceil(w / fx) × ceil(h / fy).
 */
export function sampleMaskWindow(
  mask: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  fx: number,
  fy: number,
): Uint8Array {
  const ow = Math.ceil(w / fx);
  const oh = Math.ceil(h / fy);
  const out = new Uint8Array(ow * oh);
  for (let j = 0; j < oh; j++) {
    const y = y0 + Math.min(h - 1, j * fy + (fy >> 1));
    for (let i = 0; i < ow; i++) {
      const x = x0 + Math.min(w - 1, i * fx + (fx >> 1));
      out[j * ow + i] = mask[y * width + x] !== 0 ? 1 : 0;
    }
  }
  return out;
}
