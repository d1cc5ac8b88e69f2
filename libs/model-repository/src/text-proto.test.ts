import { describe, expect, it } from 'vitest';
import { ModelRepositoryError } from './errors';
import type { TextProtoMessage, TextProtoValue } from './text-proto';
import { parseTextProto, quoteTextProtoString } from './text-proto';

/** Plain JS view of a parsed tree: [name, value] pairs, messages nested. */
function plain(message: TextProtoMessage): unknown[] {
  const view = (value: TextProtoValue): unknown => (value.kind === 'message' ? plain(value) : value.value);
  return message.fields.map((field) => [field.name, view(field.value)]);
}

function parseError(text: string): ModelRepositoryError {
  try {
    parseTextProto(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRepositoryError);
    return error as ModelRepositoryError;
  }
  throw new Error(`expected a syntax error for: ${text}`);
}

describe('parseTextProto', () => {
  it('reads scalars, nested messages with or without a colon, and skips # comments', () => {
    const text = `# header comment
      name: "m"   # trailing comment
      max_batch_size: 8
      kind: KIND_GPU
      outer { inner: { value: 1 } }
      angle < x: 2 >`;
    expect(plain(parseTextProto(text))).toEqual([
      ['name', 'm'],
      ['max_batch_size', 8],
      ['kind', 'KIND_GPU'],
      ['outer', [['inner', [['value', 1]]]]],
      ['angle', [['x', 2]]],
    ]);
  });

  it('expands lists into repeated fields, the same as repeating the key', () => {
    const asList = parseTextProto('dims: [ 4, -1 ]  input [ { name: "a" }, { name: "b" } ]');
    const asKeys = parseTextProto('dims: 4 dims: -1 input { name: "a" } input { name: "b" }');
    expect(plain(asList)).toEqual(plain(asKeys));
    expect(plain(asList)).toEqual([
      ['dims', 4],
      ['dims', -1],
      ['input', [['name', 'a']]],
      ['input', [['name', 'b']]],
    ]);
    expect(plain(parseTextProto('versions: [ ]'))).toEqual([]);
  });

  it('accepts , and ; after fields', () => {
    expect(plain(parseTextProto('a: 1, b: 2; c { d: 3, }'))).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', [['d', 3]]],
    ]);
  });

  it('decodes string escapes and concatenates adjacent literals', () => {
    const [[, value]] = plain(parseTextProto(String.raw`s: "q\"b\\s\n\101\x42\u00e9" 'it''s'`)) as [
      string,
      string,
    ][];
    expect(value).toBe('q"b\\s\nAB\u00e9its');
    const [[, bytes]] = plain(parseTextProto(String.raw`s: "\303\251"`)) as [string, string][];
    expect(bytes).toBe('\u00e9'); // octal escapes are UTF-8 bytes
  });

  it('reads decimal, hex, octal, float and signed numbers', () => {
    const values = plain(parseTextProto('a: 0x1F b: 010 c: -7 d: 1.5e3 e: 2.5f f: -inf g: .5'));
    expect(values).toEqual([
      ['a', 31],
      ['b', 8],
      ['c', -7],
      ['d', 1500],
      ['e', 2.5],
      ['f', Number.NEGATIVE_INFINITY],
      ['g', 0.5],
    ]);
  });

  it('records the line of each field', () => {
    const parsed = parseTextProto('a: 1\n\n  b {\n  c: 2 }');
    expect(parsed.fields.map((field) => field.line)).toEqual([1, 3]);
  });

  it('refuses malformed text with the line and column', () => {
    expect(parseError('name "x"').message).toMatch(/line 1 column 1: expected ':' after 'name'/);
    expect(parseError('a {\n  b: 1\n').message).toMatch(/expected '}', found the end of input/);
    expect(parseError('s: "open\n"').message).toMatch(/newline inside a string/);
    expect(parseError('s: "ends in a backslash\\').message).toMatch(/string not closed/);
    expect(parseError("s: 'never closed").message).toMatch(/string not closed/);
    expect(parseError('dims [ 1, 2 ]').message).toMatch(/':' required before a list of scalars/);
    expect(parseError('a: 12abc').message).toMatch(/malformed number/);
    expect(parseError('[ext]: 1').message).toMatch(/extension fields are not supported/);
    expect(parseError('a: }').message).toMatch(/expected a value/);
    expect(parseError('a: 1 }').code).toBe('INVALID_CONFIG');
  });
});

describe('quoteTextProtoString', () => {
  it('quotes so that parsing gives back the same string', () => {
    for (const original of [
      'plain',
      'say "hi"',
      'back\\slash',
      "it's",
      'line\nbreak\ttab\r',
      '\u0001\u007f',
      'é✓😀',
    ]) {
      const [[, value]] = plain(parseTextProto(`s: ${quoteTextProtoString(original)}`)) as [string, string][];
      expect(value).toBe(original);
    }
  });
});
