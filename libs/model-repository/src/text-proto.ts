/**
 * A parser for the protobuf text format (what Triton's config.pbtxt is written in), producing a generic
 * tree: no schema, fields in file order. The typed reading of Triton's ModelConfig lives in config-parse.
 *
 * Supported: `#` comments; fields `name: scalar`, `name: { ... }` / `name { ... }` (also `< ... >`);
 * lists `name: [ a, b ]` of scalars and `name [ { ... }, { ... } ]` of messages (a list is the same as
 * repeating the key); `,` or `;` after a field; double- or single-quoted strings with C escapes
 * (adjacent strings concatenate); decimal, hex, octal and floating-point numbers with a leading `-`;
 * identifiers (enum values, true/false). Not supported: extension (`[pkg.ext]`) and Any fields.
 */
import { ModelRepositoryError } from './errors';

/** A string, number or identifier (enum value, boolean) as written. */
export type TextProtoScalar =
  | { kind: 'string'; value: string }
  /** `text` keeps the literal so callers can refuse integers beyond 2^53 that `value` cannot hold. */
  | { kind: 'number'; value: number; text: string }
  | { kind: 'identifier'; value: string };

/** A message: its fields in file order; a repeated field occurs once per element. */
export interface TextProtoMessage {
  kind: 'message';
  fields: TextProtoField[];
}

export type TextProtoValue = TextProtoScalar | TextProtoMessage;

/** One occurrence of a field; `line` (1-based) locates it for error messages. */
export interface TextProtoField {
  name: string;
  value: TextProtoValue;
  line: number;
}

interface Token {
  kind: 'identifier' | 'number' | 'string' | 'punctuation';
  /** Identifier or punctuation text, the number literal, or the decoded string. */
  text: string;
  line: number;
  column: number;
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const NUMBER_LITERAL = /(?:0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fF]?)/y;
const PUNCTUATION = '{}[]<>:,;-';
const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

function syntaxError(message: string, line: number, column: number): ModelRepositoryError {
  return new ModelRepositoryError('INVALID_CONFIG', `text format, line ${line} column ${column}: ${message}`);
}

function pushUtf8(bytes: number[], codePoint: number): void {
  for (const byte of Buffer.from(String.fromCodePoint(codePoint), 'utf8')) bytes.push(byte);
}

/**
 * Decode a quoted string starting at `start` (the opening quote).
 *
 * Returns the decoded text (escapes resolved as bytes, the bytes read as UTF-8) and the index after the
 * closing quote. Raises INVALID_CONFIG for a newline or the end of input before the closing quote, or an
 * unknown escape.
 */
function readString(text: string, start: number, line: number, column: number): [string, number] {
  const quote = text[start];
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    const ch = text[i];
    if (ch === '\n') throw syntaxError('newline inside a string', line, column);
    if (ch !== '\\') {
      const codePoint = text.codePointAt(i)!;
      pushUtf8(bytes, codePoint);
      i += codePoint > 0xffff ? 2 : 1;
      continue;
    }
    const escaped = text[i + 1];
    if (escaped === undefined) throw syntaxError('string not closed', line, column);
    if (escaped in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[escaped]);
      i += 2;
    } else if (/[0-7]/.test(escaped)) {
      const octal = /[0-7]{1,3}/y;
      octal.lastIndex = i + 1;
      const digits = octal.exec(text)![0];
      bytes.push(Number.parseInt(digits, 8) & 0xff);
      i += 1 + digits.length;
    } else if (escaped === 'x' || escaped === 'X') {
      const hex = /[0-9a-fA-F]{1,2}/y;
      hex.lastIndex = i + 2;
      const digits = hex.exec(text)?.[0];
      if (digits === undefined) throw syntaxError('\\x without hex digits', line, column);
      bytes.push(Number.parseInt(digits, 16));
      i += 2 + digits.length;
    } else if (escaped === 'u' || escaped === 'U') {
      const width = escaped === 'u' ? 4 : 8;
      const digits = text.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits))
        throw syntaxError(`\\${escaped} needs ${width} hex digits`, line, column);
      const codePoint = Number.parseInt(digits, 16);
      if (codePoint > 0x10ffff) throw syntaxError('code point beyond U+10FFFF', line, column);
      pushUtf8(bytes, codePoint);
      i += 2 + width;
    } else {
      throw syntaxError(`unknown escaped \\${escaped}`, line, column);
    }
  }
  if (i >= text.length) throw syntaxError('string not closed', line, column);
  return [Buffer.from(bytes).toString('utf8'), i + 1];
}

/** Split text-format source into tokens, dropping whitespace and `#` comments; raises INVALID_CONFIG. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const column = i - lineStart + 1;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '"' || ch === "'") {
      const [value, end] = readString(text, i, line, column);
      const previous = tokens[tokens.length - 1];
      // Consecutive string literals are one value, as in C.
      if (previous?.kind === 'string') previous.text += value;
      else tokens.push({ kind: 'string', text: value, line, column });
      i = end;
    } else if (IDENTIFIER_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && IDENTIFIER_PART.test(text[end])) end++;
      tokens.push({ kind: 'identifier', text: text.slice(i, end), line, column });
      i = end;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER_LITERAL.lastIndex = i;
      const literal = NUMBER_LITERAL.exec(text)?.[0];
      if (literal === undefined) throw syntaxError(`unexpected '${ch}'`, line, column);
      const end = i + literal.length;
      if (end < text.length && /[A-Za-z0-9_.]/.test(text[end]))
        throw syntaxError(`malformed number '${text.slice(i, end + 1)}'`, line, column);
      tokens.push({ kind: 'number', text: literal, line, column });
      i = end;
    } else if (PUNCTUATION.includes(ch)) {
      tokens.push({ kind: 'punctuation', text: ch, line, column });
      i++;
    } else {
      throw syntaxError(`unexpected character '${ch}'`, line, column);
    }
  }
  return tokens;
}

/** The value of a number literal: hex (0x), octal (leading 0), else decimal or float (f suffix dropped). */
function numberValue(literal: string): number {
  if (/^0[xX]/.test(literal)) return Number.parseInt(literal.slice(2), 16);
  if (/^0[0-7]+$/.test(literal)) return Number.parseInt(literal, 8);
  return Number(literal.replace(/[fF]$/, ''));
}

