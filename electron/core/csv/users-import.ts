import { randomUUID } from 'node:crypto';
import { COMMANDS, type Command } from '@shared/commands/catalogue';
import type { Role } from '@shared/domain/role';
import { emailKey } from '@shared/email';
import { ERROR_CODES, SeatdeskError, isSeatdeskError } from '@shared/errors';
import type { CsvImportPreview, CsvImportRow } from '@shared/ipc/models';
import { textProblem, textProblemMessage } from '@shared/text';
import { parseCsv, unguardFormula, type CsvIssue } from './rfc4180';

/**
 * Users from a CSV file, checked row by row before anything is queued: the same createUser
 * schema as the service (so the rules are the same), plus what the schema cannot see: role
 * names, repeated addresses in the file and addresses that already have an account.
 */

export const MAX_IMPORT_ROWS = 50_000;

type ImportField = keyof CsvImportRow['values'];
const FIELDS: readonly ImportField[] = ['firstName', 'lastName', 'email', 'roles', 'active'];
const REQUIRED: readonly ImportField[] = ['firstName', 'lastName', 'email'];

/** Header names as people write them, after lower-casing and turning spaces and dashes into _. */
const HEADER_ALIASES: Readonly<Record<string, ImportField>> = {
  first_name: 'firstName',
  firstname: 'firstName',
  given_name: 'firstName',
  last_name: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  family_name: 'lastName',
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  e_mail_address: 'email',
  roles: 'roles',
  role: 'roles',
  active: 'active',
};

const COLUMN_NAMES: Readonly<Record<ImportField, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  roles: 'roles',
  active: 'active',
};

const EXPECTED_HEADER = 'first_name,last_name,email,roles,active';

/**
 * A problem of the file as a whole: one sentence saying what is wrong and what to do, as the
 * message and as the one detail (path "csv"), so whatever shows the error shows the sentence.
 */
function fileProblem(message: string, line: number, reason: string): SeatdeskError {
  return new SeatdeskError('VALIDATION', message, [{ path: 'csv', line, reason, message }]);
}

/** How much of the file's start is looked at to tell text from a binary file. */
const SNIFF_CHARACTERS = 64 * 1024;

/**
 * A binary file (a workbook, an image) or one saved as UTF-16, read as UTF-8: more than 2 % of
 * its start are control characters or characters that were not UTF-8 (U+FFFD). A stray control
 * character in one cell is that row's problem, not the file's.
 */
function looksBinary(csvText: string): boolean {
  const start = csvText.slice(0, SNIFF_CHARACTERS);
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const odd = start.match(/[\ufffd\u0000-\u0008\u000b\u000c\u000e-\u001f]/g)?.length ?? 0;
  return odd >= 8 && odd / start.length > 0.02;
}

const NOT_TEXT =
  'This file is not a CSV text file: it looks like a workbook, an image or a file saved as UTF-16. ' +
  'Save it from your spreadsheet as “CSV UTF-8 (comma delimited)” and choose it again.';

/**
 * What the text rule calls the cells the createUser schema does not see (names and email go
 * through the schema, which says it in its own words).
 */
const CELL_SUBJECTS = { roles: 'Role names', active: 'Active values' } as const;

/**
 * A cell Seatdesk does not import (the header, another column, a value past the last column)
 * that breaks the text rule makes the file itself suspect: most often a spreadsheet saved as
 * UTF-16 or a binary file, whose NUL bytes are everywhere. Tab and line breaks are fine there.
 */
function refuseFile(line: number, where: string, problem: NonNullable<ReturnType<typeof textProblem>>): never {
  throw fileProblem(`${textProblemMessage('CSV files', problem)} ${where}. Save the file as “CSV UTF-8” and choose it again.`, line, 'not_text');
}

function checkHeaderText(cells: readonly string[]): void {
  for (const cell of cells) {
    const problem = textProblem(cell, 'multiline');
    if (problem !== null) refuseFile(1, 'The first row has one, so the file is probably not saved as text', problem);
  }
}

/** The cells of a data row outside the imported columns, under the rule. */
function checkOtherCellsText(fields: readonly string[], line: number, header: readonly string[], imported: ReadonlySet<number>): void {
  fields.forEach((cell, index) => {
    if (imported.has(index)) return;
    const problem = textProblem(cell, 'multiline');
    if (problem === null) return;
    const column = header[index];
    refuseFile(line, column === undefined ? `Line ${line} has one after the last column` : `Line ${line} has one in the column “${column.trim()}”`, problem);
  });
}

