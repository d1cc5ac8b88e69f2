/** Items of a list printed before "… and N more". */
const LIST_LIMIT = 40;

/**
 * Renders any JSON-like summary object as a nested Markdown bullet list, so the report shows every field of
 * a dataset summary without depending on its exact shape: scalars as `key: value`, lists of scalars
 * inline, lists of objects one bullet per item (`k: v, k: v`), nested objects indented. Keys in camelCase
 * are spelled as words (`imagesWithoutLesions` → `images without lesions`). Long lists are cut after
 * 40 items with "… and N more".
 *
 * @param summary - the object.
 * @param depth - indentation level (default 0).
 * @returns Markdown lines.
 */
export function summaryToMarkdown(summary: object, depth = 0): string[] {
  const indent = '  '.repeat(depth);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(summary)) {
    const name = words(key);
    if (Array.isArray(value)) {
      if (value.every((v) => !isObject(v))) {
        lines.push(`${indent}- ${name} (${value.length})${value.length > 0 ? `: ${inlineList(value)}` : ''}`);
      } else {
        lines.push(`${indent}- ${name} (${value.length}):`);
        for (const item of value.slice(0, LIST_LIMIT)) {
          lines.push(`${indent}  - ${isObject(item) ? inlineObject(item) : scalar(item)}`);
        }
        if (value.length > LIST_LIMIT) lines.push(`${indent}  - … and ${value.length - LIST_LIMIT} more`);
      }
    } else if (isObject(value)) {
      lines.push(`${indent}- ${name}:`, ...summaryToMarkdown(value, depth + 1));
    } else {
      lines.push(`${indent}- ${name}: ${scalar(value)}`);
    }
  }
  return lines;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function words(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v.replace(/\|/g, '\\|');
  return String(v);
}

function inlineList(values: readonly unknown[]): string {
  const shown = values.slice(0, LIST_LIMIT).map((v) => (Array.isArray(v) ? `[${inlineList(v)}]` : scalar(v)));
  return values.length > LIST_LIMIT
    ? `${shown.join(', ')}, … and ${values.length - LIST_LIMIT} more`
    : shown.join(', ');
}

function inlineObject(o: Record<string, unknown>): string {
  return Object.entries(o)
    .map(
      ([k, v]) =>
        `${words(k)}: ${Array.isArray(v) ? `[${inlineList(v)}]` : isObject(v) ? `{${inlineObject(v)}}` : scalar(v)}`,
    )
    .join(', ');
}