const SPECIAL_FLOATS: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  nan: Number.NaN,
};

class TextProtoParser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) {
      const last = this.tokens[this.tokens.length - 1];
      throw syntaxError(`expected ${expected}, found the end of input`, last?.line ?? 1, last?.column ?? 1);
    }
    return token;
  }

  private isPunctuation(token: Token | undefined, text: string): boolean {
    return token?.kind === 'punctuation' && token.text === text;
  }

  /** Fields until `closing` (or the end of input at top level, `closing` null). */
  parseFields(closing: string | null): TextProtoField[] {
    const fields: TextProtoField[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined) {
        if (closing === null) return fields;
        const last = this.tokens[this.tokens.length - 1];
        throw syntaxError(`expected '${closing}', found the end of input`, last.line, last.column);
      }
      if (closing !== null && this.isPunctuation(token, closing)) {
        this.position++;
        return fields;
      }
      this.parseField(fields);
      const separator = this.peek();
      if (this.isPunctuation(separator, ',') || this.isPunctuation(separator, ';')) this.position++;
    }
  }

  private parseField(fields: TextProtoField[]): void {
    const nameToken = this.next('a field name');
    if (nameToken.kind !== 'identifier') {
      const what = this.isPunctuation(nameToken, '[') ? 'extension fields are not supported' : 'a field name';
      throw syntaxError(`expected ${what}, found '${nameToken.text}'`, nameToken.line, nameToken.column);
    }
    const field = (value: TextProtoValue): TextProtoField => ({
      name: nameToken.text,
      value,
      line: nameToken.line,
    });
    const hasColon = this.isPunctuation(this.peek(), ':');
    if (hasColon) this.position++;
    const start = this.peek();
    if (this.isPunctuation(start, '{') || this.isPunctuation(start, '<')) {
      fields.push(field(this.parseMessage()));
    } else if (this.isPunctuation(start, '[')) {
      this.position++;
      if (this.isPunctuation(this.peek(), ']')) {
        this.position++;
        return;
      }
      for (;;) {
        const element = this.peek();
        const isMessage = this.isPunctuation(element, '{') || this.isPunctuation(element, '<');
        if (!isMessage && !hasColon)
          throw syntaxError(`':' required before a list of scalars`, nameToken.line, nameToken.column);
        fields.push(field(isMessage ? this.parseMessage() : this.parseScalar()));
        const after = this.next(`',' or ']'`);
        if (this.isPunctuation(after, ']')) return;
        if (!this.isPunctuation(after, ','))
          throw syntaxError(`expected ',' or ']', found '${after.text}'`, after.line, after.column);
      }
    } else {
      if (!hasColon)
        throw syntaxError(`expected ':' after '${nameToken.text}'`, nameToken.line, nameToken.column);
      fields.push(field(this.parseScalar()));
    }
  }

  private parseMessage(): TextProtoMessage {
    const open = this.next(`'{'`);
    return { kind: 'message', fields: this.parseFields(open.text === '{' ? '}' : '>') };
  }

  private parseScalar(): TextProtoScalar {
    const token = this.next('a value');
    if (token.kind === 'string') return { kind: 'string', value: token.text };
    if (token.kind === 'number') return { kind: 'number', value: numberValue(token.text), text: token.text };
    if (token.kind === 'identifier') {
      const special = SPECIAL_FLOATS[token.text.toLowerCase()];
      if (special !== undefined) return { kind: 'number', value: special, text: token.text };
      return { kind: 'identifier', value: token.text };
    }
    if (token.text === '-') {
      const operand = this.next('a number after -');
      if (operand.kind === 'number')
        return { kind: 'number', value: -numberValue(operand.text), text: `-${operand.text}` };
      const special = operand.kind === 'identifier' ? SPECIAL_FLOATS[operand.text.toLowerCase()] : undefined;
      if (special !== undefined) return { kind: 'number', value: -special, text: `-${operand.text}` };
      throw syntaxError(`expected a number after '-'`, operand.line, operand.column);
    }
    throw syntaxError(`expected a value, found '${token.text}'`, token.line, token.column);
  }
}

/**
 * Parse protobuf text format into a generic message tree.
 *
 * Parameters: `text` — the source (e.g. a config.pbtxt file's content).
 * Returns the top-level message; fields in file order, a list `[a, b]` expanded into one field per element.
 * Raises ModelRepositoryError INVALID_CONFIG with line and column for any syntax error.
 */
export function parseTextProto(text: string): TextProtoMessage {
  return { kind: 'message', fields: new TextProtoParser(tokenize(text)).parseFields(null) };
}

/**
 * Quote a string for the text format: `"` delimited; backslash, quotes and control characters escaped
 * (controls as 3-digit octal, the form every protobuf parser reads); other characters kept as UTF-8.
 */
export function quoteTextProtoString(value: string): string {
  let quoted = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || ch === "'") quoted += `\\${ch}`;
    else if (ch === '\n') quoted += '\\n';
    else if (ch === '\t') quoted += '\\t';
    else if (ch === '\r') quoted += '\\r';
    else if (code < 0x20 || code === 0x7f) quoted += `\\${code.toString(8).padStart(3, '0')}`;
    else quoted += ch;
  }
  return `${quoted}"`;
}
