import type { Point } from '@calcscope/imaging';

/** Moore neighbourhood, clockwise on screen (y grows downwards): E, SE, S, SW, W, NW, N, NE. */
const DX = [1, 1, 0, -1, -1, -1, 0, 1];
const DY = [0, 1, 1, 1, 0, -1, -1, -1];

/** Direction index of the step (dx, dy), both in {-1, 0, 1}, not both 0. */
function directionOf(dx: number, dy: number): number {
  for (let d = 0; d < 8; d++) if (DX[d] === dx && DY[d] === dy) return d;
  return -1;
}

/**
 * Outer boundary of the 8-connected object that contains the first set pixel (raster order) of a
 * binary mask, by Moore-neighbour tracing.
 *
 * The trace starts at the topmost-leftmost pixel and runs clockwise on screen (image x to the right,
 * y downwards), visiting boundary pixels in order; it stops when it is about to repeat its first step,
 * so pixels on one-pixel-wide parts appear once per pass. Holes are not traced.
 *
 * Parameters: `mask` – row-major bytes `width` × `height` (non-zero = object); `offsetX`, `offsetY` –
 * added to every returned coordinate (to report a crop's contour in image coordinates).
 * Returns: the boundary pixels as points (first not repeated at the end); [] for an empty mask,
 * a single point for a one-pixel object.
 */
export function traceContour(
  mask: Uint8Array,
  width: number,
  height: number,
  offsetX = 0,
  offsetY = 0,
): Point[] {
  let start = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 0) {
      start = i;
      break;
    }
  }
  if (start < 0) return [];
  const isSet = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] !== 0;
  const sy = (start / width) | 0;
  const sx = start - sy * width;
  const contour: Point[] = [{ x: sx + offsetX, y: sy + offsetY }];
  let cx = sx;
  let cy = sy;
  // The pixel west of the start is background (the start is the first set pixel of its row).
  let back = 4;
  let firstStep = -1;
  const limit = 4 * mask.length + 8;
  for (let steps = 0; steps < limit; steps++) {
    let next = -1;
    for (let i = 1; i <= 8; i++) {
      const d = (back + i) % 8;
      if (isSet(cx + DX[d], cy + DY[d])) {
        next = d;
        break;
      }
    }
    if (next < 0) return contour;
    if (cx === sx && cy === sy) {
      if (firstStep < 0) firstStep = next;
      else if (next === firstStep) return contour;
    }
    // The last background neighbour checked becomes the backtrack pixel of the new position.
    const prev = (next + 7) % 8;
    const nx = cx + DX[next];
    const ny = cy + DY[next];
    back = directionOf(cx + DX[prev] - nx, cy + DY[prev] - ny);
    cx = nx;
    cy = ny;
    if (cx === sx && cy === sy) continue;
    contour.push({ x: cx + offsetX, y: cy + offsetY });
  }
  return contour;
}
