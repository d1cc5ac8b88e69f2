import type { DatasetProblem } from './errors';

/** One CSV record: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** Records and the syntax problems met while reading them. */
export interface ParsedCsv {
  readonly records: CsvRecord[];
  readonly problems: DatasetProblem[];
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

/**
 * Parses CSV text (RFC 4180): fields separated by commas, records by LF or CRLF; a field in double quotes
 * may hold commas, line breaks and doubled quotes (`""` → `"`). A leading UTF-8 byte-order mark is dropped
 * and blank lines are skipped. Fields are returned as written (no trimming, no type conversion).
 *
 * Parameters
 * ----------
 * text : the file's contents.
 *
 * Returns the records in file order, each with the line number it starts on, and the syntax problems
 * (a quote that is never closed, text after a closing quote, a quote inside an unquoted field), each
 * with the line number of its record. A record with a problem is still returned with its best reading,
 * so the caller can report everything in one pass.
 */
export function parseCsv(text: string): ParsedCsv {
  const records: CsvRecord[] = [];
  const problems: DatasetProblem[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Blank line: skip it (a trailing newline, or an empty line between records).
    if (c === LF || c === CR) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    let recordProblem: string | null = null;
    for (;;) {
      let field = '';
      if (text.charCodeAt(i) === QUOTE) {
        i++;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            field += text.slice(i);
            line += countLineBreaks(text, i, n);
            i = n;
            break;
          }
          field += text.slice(i, q);
          line += countLineBreaks(text, i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            closed = true;
            break;
          }
        }
        if (!closed) recordProblem ??= 'a quoted field is never closed';
        // Anything between the closing quote and the next separator is malformed; keep it readable.
        const end = nextSeparator(text, i);
        if (end > i) {
          recordProblem ??= 'text after a closing quote';
          field += text.slice(i, end);
          i = end;
        }
      } else {
        const end = nextSeparator(text, i);
        field = text.slice(i, end);
        if (field.includes('"')) recordProblem ??= 'a double quote inside an unquoted field';
        i = end;
      }
      fields.push(field);
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      // End of record: a line break or the end of the text.
      if (i < n) {
        i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
      }
      break;
    }
    records.push({ line: start, fields });
    if (recordProblem) problems.push({ row: start, message: `CSV syntax: ${recordProblem}` });
  }
  return { records, problems };
}

/** Index of the next comma, CR or LF at or after `from` (text length when none). */
function nextSeparator(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === LF || c === CR) return i;
    i++;
  }
  return i;
}

/** Line breaks (LF, CRLF or lone CR each count once) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/** Quotes a field for CSV output when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
