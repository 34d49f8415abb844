import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@shared/commands/catalogue';
import { isSeatdeskError } from '@shared/errors';
import type { Role } from '@shared/domain/role';
import { MAX_IMPORT_ROWS, previewUsersImport, toCsvImportPreview, type UsersImportOptions } from './users-import';

function uuid(n: number, prefix = 0): string {
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ORG = uuid(1, 0xa);
const OTHER_ORG = uuid(2, 0xa);
type ImportRole = Pick<Role, 'id' | 'orgId' | 'name'>;
const admin: ImportRole = { id: uuid(1, 0xb), orgId: ORG, name: 'Administrator' };
const member: ImportRole = { id: uuid(2, 0xb), orgId: ORG, name: 'Member' };
const support: ImportRole = { id: uuid(3, 0xb), orgId: ORG, name: 'Support Desk' };
const foreign: ImportRole = { id: uuid(4, 0xb), orgId: OTHER_ORG, name: 'Reseller staff' };

function options(overrides: Partial<UsersImportOptions> = {}): UsersImportOptions {
  let n = 0;
  return {
    orgId: ORG,
    roles: [admin, member, support, foreign],
    existingEmails: ['taken@northwind.example'],
    newId: () => uuid(++n, 0xe),
    ...overrides,
  };
}

function validationOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isSeatdeskError(error)) return error;
    throw error;
  }
  throw new Error('expected a VALIDATION error');
}