function headerKey(cell: string): string {
  return cell.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

const ACTIVE_VALUES: Readonly<Record<string, boolean>> = {
  '': true,
  yes: true,
  true: true,
  '1': true,
  no: false,
  false: false,
  '0': false,
};

export interface UsersImportOptions {
  orgId: string;
  /** Roles of the organization (others are ignored): names are resolved against these. */
  roles: readonly Pick<Role, 'id' | 'orgId' | 'name'>[];
  /** Addresses of the organization's current users, any status. */
  existingEmails: Iterable<string>;
  /** Client-made ids of the new users; randomUUID unless a test fixes them. */
  newId?: () => string;
  /** Defaults to MAX_IMPORT_ROWS. */
  maxRows?: number;
}

/** A preview without its previewId (the caller keeps the commands under one) plus the commands. */
export interface UsersImportPlan extends Omit<CsvImportPreview, 'previewId'> {
  /** One createUser per valid row, in file order. */
  commands: Extract<Command, { name: 'createUser' }>[];
}

export function toCsvImportPreview(plan: UsersImportPlan, previewId: string): CsvImportPreview {
  return { previewId, orgId: plan.orgId, rows: plan.rows, validCount: plan.validCount, invalidCount: plan.invalidCount };
}

/** Role names of one organization, looked up as typed first, then ignoring case. */
function roleResolver(roles: readonly Pick<Role, 'id' | 'name'>[]) {
  const exact = new Map<string, string>();
  const folded = new Map<string, string[]>();
  for (const role of roles) {
    const name = role.name.trim();
    exact.set(name, role.id);
    const key = name.toLowerCase();
    folded.set(key, [...(folded.get(key) ?? []), role.id]);
  }
  const known = roles.map((role) => role.name).join(', ');
  return (cell: string): { roleIds: string[]; error: string | null } => {
    const roleIds: string[] = [];
    const unknown: string[] = [];
    const ambiguous: string[] = [];
    for (const part of cell.split(';')) {
      const name = part.trim();
      if (name === '') continue;
      const matches = exact.has(name) ? [exact.get(name)!] : (folded.get(name.toLowerCase()) ?? []);
      if (matches.length === 0) unknown.push(name);
      else if (matches.length > 1) ambiguous.push(name);
      else if (!roleIds.includes(matches[0]!)) roleIds.push(matches[0]!);
    }
    if (unknown.length > 0) {
      const names = unknown.map((name) => `“${name}”`).join(', ');
      const list = known === '' ? 'This organization has no roles yet.' : `Roles of this organization: ${known}.`;
      return { roleIds, error: `Unknown role${unknown.length > 1 ? 's' : ''} ${names}. ${list}` };
    }
    if (ambiguous.length > 0) {
      return { roleIds, error: `More than one role is called “${ambiguous[0]}” when case is ignored: write it exactly as the role is named.` };
    }
    return { roleIds, error: null };
  };
}

function pathToField(path: readonly PropertyKey[]): ImportField | 'row' {
  switch (path[0]) {
    case 'firstName':
      return 'firstName';
    case 'lastName':
      return 'lastName';
    case 'email':
      return 'email';
    case 'roleIds':
      return 'roles';
    case 'active':
      return 'active';
    default:
      return 'row';
  }
}

function parseFile(csvText: string, maxRows: number) {
  try {
    // The header is one record more than the rows; a file far past the limit stops early.
    return parseCsv(csvText, { maxRecords: maxRows + 1, maxFields: 500, skipBlankLines: true });
  } catch (error) {
    const issue = isSeatdeskError(error) ? (error.details as CsvIssue[] | undefined)?.[0] : undefined;
    if (issue?.reason === 'too_many_records') {
      const limit = maxRows.toLocaleString('en');
      const message = `The file has more than ${limit} rows of users. Import at most ${limit} at a time: split the file and import each part.`;
      throw new SeatdeskError('VALIDATION', message, [{ ...issue, message }], { cause: error });
    }
    throw error;
  }
}

/** Reads the header row into field → column index, or refuses the file saying what is missing. */
function readHeader(cells: readonly string[]): Map<ImportField, number> {
  const columns = new Map<ImportField, number>();
  cells.forEach((cell, index) => {
    const field = HEADER_ALIASES[headerKey(cell)];
    if (field === undefined) return; // other columns (status, organization, ...) are ignored
    if (columns.has(field)) {
      throw fileProblem(`The first row names the column ${COLUMN_NAMES[field]} twice. Keep one and choose the file again.`, 1, 'repeated_column');
    }
    columns.set(field, index);
  });
  const missing = REQUIRED.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    const names = missing.map((field) => COLUMN_NAMES[field]);
    const list = names.length === 1 ? `${names[0]} column` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} columns`;
    const message =
      `The first row has no ${list}. It must be the header row: ${EXPECTED_HEADER} ` +
      `(roles and active may be left out; other columns are ignored).`;
    throw fileProblem(message, 1, 'missing_columns');
  }
  return columns;
}

export function previewUsersImport(csvText: string, options: UsersImportOptions): UsersImportPlan {
  const maxRows = options.maxRows ?? MAX_IMPORT_ROWS;
  if (looksBinary(csvText)) throw fileProblem(NOT_TEXT, 1, 'not_text');
  const records = parseFile(csvText, maxRows);
  const [header, ...data] = records;
  if (header === undefined) {
    throw fileProblem(`The file is empty. Its first row must be the header row: ${EXPECTED_HEADER}, and each row after it one user.`, 1, 'empty');
  }
  checkHeaderText(header.fields);
  const columns = readHeader(header.fields);
  if (data.every((record) => record.fields.every((cell) => cell.trim() === ''))) {
    throw fileProblem('The file has a header row but no users. Add one row per user below it and choose the file again.', 2, 'no_rows');
  }
  const imported = new Set(columns.values());
  const width = header.fields.length;

  const resolveRoles = roleResolver(options.roles.filter((role) => role.orgId === options.orgId));
  const existing = new Set<string>();
  for (const email of options.existingEmails) existing.add(emailKey(email));
  const firstLineOf = new Map<string, number>();
  const newId = options.newId ?? randomUUID;
  const createUser = COMMANDS.createUser.args;

  const rows: CsvImportRow[] = [];
  const commands: UsersImportPlan['commands'] = [];
  for (const record of data) {
    // A row of empty cells (",,,," as spreadsheets save them) is not a user.
    if (record.fields.every((cell) => cell.trim() === '')) continue;
    checkOtherCellsText(record.fields, record.line, header.fields, imported);

    const cell = (field: ImportField): string => {
      const index = columns.get(field);
      return index === undefined ? '' : unguardFormula((record.fields[index] ?? '').trim());
    };
    const values: CsvImportRow['values'] = {
      firstName: cell('firstName'),
      lastName: cell('lastName'),
      email: cell('email'),
      roles: cell('roles'),
      active: cell('active'),
    };
    const errors: CsvImportRow['errors'] = [];
    const addError = (field: ImportField | 'row', message: string) => {
      if (!errors.some((error) => error.field === field)) errors.push({ field, message });
    };

    if (record.fields.length > width && record.fields.slice(width).some((extra) => extra.trim() !== '')) {
      addError(
        'row',
        `This row has ${record.fields.length} values but the header has ${width} columns. A value with a comma must be in quotes.`,
      );
    }
    // The rule before the cell is read, so a message never quotes the character back.
    for (const field of ['roles', 'active'] as const) {
      const problem = textProblem(values[field]);
      if (problem !== null) addError(field, textProblemMessage(CELL_SUBJECTS[field], problem));
    }
    const roles = resolveRoles(textProblem(values.roles) === null ? values.roles : '');
    if (roles.error !== null) addError('roles', roles.error);
    const active = ACTIVE_VALUES[values.active.toLowerCase()];
    if (active === undefined) addError('active', 'Write yes or no (or leave it empty for yes).');

    const id = newId();
    const parsed = createUser.safeParse({
      orgId: options.orgId,
      id,
      firstName: values.firstName,
      lastName: values.lastName,
      email: values.email,
      roleIds: roles.roleIds,
      active: active ?? true,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) addError(pathToField(issue.path), issue.message);
    }

    const emailOk = parsed.success || !parsed.error.issues.some((issue) => issue.path[0] === 'email');
    if (emailOk && values.email !== '') {
      const key = emailKey(values.email);
      const firstLine = firstLineOf.get(key);
      if (existing.has(key)) addError('email', ERROR_CODES.DUPLICATE_EMAIL.summary);
      else if (firstLine !== undefined) addError('email', `This email address is already on line ${firstLine}.`);
      else firstLineOf.set(key, record.line);
    }

    // Errors in the order of the columns, so the preview reads left to right.
    errors.sort((a, b) => FIELDS.indexOf(a.field as ImportField) - FIELDS.indexOf(b.field as ImportField));
    rows.push({ line: record.line, values, errors });
    if (errors.length === 0 && parsed.success) commands.push({ name: 'createUser', args: parsed.data });
  }

  return {
    orgId: options.orgId,
    rows,
    validCount: commands.length,
    invalidCount: rows.length - commands.length,
    commands,
  };
}
