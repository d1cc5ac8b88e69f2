import { formatFixed } from './format';

/** One model's ROC curve in a figure. */
export interface RocSeries {
  /** Legend name, e.g. `SAE`. */
  readonly label: string;
  readonly auc: number;
  /** Points (fpr[i], tpr[i]) in curve order, from (0, 0) to (1, 1). */
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
}

/** Layout of a ROC figure. */
export interface RocFigureOptions {
  /** Title above the plot. */
  readonly title?: string;
  /** Side of the square plot area in pixels (default 520). */
  readonly plotSize?: number;
}

/** An SVG document and its pixel size. */
export interface SvgFigure {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

const MARGIN = { left: 76, right: 24, top: 52, bottom: 68 } as const;
const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** Curve styles in series order: colour and dash pattern differ, so the figure also reads in grey. */
const STYLES: readonly { color: string; dash: string; width: number }[] = [
  { color: '#d62728', dash: '', width: 2.6 },
  { color: '#1f77b4', dash: '9 4', width: 2.2 },
  { color: '#2ca02c', dash: '3 3', width: 2.2 },
  { color: '#ff7f0e', dash: '12 4 3 4', width: 2.2 },
  { color: '#9467bd', dash: '6 3', width: 2.2 },
  { color: '#8c564b', dash: '2 5', width: 2.2 },
];

/**
 * Draws ROC curves like the paper's Fig. 5: x axis 1 − specificity, y axis sensitivity, both 0–1 with
 * ticks every 0.2 and a light grid, the chance diagonal dashed in grey, one polyline per model and a legend
 * with each model's AUC (lower right, where ROC curves leave room).
 *
 * @param series - the curves (up to 6 distinct styles; further series reuse them).
 * @param options - title and plot size.
 * @returns a standalone SVG (white background, pixel units) and its width and height.
 */
export function rocFigureSvg(series: readonly RocSeries[], options: RocFigureOptions = {}): SvgFigure {
  const size = options.plotSize ?? 520;
  const width = MARGIN.left + size + MARGIN.right;
  const height = MARGIN.top + size + MARGIN.bottom;
  const px = (fpr: number) => MARGIN.left + fpr * size;
  const py = (tpr: number) => MARGIN.top + (1 - tpr) * size;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);

  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    const label = v.toFixed(1);
    parts.push(
      `<line x1="${px(v)}" y1="${py(0)}" x2="${px(v)}" y2="${py(1)}" stroke="#e6e6e6" stroke-width="1"/>`,
      `<line x1="${px(0)}" y1="${py(v)}" x2="${px(1)}" y2="${py(v)}" stroke="#e6e6e6" stroke-width="1"/>`,
      `<line x1="${px(v)}" y1="${py(0)}" x2="${px(v)}" y2="${py(0) + 6}" stroke="#000000" stroke-width="1.2"/>`,
      `<line x1="${px(0) - 6}" y1="${py(v)}" x2="${px(0)}" y2="${py(v)}" stroke="#000000" stroke-width="1.2"/>`,
      text(px(v), py(0) + 22, label, { anchor: 'middle', size: 13 }),
      text(px(0) - 10, py(v) + 4.5, label, { anchor: 'end', size: 13 }),
    );
  }
  parts.push(
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#888888" stroke-width="1.2" stroke-dasharray="5 5"/>`,
  );
  series.forEach((s, k) => {
    const style = STYLES[k % STYLES.length];
    const points = s.fpr.map((f, i) => `${round(px(f))},${round(py(s.tpr[i]))}`).join(' ');
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${style.color}" stroke-width="${style.width}" stroke-linejoin="round"${dash}/>`,
    );
  });
  parts.push(
    `<rect x="${px(0)}" y="${py(1)}" width="${size}" height="${size}" fill="none" stroke="#000000" stroke-width="1.4"/>`,
    text(px(0.5), height - 18, '1 − specificity (false-positive rate)', { anchor: 'middle', size: 15 }),
    `<g transform="translate(${22} ${py(0.5)}) rotate(-90)">${text(0, 0, 'Sensitivity (true-positive rate)', { anchor: 'middle', size: 15 })}</g>`,
  );
  if (options.title)
    parts.push(text(width / 2, 30, options.title, { anchor: 'middle', size: 17, bold: true }));

  if (series.length > 0) {
    const rowHeight = 24;
    const legendWidth = 230;
    const legendHeight = 12 + rowHeight * series.length;
    const x0 = px(1) - legendWidth - 12;
    const y0 = py(0) - legendHeight - 12;
    parts.push(
      `<rect x="${x0}" y="${y0}" width="${legendWidth}" height="${legendHeight}" fill="#ffffff" fill-opacity="0.92" stroke="#999999" stroke-width="1"/>`,
    );
    series.forEach((s, k) => {
      const style = STYLES[k % STYLES.length];
      const y = y0 + 6 + rowHeight * k + rowHeight / 2;
      const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
      parts.push(
        `<line x1="${x0 + 12}" y1="${y}" x2="${x0 + 52}" y2="${y}" stroke="${style.color}" stroke-width="${style.width}"${dash}/>`,
        text(x0 + 62, y + 5, `${s.label} (AUC = ${formatFixed(s.auc)})`, { anchor: 'start', size: 14 }),
      );
    });
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n${parts.join('\n')}\n</svg>\n`;
  return { svg, width, height };
}

function text(
  x: number,
  y: number,
  content: string,
  style: { anchor: 'start' | 'middle' | 'end'; size: number; bold?: boolean },
): string {
  const weight = style.bold ? ' font-weight="bold"' : '';
  return `<text x="${round(x)}" y="${round(y)}" font-family="${FONT}" font-size="${style.size}" text-anchor="${style.anchor}" fill="#000000"${weight}>${escapeXml(content)}</text>`;
}

/** Escapes the five XML special characters. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