describe('previewUsersImport', () => {
  it('turns valid rows into createUser commands with client-made ids', () => {
    const csv =
      'first_name,last_name,email,roles,active\r\n' +
      'Ann,Lee,Ann@Northwind.EXAMPLE,Member; administrator,yes\r\n' +
      'Bob,Chen,bob@northwind.example,,no\r\n' +
      'Cat,"de Vries",cat@northwind.example,support desk,\r\n';
    const plan = previewUsersImport(csv, options());
    expect(plan.validCount).toBe(3);
    expect(plan.invalidCount).toBe(0);
    expect(plan.rows.map((r) => r.errors)).toEqual([[], [], []]);
    expect(plan.rows[0]).toEqual({
      line: 2,
      values: { firstName: 'Ann', lastName: 'Lee', email: 'Ann@Northwind.EXAMPLE', roles: 'Member; administrator', active: 'yes' },
      errors: [],
    });
    expect(plan.commands).toEqual([
      {
        name: 'createUser',
        args: {
          orgId: ORG,
          id: uuid(1, 0xe),
          firstName: 'Ann',
          lastName: 'Lee',
          email: 'Ann@northwind.example',
          roleIds: [member.id, admin.id],
          permissions: [],
          active: true,
        },
      },
      {
        name: 'createUser',
        args: { orgId: ORG, id: uuid(2, 0xe), firstName: 'Bob', lastName: 'Chen', email: 'bob@northwind.example', roleIds: [], permissions: [], active: false },
      },
      {
        name: 'createUser',
        args: { orgId: ORG, id: uuid(3, 0xe), firstName: 'Cat', lastName: 'de Vries', email: 'cat@northwind.example', roleIds: [support.id], permissions: [], active: true },
      },
    ]);
    for (const command of plan.commands) expect(COMMANDS.createUser.args.safeParse(command.args).success).toBe(true);
  });

  it('accepts headers as people write them, in any order, and ignores other columns', () => {
    const csv = '\ufeffE-mail,Status,First Name,LAST NAME,Role\nann@x.example,active,Ann,Lee,Member\n';
    const plan = previewUsersImport(csv, options());
    expect(plan.rows[0]!.values).toEqual({ firstName: 'Ann', lastName: 'Lee', email: 'ann@x.example', roles: 'Member', active: '' });
    expect(plan.commands[0]!.args).toMatchObject({ roleIds: [member.id], active: true });
  });

  it('reads every spelling of active', () => {
    const values = ['yes', 'YES', 'true', 'True', '1', '', 'no', 'No', 'false', 'FALSE', '0'];
    const csv = ['first_name,last_name,email,active', ...values.map((v, i) => `A,B,u${i}@x.example,${v}`)].join('\n');
    const plan = previewUsersImport(csv, options());
    expect(plan.commands.map((c) => c.args.active)).toEqual([true, true, true, true, true, true, false, false, false, false, false]);
  });

  it('reports per-field errors with the line, and queues only the valid rows', () => {
    const long = 'x'.repeat(101);
    const csv = [
      'first_name,last_name,email,roles,active',
      'Ann,Lee,not-an-email,,yes', // line 2
      ',Chen,bob@x.example,,', // line 3
      `Cat,${long},cat@x.example,,maybe`, // line 4
      'Dan,Ng,dan@x.example,Member;Janitor;Wizard,', // line 5
      'Eve,Ok,eve@x.example,Reseller staff,', // line 6: a role of another organization
      'Fay,Ok,fay@x.example,,', // line 7: valid
    ].join('\n');
    const plan = previewUsersImport(csv, options());
    expect(plan.validCount).toBe(1);
    expect(plan.invalidCount).toBe(5);
    const byLine = new Map(plan.rows.map((r) => [r.line, r.errors]));
    expect(byLine.get(2)).toEqual([{ field: 'email', message: 'Enter a valid email address, such as name@example.com.' }]);
    expect(byLine.get(3)).toEqual([{ field: 'firstName', message: 'Enter a name.' }]);
    expect(byLine.get(4)!.map((e) => e.field)).toEqual(['lastName', 'active']);
    expect(byLine.get(4)![1]!.message).toBe('Write yes or no (or leave it empty for yes).');
    expect(byLine.get(5)).toEqual([
      {
        field: 'roles',
        message: 'Unknown roles “Janitor”, “Wizard”. Roles of this organization: Administrator, Member, Support Desk.',
      },
    ]);
    expect(byLine.get(6)![0]!.message).toMatch(/^Unknown role “Reseller staff”\./);
    expect(byLine.get(7)).toEqual([]);
    expect(plan.commands.map((c) => c.args.email)).toEqual(['fay@x.example']);
  });

  it('refuses an email used twice in the file or already used in the organization', () => {
    const csv = [
      'first_name,last_name,email',
      'Ann,Lee,ann@x.example',
      'Ann,Again,ANN@X.example',
      'Tom,Taken,Taken@Northwind.example',
      'Ann,Third,ann@x.example',
    ].join('\r\n');
    const plan = previewUsersImport(csv, options());
    expect(plan.rows.map((r) => r.errors)).toEqual([
      [],
      [{ field: 'email', message: 'This email address is already on line 2.' }],
      [{ field: 'email', message: 'A user with this email address already exists in this organization.' }],
      [{ field: 'email', message: 'This email address is already on line 2.' }],
    ]);
    expect(plan.validCount).toBe(1);
  });

  it('flags a row with more values than columns (an unquoted comma), and reads short rows as empty', () => {
    const csv = 'first_name,last_name,email\nLee, Ann,Smith,ann@x.example\nBo,Chen\n';
    const plan = previewUsersImport(csv, options());
    expect(plan.rows[0]!.errors[0]).toEqual({
      field: 'row',
      message: 'This row has 4 values but the header has 3 columns. A value with a comma must be in quotes.',
    });
    expect(plan.rows[1]!.errors).toEqual([{ field: 'email', message: 'Enter a valid email address, such as name@example.com.' }]);
    expect(plan.validCount).toBe(0);
  });

  it('skips blank lines and rows of empty cells, keeping file line numbers', () => {
    const csv = 'first_name,last_name,email\n\n,,\nAnn,Lee,ann@x.example\n"multi\nline",Chen,bob@x.example\nCat,Ng,cat@x.example\n\n';
    const plan = previewUsersImport(csv, options());
    expect(plan.rows.map((r) => r.line)).toEqual([4, 5, 7]);
    expect(plan.rows[1]!.values.firstName).toBe('multi\nline');
  });

  it('reads back a formula-guarded cell as it was', () => {
    const plan = previewUsersImport("first_name,last_name,email\n'=Ann,'+Lee,ann@x.example\n", options());
    expect(plan.rows[0]!.values).toMatchObject({ firstName: '=Ann', lastName: '+Lee' });
  });

  it('needs the header row, naming the missing columns and the header it expects', () => {
    const noHeader = validationOf(() => previewUsersImport('Ann,Lee,ann@x.example\n', options()));
    expect(noHeader.code).toBe('VALIDATION');
    expect(noHeader.message).toBe(
      'The first row has no first_name, last_name and email columns. It must be the header row: first_name,last_name,email,roles,active (roles and active may be left out; other columns are ignored).',
    );
    expect(noHeader.details).toEqual([{ path: 'csv', line: 1, reason: 'missing_columns', message: noHeader.message }]);
    expect(validationOf(() => previewUsersImport('first_name,last_name\nAnn,Lee\n', options())).message).toMatch(/^The first row has no email column\. It must be the header row: first_name,last_name,email,roles,active/);
    expect(validationOf(() => previewUsersImport('first_name,last_name,email,E-mail\nAnn,Lee,a@x.example,\n', options())).message).toBe(
      'The first row names the column email twice. Keep one and choose the file again.',
    );
  });

  it('names an empty file, and a header with no users below it', () => {
    for (const empty of ['', '\ufeff', '\ufeff\n\n', '\r\n']) {
      const error = validationOf(() => previewUsersImport(empty, options()));
      expect(error.message).toBe('The file is empty. Its first row must be the header row: first_name,last_name,email,roles,active, and each row after it one user.');
      expect(error.details).toEqual([{ path: 'csv', line: 1, reason: 'empty', message: error.message }]);
    }
    expect(validationOf(() => previewUsersImport('first_name,last_name,email\n,,\n\n', options())).message).toBe(
      'The file has a header row but no users. Add one row per user below it and choose the file again.',
    );
  });

  it('names a file that is not text (a workbook, an image, UTF-16) before reading its rows', () => {
    const notText = /^This file is not a CSV text file: it looks like a workbook, an image or a file saved as UTF-16\. Save it from your spreadsheet as “CSV UTF-8 \(comma delimited\)” and choose it again\.$/;
    // An .xlsx is a ZIP archive; a PNG; both decoded as UTF-8 by the renderer's File.text().
    const zip = new TextDecoder().decode(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xd4, 0xfe, 0x8a, 0x01, 0x00, 0x00, 0x9c, 0x05, 0x00, 0x00, 0x13, 0x00, 0x08, 0x02]));
    const png = new TextDecoder().decode(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00, 0x5c, 0x72, 0xa8, 0x66]));
    for (const file of [zip, png]) {
      const error = validationOf(() => previewUsersImport(file, options()));
      expect(error.message).toMatch(notText);
      expect(error.details).toEqual([{ path: 'csv', line: 1, reason: 'not_text', message: error.message }]);
    }
  });

  it('passes on a broken quote as VALIDATION with the line number', () => {
    const error = validationOf(() => previewUsersImport('first_name,last_name,email\nAnn,Lee,ann@x.example\n"Bob,Chen,bob@x.example\n', options()));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/^Line 3: a quoted value is never closed/);
  });

  it('takes exactly the row limit and refuses one row more', () => {
    const rows = (count: number) => ['first_name,last_name,email', ...Array.from({ length: count }, (_, i) => `A,B,u${i}@x.example`)].join('\n');
    expect(previewUsersImport(rows(20), options({ maxRows: 20 })).validCount).toBe(20);
    const error = validationOf(() => previewUsersImport(rows(21), options({ maxRows: 20 })));
    expect(error.message).toBe('The file has more than 20 rows of users. Import at most 20 at a time: split the file and import each part.');
  });

  it(`refuses a file of more than ${MAX_IMPORT_ROWS.toLocaleString('en')} rows by default`, () => {
    const csv = 'first_name,last_name,email\n' + 'A,B,a@x.example\n'.repeat(MAX_IMPORT_ROWS + 1);
    const error = validationOf(() => previewUsersImport(csv, options()));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toBe('The file has more than 50,000 rows of users. Import at most 50,000 at a time: split the file and import each part.');
  });

  it('becomes a CsvImportPreview under the caller’s previewId', () => {
    const plan = previewUsersImport('first_name,last_name,email\nAnn,Lee,ann@x.example\n', options());
    const previewId = uuid(9, 0xf);
    expect(toCsvImportPreview(plan, previewId)).toEqual({ previewId, orgId: ORG, rows: plan.rows, validCount: 1, invalidCount: 0 });
  });

  describe('the text rule', () => {
    const header = 'first_name,last_name,email,roles,active';

    it('refuses a row whose cell breaks the rule, with the reason, and still imports the other rows', () => {
      const csv = [
        header,
        'Ann,Lee,ann@x.example,,', // line 2: valid
        'Bob,Ch\u0000en,bob@x.example,,', // line 3
        'C\u001b[31mat,Ng,cat@x.example,,', // line 4
        'Dan,Ng,dan\u0000@x.example,,', // line 5: the rule, not "not a valid email"
        'Eve,Ng,eve@x.example,Mem\u0000ber,', // line 6: not "Unknown role" with the character in it
        'Fay,Ng,fay@x.example,,y\u0007es', // line 7
        '"Gus\nGrey",Ng,gus@x.example,,', // line 8: a line break inside a quoted name
        'Hal,Ng,hal@x.example,Member,', // line 10: valid
      ].join('\n');
      const plan = previewUsersImport(csv, options());
      const byLine = new Map(plan.rows.map((r) => [r.line, r.errors]));
      expect(byLine.get(3)).toEqual([{ field: 'lastName', message: 'Names cannot contain control characters.' }]);
      expect(byLine.get(4)).toEqual([{ field: 'firstName', message: 'Names cannot contain control characters.' }]);
      expect(byLine.get(5)).toEqual([{ field: 'email', message: 'Email addresses cannot contain control characters.' }]);
      expect(byLine.get(6)).toEqual([{ field: 'roles', message: 'Role names cannot contain control characters.' }]);
      expect(byLine.get(7)).toEqual([{ field: 'active', message: 'Active values cannot contain control characters.' }]);
      expect(byLine.get(8)).toEqual([{ field: 'firstName', message: 'Names cannot contain control characters.' }]);
      expect(plan.commands.map((c) => c.args.email)).toEqual(['ann@x.example', 'hal@x.example']);
      expect(plan.validCount).toBe(2);
      expect(plan.invalidCount).toBe(6);
    });

    it('refuses a lone surrogate in a cell as broken characters', () => {
      const plan = previewUsersImport(`${header}\nAnn\ud800,Lee,ann@x.example,,\n`, options());
      expect(plan.rows[0]!.errors).toEqual([{ field: 'firstName', message: 'Names cannot contain broken characters (a lone UTF-16 surrogate).' }]);
    });

    it('keeps tabs and spaces around a cell out of the rule: cells are trimmed first', () => {
      const plan = previewUsersImport(`${header}\n\tAnn ,Lee\t,ann@x.example,,\n`, options());
      expect(plan.rows[0]!.errors).toEqual([]);
      expect(plan.commands[0]!.args).toMatchObject({ firstName: 'Ann', lastName: 'Lee' });
    });

    it('names a control character outside the imported columns as a problem of the file', () => {
      const error = validationOf(() =>
        previewUsersImport('first_name,last_name,email,notes\nAnn,Lee,ann@x.example,fine\nBob,Chen,bob@x.example,bi\u0000nary\n', options()),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toBe(
        'CSV files cannot contain control characters. Line 3 has one in the column “notes”. Save the file as “CSV UTF-8” and choose it again.',
      );
      expect(error.details).toEqual([{ path: 'csv', line: 3, reason: 'not_text', message: error.message }]);
    });

    it('names a file that is not UTF-8 text (NUL bytes from the first row on) as a problem of the file', () => {
      // A UTF-16 file read as UTF-8: every other character is a NUL.
      const utf16 = [...'first_name,last_name,email\nAnn,Lee,ann@x.example\n'].map((c) => `${c}\u0000`).join('');
      const error = validationOf(() => previewUsersImport(utf16, options()));
      expect(error.message).toMatch(/^This file is not a CSV text file/);
      expect(error.details).toEqual([{ path: 'csv', line: 1, reason: 'not_text', message: error.message }]);
      // One stray control character in the header of a text file says where it is.
      const header = validationOf(() => previewUsersImport('first_name,last_name,email\u0001\nAnn,Lee,ann@x.example\n', options()));
      expect(header.message).toBe(
        'CSV files cannot contain control characters. The first row has one, so the file is probably not saved as text. Save the file as “CSV UTF-8” and choose it again.',
      );
    });

    it('names a value past the last column that breaks the rule as a problem of the file', () => {
      const error = validationOf(() => previewUsersImport('first_name,last_name,email\nAnn,Lee,ann@x.example,\u0000\n', options()));
      expect(error.message).toBe(
        'CSV files cannot contain control characters. Line 2 has one after the last column. Save the file as “CSV UTF-8” and choose it again.',
      );
    });

    it('allows tabs and line breaks inside a column it does not import', () => {
      const plan = previewUsersImport('first_name,last_name,email,notes\nAnn,Lee,ann@x.example,"two\nlines\tand a tab"\n', options());
      expect(plan.validCount).toBe(1);
    });
  });
});

