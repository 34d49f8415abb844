import { describe, expect, it } from 'vitest';
import { isSeatdeskError, type SeatdeskError } from '@shared/errors';
import { guardFormula, parseCsv, unguardFormula, writeCsv, type CsvIssue } from './rfc4180';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

function csvFailure(run: () => unknown): { error: SeatdeskError; issue: CsvIssue } {
  try {
    run();
  } catch (error) {
    if (!isSeatdeskError(error)) throw error;
    const [issue] = error.details as CsvIssue[];
    return { error, issue: issue! };
  }
  throw new Error('expected a VALIDATION error');
}

describe('parseCsv', () => {
  it('reads plain records with CRLF, LF or lone CR line ends', () => {
    expect(fields('a,b,c\r\n1,2,3\r\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\r1,2\r')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\r\n1,2\n3,4\r5,6')).toEqual([['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  });

  it('treats the final line end as optional and adds no empty record for it', () => {
    expect(fields('a,b')).toEqual([['a', 'b']]);
    expect(fields('a,b\r\n')).toEqual([['a', 'b']]);
    expect(fields('')).toEqual([]);
  });

  it('drops a UTF-8 byte order mark at the start only', () => {
    expect(fields('\ufeffemail,name\nx,\ufeffy')).toEqual([['email', 'name'], ['x', '\ufeffy']]);
    expect(fields('\ufeff')).toEqual([]);
  });

  it('reads quoted values with commas, escaped quotes and embedded line ends', () => {
    const text = '"Lee, Ann","She said ""hi""","line one\r\nline two\nline three"\r\nnext,"",x\r\n';
    expect(fields(text)).toEqual([
      ['Lee, Ann', 'She said "hi"', 'line one\r\nline two\nline three'],
      ['next', '', 'x'],
    ]);
  });

  it('keeps empty fields, including leading and trailing ones', () => {
    expect(fields(',a,\n,,\n')).toEqual([['', 'a', ''], ['', '', '']]);
    expect(fields('a,')).toEqual([['a', '']]);
    expect(fields(',')).toEqual([['', '']]);
  });

  it('keeps spaces and a stray quote inside an unquoted value as they are', () => {
    expect(fields(' a , 5\'10" tall ,b')).toEqual([[' a ', ' 5\'10" tall ', 'b']]);
  });

  it('numbers records by the line they start on, across multi-line values', () => {
    const records = parseCsv('h1,h2\n"multi\nline\r\nvalue",x\r\nlast,y\rafter,z');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 6]);
  });

  it('reports blank lines as records unless asked to skip them', () => {
    expect(fields('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
    const skipped = parseCsv('a\n\n\r\nb\n""\n', { skipBlankLines: true });
    // A quoted empty value is a value, not a blank line.
    expect(skipped).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
      { line: 5, fields: [''] },
    ]);
  });

  it('refuses an unclosed quote with VALIDATION naming the line where it opened', () => {
    const { error, issue } = csvFailure(() => parseCsv('name,email\nAnn,ann@x.example\n"Bob,bob@x.example\nCat,cat@x.example\n'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('Line 3: a quoted value is never closed. Check for a missing " on that line.');
    expect(issue).toMatchObject({ path: 'csv', line: 3, reason: 'unclosed_quote' });
  });

  it('refuses text after a closing quote, naming its line', () => {
    const { error, issue } = csvFailure(() => parseCsv('a,b\n"multi\nline"oops,c\n'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/^Line 3: there is text after a closing quote/);
    expect(issue).toMatchObject({ line: 3, reason: 'text_after_quote' });
  });

  it('stops at the record limit and the field limit', () => {
    const many = 'x\n'.repeat(1_000);
    expect(parseCsv(many, { maxRecords: 1_000 })).toHaveLength(1_000);
    const { issue } = csvFailure(() => parseCsv(many + 'y\n', { maxRecords: 1_000 }));
    expect(issue).toMatchObject({ reason: 'too_many_records', line: 1_001 });
    const wide = ','.repeat(300);
    expect(csvFailure(() => parseCsv(`ok\n${wide}`, { maxFields: 200 })).issue).toMatchObject({ reason: 'too_many_fields', line: 2 });
  });

  it('survives hostile input: a lone quote, only quotes, control characters and NULs', () => {
    expect(csvFailure(() => parseCsv('"')).issue.reason).toBe('unclosed_quote');
    expect(fields('""""')).toEqual([['"']]);
    expect(fields('a\u0000b,\u0007\n')).toEqual([['a\u0000b', '\u0007']]);
    // A long run of separators stays linear and bounded by maxFields.
    expect(parseCsv(','.repeat(100_000))[0]!.fields).toHaveLength(100_001);
  });
});

describe('writeCsv', () => {
  it('writes CRLF rows with a byte order mark, quoting only where needed', () => {
    const text = writeCsv([
      ['name', 'note'],
      ['Lee, Ann', 'said "hi"'],
      ['plain', 'two\nlines'],
    ]);
    expect(text).toBe('\ufeffname,note\r\n"Lee, Ann","said ""hi"""\r\nplain,"two\nlines"\r\n');
    expect(writeCsv([['a']], { bom: false })).toBe('a\r\n');
  });

  it('guards cells a spreadsheet would run as formulas', () => {
    expect(writeCsv([['=SUM(A1:A9)', '+31 20 555', '-cmd', '@import', '\tx', 'safe', 'a=b']], { bom: false })).toBe(
      "'=SUM(A1:A9),'+31 20 555,'-cmd,'@import,'\tx,safe,a=b\r\n",
    );
    // The guard applies before quoting, so a quoted formula is guarded inside its quotes.
    expect(writeCsv([['=HYPERLINK("http://x","y")']], { bom: false })).toBe('"\'=HYPERLINK(""http://x"",""y"")"\r\n');
    expect(writeCsv([['=1+1']], { bom: false, guardFormulas: false })).toBe('=1+1\r\n');
  });

  it('leaves plain numbers alone, negative ones included', () => {
    expect(['-12.50', '+3', '-0', '12', '-1+2', '-1e5'].map(guardFormula)).toEqual(['-12.50', '+3', '-0', '12', "'-1+2", "'-1e5"]);
    expect(unguardFormula("'=x")).toBe('=x');
    expect(unguardFormula("'plain")).toBe("'plain");
  });

  it('round-trips: parsing what it wrote gives back the same values', () => {
    const rows = [
      ['first', 'last', 'note'],
      ['Zoë', 'O’Brien', 'comma, "quote" and\r\nnew line'],
      ['', ' padded ', '\ufefflooks like a BOM'],
      ['日本', 'x\ry', '"'],
    ];
    const back = parseCsv(writeCsv(rows)).map((r) => r.fields);
    expect(back).toEqual(rows);
  });
});
