import type { AnalysisResult } from '@calcscope/contracts';
import type { GrayImage } from '@calcscope/imaging';
import sharp from 'sharp';

/** Colours of the overlay: clusters amber, single MCs cyan, masses red, lesion labels white. */
const CLUSTER_COLOUR = '#ffb000';
const MC_COLOUR = '#00e5ff';
const MASS_COLOUR = '#ff3040';

/**
 * Draws an analysis on its image: cluster boxes with their MC count, each MC as a ring, each mass
 * contour, and lesion labels.
 *
 * Parameters
 * ----------
 * image : the decoded image the analysis was computed on (intensities in [0, 1]).
 * result : that image's analysis; coordinates are pixels of `image`.
 * maxSide : the longer side of the written PNG in pixels (the drawing is scaled down, never up).
 *
 * Returns PNG bytes (8-bit RGB).
 */
export async function renderOverlayPng(
  image: GrayImage,
  result: AnalysisResult,
  maxSide = 2048,
): Promise<Uint8Array> {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const gray = new Uint8Array(image.width * image.height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(Math.min(1, Math.max(0, image.data[i])) * 255);

  const base = await sharp(gray, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(width, height, { kernel: 'lanczos3' })
    .toColourspace('srgb')
    .png()
    .toBuffer();
  const svg = overlaySvg(result, width, height, scale);
  const png = await sharp(base)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** The vector layer of the overlay as SVG, in output pixels (`scale` × image pixels). */
export function overlaySvg(result: AnalysisResult, width: number, height: number, scale: number): string {
  const stroke = Math.max(1.5, Math.round(Math.max(width, height) / 600));
  const font = Math.max(12, Math.round(Math.max(width, height) / 60));
  const s = (v: number) => (v * scale).toFixed(1);
  const parts: string[] = [];
  for (const cluster of result.clusters) {
    const b = cluster.bbox;
    parts.push(
      `<rect x="${s(b.x)}" y="${s(b.y)}" width="${s(b.width)}" height="${s(b.height)}" fill="none" stroke="${CLUSTER_COLOUR}" stroke-width="${stroke}"/>`,
      `<text x="${s(b.x)}" y="${(b.y * scale - stroke * 2).toFixed(1)}" fill="${CLUSTER_COLOUR}" font-size="${font}" font-family="sans-serif">${cluster.id} (${cluster.mcCount} MC)</text>`,
    );
    const mmToPx = scale / result.image.pixelSpacingMm[1];
    for (const mc of cluster.microcalcifications) {
      const r = Math.max(2, (mc.diameterMm / 2) * mmToPx + stroke);
      parts.push(
        `<circle cx="${s(mc.x)}" cy="${s(mc.y)}" r="${r.toFixed(1)}" fill="none" stroke="${MC_COLOUR}" stroke-width="${Math.max(1, stroke / 2)}"/>`,
      );
    }
  }
  for (const mass of result.masses) {
    const points = mass.contour.map(([x, y]) => `${s(x)},${s(y)}`).join(' ');
    parts.push(
      `<polygon points="${points}" fill="none" stroke="${MASS_COLOUR}" stroke-width="${stroke}"/>`,
      `<text x="${s(mass.bbox.x + mass.bbox.width)}" y="${s(mass.bbox.y)}" fill="${MASS_COLOUR}" font-size="${font}" font-family="sans-serif">${mass.id}</text>`,
    );
  }
  for (const lesion of result.lesions) {
    const b = lesion.bbox;
    parts.push(
      `<text x="${s(b.x)}" y="${((b.y + b.height) * scale + font).toFixed(1)}" fill="#ffffff" font-size="${font}" font-family="sans-serif">${lesion.id}: ${lesion.kind}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}
