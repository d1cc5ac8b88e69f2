import { describe, expect, it } from 'vitest';
import { csvField, parseCsv } from './csv';

describe('parseCsv', () => {
  it('reads plain records with their line numbers and skips blank lines', () => {
    const { records, problems } = parseCsv('a,b,c\n1,2,3\n\n4,,6\n');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 4, fields: ['4', '', '6'] },
    ]);
  });

  it('handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and a BOM', () => {
    const text = '\ufeffid,note\r\n"x,1","say ""hi"""\r\n"y","two\r\nlines"\r\nz,last';
    const { records, problems } = parseCsv(text);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['x,1', 'say "hi"'],
      ['y', 'two\r\nlines'],
      ['z', 'last'],
    ]);
    // The record after a two-line field starts on line 5.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('keeps a trailing empty field', () => {
    expect(parseCsv('a,\n').records[0].fields).toEqual(['a', '']);
  });

  it('reports syntax problems with the record line and still returns the record', () => {
    const { records, problems } = parseCsv('a,b\n"x"y,1\nq"r,2\n"open,3\n');
    expect(problems.map((p) => p.row)).toEqual([2, 3, 4]);
    expect(problems[0].message).toMatch(/after a closing quote/);
    expect(problems[1].message).toMatch(/inside an unquoted field/);
    expect(problems[2].message).toMatch(/never closed/);
    expect(records[1].fields).toEqual(['xy', '1']);
  });

  it('round-trips fields quoted by csvField', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', 'two\nlines', ''];
    const line = fields.map(csvField).join(',');
    expect(parseCsv(line).records[0].fields).toEqual(fields);
  });
});
