import sharp from 'sharp';

/**
 * Rasterises an SVG document to PNG with sharp (librsvg) at 72 dpi, so one SVG pixel unit is one image
 * pixel, and drops the alpha channel (the figures have an opaque white background).
 *
 * @param svg - a standalone SVG document with pixel width and height.
 * @returns the PNG bytes (RGB, 8 bits per channel).
 * @throws Error from sharp when the SVG cannot be parsed.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' }).png().toBuffer();
}
