/** Test helpers: synthetic images and regions with known geometry. Not part of the library build. */
import type { GrayImage, Point, Region } from '@calcscope/imaging';
import { regionFromIndices } from '@calcscope/imaging';

/** A GrayImage filled with `background`, spacing in mm (row, col). */
export function blankImage(
  width: number,
  height: number,
  spacingMm: number | [number, number],
  background = 0,
) {
  const [row, col] = typeof spacingMm === 'number' ? [spacingMm, spacingMm] : spacingMm;
  const image: GrayImage = {
    width,
    height,
    data: new Float32Array(width * height).fill(background),
    pixelSpacingMm: { row, col },
    spacingAssumed: false,
    bitsStored: 16,
  };
  return image;
}

/** The pixels (x, y) of a width × height image for which `inside` holds. */
export function regionWhere(
  width: number,
  height: number,
  inside: (x: number, y: number) => boolean,
): Region {
  const indices: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (inside(x, y)) indices.push(y * width + x);
  return regionFromIndices(indices, width);
}

/** Pixels whose centres lie in the disk of radius r (px) around (cx, cy). */
export function diskRegion(width: number, height: number, cx: number, cy: number, r: number): Region {
  return regionWhere(width, height, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
}

/** Maps a region through a pixel-coordinate transform into an image of the given width and height. */
export function transformRegion(
  region: Region,
  width: number,
  outWidth: number,
  map: (x: number, y: number) => [number, number],
): Region {
  const out: number[] = [];
  for (const i of region.indices) {
    const y = Math.floor(i / width);
    const [nx, ny] = map(i - y * width, y);
    out.push(ny * outWidth + nx);
  }
  return regionFromIndices(out, outWidth);
}

/** Writes `value` into the image at every region pixel. */
export function paint(
  image: GrayImage,
  region: Region,
  value: number | ((x: number, y: number) => number),
): void {
  for (const i of region.indices) {
    const y = Math.floor(i / image.width);
    image.data[i] = typeof value === 'number' ? value : value(i - y * image.width, y);
  }
}

/**
 * Boundary pixels of a star-shaped region (pixels with a 4-neighbour outside), ordered by angle around
 * `centre`: the contour form of MassSegmentation for test shapes.
 */
export function starContour(region: Region, width: number, centre: Point): Point[] {
  const set = new Set(region.indices);
  const points: Point[] = [];
  for (const i of region.indices) {
    if (!set.has(i - 1) || !set.has(i + 1) || !set.has(i - width) || !set.has(i + width)) {
      const y = Math.floor(i / width);
      points.push({ x: i - y * width, y });
    }
  }
  const angle = (p: Point) => Math.atan2(p.y - centre.y, p.x - centre.x);
  return points.sort((a, b) => angle(a) - angle(b));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
