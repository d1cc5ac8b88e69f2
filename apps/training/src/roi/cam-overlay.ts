import sharp from 'sharp';
import { RoiError } from './errors';

/** One ROI with its class activation map, both `pixels × pixels` row-major. */
export interface CamPanel {
  readonly roi: Float32Array;
  readonly cam: Float32Array;
}

/**
 * Paints a CAM over its ROI into an RGB buffer: the ROI in gray (min–max stretched over the ROI), the CAM as a
 * diverging overlay — red where it is positive (evidence for class 1: IDC, malignant), blue where negative —
 * with opacity 0.6·|cam| / max|cam| (a symmetric scale, so 0 stays transparent). Each ROI sample becomes a
 * `scale × scale` block.
 *
 * @param panel - ROI and CAM.
 * @param pixels - Side of both.
 * @param scale - Output pixels per sample (≥ 1).
 * @param out - RGB buffer of (pixels·scale)² · 3 bytes, or a larger image's buffer with `stride` and offsets.
 * @param stride - Bytes per output row (default pixels·scale·3).
 * @param offsetX - First output column (default 0).
 * @param offsetY - First output row (default 0).
 * @throws RoiError `INVALID_DATA` when the arrays are not pixels² long.
 */
export function paintCamOverlay(
  panel: CamPanel,
  pixels: number,
  scale: number,
  out: Uint8Array,
  stride = pixels * scale * 3,
  offsetX = 0,
  offsetY = 0,
): void {
  const area = pixels * pixels;
  if (panel.roi.length !== area || panel.cam.length !== area)
    throw new RoiError('INVALID_DATA', `ROI and CAM must both hold ${pixels}×${pixels} values`);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let camMax = 0;
  for (let i = 0; i < area; i++) {
    lo = Math.min(lo, panel.roi[i]);
    hi = Math.max(hi, panel.roi[i]);
    camMax = Math.max(camMax, Math.abs(panel.cam[i]));
  }
  const span = hi > lo ? hi - lo : 1;
  for (let y = 0; y < pixels; y++) {
    for (let x = 0; x < pixels; x++) {
      const i = y * pixels + x;
      const gray = (255 * (panel.roi[i] - lo)) / span;
      const c = camMax > 0 ? panel.cam[i] / camMax : 0;
      const alpha = 0.6 * Math.abs(c);
      const r = (1 - alpha) * gray + alpha * (c > 0 ? 255 : 0);
      const g = (1 - alpha) * gray;
      const b = (1 - alpha) * gray + alpha * (c < 0 ? 255 : 0);
      for (let dy = 0; dy < scale; dy++) {
        let o = (offsetY + y * scale + dy) * stride + (offsetX + x * scale) * 3;
        for (let dx = 0; dx < scale; dx++, o += 3) {
          out[o] = r;
          out[o + 1] = g;
          out[o + 2] = b;
        }
      }
    }
  }
}

/**
 * A CAM overlay as a PNG (`pixels·scale` square).
 *
 * @param panel - ROI and CAM.
 * @param pixels - Their side.
 * @param scale - Output pixels per sample (default 4: a 64² ROI becomes 256²).
 * @returns PNG bytes.
 */
export async function camOverlayPng(panel: CamPanel, pixels: number, scale = 4): Promise<Buffer> {
  const side = pixels * scale;
  const rgb = new Uint8Array(side * side * 3);
  paintCamOverlay(panel, pixels, scale, rgb);
  return sharp(rgb, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * Several CAM overlays side by side (one row, 4 px white gaps) as a PNG.
 *
 * @param panels - ROIs and CAMs.
 * @param pixels - Their side.
 * @param scale - Output pixels per sample (default 3).
 * @returns PNG bytes.
 * @throws RoiError `INVALID_DATA` for no panels.
 */
export async function camStripPng(panels: readonly CamPanel[], pixels: number, scale = 3): Promise<Buffer> {
  if (panels.length === 0) throw new RoiError('INVALID_DATA', 'no CAM panels to draw');
  const side = pixels * scale;
  const gap = 4;
  const width = panels.length * side + (panels.length - 1) * gap;
  const rgb = new Uint8Array(width * side * 3).fill(255);
  panels.forEach((panel, k) => {
    paintCamOverlay(panel, pixels, scale, rgb, width * 3, k * (side + gap), 0);
  });
  return sharp(rgb, { raw: { width, height: side, channels: 3 } })
    .png()
    .toBuffer();
}
