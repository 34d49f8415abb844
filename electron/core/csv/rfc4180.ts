import { SeatdeskError } from '@shared/errors';

/**
 * CSV as RFC 4180 describes it, read leniently where spreadsheets differ (LF or lone CR line
 * ends, a UTF-8 byte order mark, no final line end) and strictly where a mistake would shift
 * columns (an unclosed quote, text after a closing quote). Written strictly: CRLF, quotes
 * only where needed, and a formula guard for spreadsheets.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

export interface ParseCsvOptions {
  /** Refuse (VALIDATION) a file with more records than this, before reading the rest. */
  maxRecords?: number;
  /** Refuse (VALIDATION) a record with more fields than this. */
  maxFields?: number;
  /** Leave out empty lines (a record of one empty, unquoted field). */
  skipBlankLines?: boolean;
}

/** Details of a VALIDATION error from parseCsv: what went wrong and on which line. */
export interface CsvIssue {
  path: 'csv';
  message: string;
  line: number;
  reason: 'unclosed_quote' | 'text_after_quote' | 'too_many_records' | 'too_many_fields';
}

function csvError(reason: CsvIssue['reason'], line: number, message: string): SeatdeskError {
  const issue: CsvIssue = { path: 'csv', message, line, reason };
  return new SeatdeskError('VALIDATION', message, [issue]);
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Line ends in text[from, to): CRLF counts once, and so do a lone LF or CR. */
function countLineEnds(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const maxFields = options.maxFields ?? Number.POSITIVE_INFINITY;
  const n = text.length;
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        quotedAny = true;
        const openedOn = line;
        let start = i + 1;
        let pieces = '';
        for (;;) {
          const q = text.indexOf('"', start);
          if (q < 0) {
            throw csvError(
              'unclosed_quote',
              openedOn,
              `Line ${openedOn}: a quoted value is never closed. Check for a missing " on that line.`,
            );
          }
          line += countLineEnds(text, start, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            pieces += text.slice(start, q + 1); // "" is one quote
            start = q + 2;
            continue;
          }
          pieces += text.slice(start, q);
          i = q + 1;
          break;
        }
        value = pieces;
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          throw csvError(
            'text_after_quote',
            line,
            `Line ${line}: there is text after a closing quote. Put the whole value in quotes and write a quote inside it as "".`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (fields.length > maxFields) {
        throw csvError('too_many_fields', recordLine, `Line ${recordLine} has more than ${maxFields} values.`);
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        if (i >= n) {
          fields.push(''); // a trailing comma at the very end is one more empty field
          break;
        }
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    const blank = fields.length === 1 && fields[0] === '' && !quotedAny;
    if (blank && options.skipBlankLines === true) continue;
    records.push({ line: recordLine, fields });
    if (records.length > maxRecords) {
      throw csvError('too_many_records', recordLine, `The file has more than ${maxRecords} rows.`);
    }
  }
  return records;
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a formula,
 * so a name like `=HYPERLINK(...)` in an export could act on the reader's machine. Such cells
 * get a leading apostrophe, which spreadsheets show as text. Plain numbers (a credit of
 * "-12.50") are left alone: they are not formulas, and guarding them would break the column.
 */
export function guardFormula(cell: string): string {
  if (!/^[=+\-@\t\r]/.test(cell)) return cell;
  if (/^[+-]?\d+(\.\d+)?$/.test(cell)) return cell;
  return `'${cell}`;
}

/** Undoes guardFormula for a cell read back (our own exports, imported again). */
export function unguardFormula(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function quoteField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export interface WriteCsvOptions {
  /** Guard cells against formula injection (default true). */
  guardFormulas?: boolean;
  /** Start with a UTF-8 byte order mark, so Excel reads accents correctly (default true). */
  bom?: boolean;
}

/** Rows of cells to CSV text: CRLF after every row, quotes where a cell needs them. */
export function writeCsv(rows: readonly (readonly string[])[], options: WriteCsvOptions = {}): string {
  const guard = options.guardFormulas ?? true;
  const out: string[] = [];
  for (const row of rows) {
    out.push(row.map((cell) => quoteField(guard ? guardFormula(cell) : cell)).join(','));
  }
  return (options.bom === false ? '' : '\ufeff') + out.map((line) => `${line}\r\n`).join('');
}
