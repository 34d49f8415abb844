import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '@shared/domain/audit';
import type { InvoiceSummary, UserRow } from '@shared/ipc/models';
import { auditCsv, decimalAmount, exportFileName, invoicesCsv, usersCsv } from './exports';
import { parseCsv } from './rfc4180';
import { previewUsersImport } from './users-import';

function uuid(n: number, prefix = 0): string {
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const ORG = uuid(1, 0xa);
// Midday UTC: the same calendar day in every time zone the tests may run in (UTC-11 to UTC+11).
const NOW = new Date('2026-11-23T12:00:00Z');
const member = { id: uuid(1, 0xb), name: 'Member' };
const billing = { id: uuid(2, 0xb), name: 'Billing, EU' };
const roleNames = new Map([member, billing].map((r) => [r.id, r.name]));

function userRow(n: number, overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: uuid(n, 0xc),
    orgId: ORG,
    version: 1,
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:00:00.000Z',
    firstName: 'Ann',
    lastName: 'Lee',
    email: `user${n}@northwind.example`,
    status: 'active',
    roleIds: [],
    permissions: [],
    lastActiveAt: null,
    orgName: 'Northwind IT',
    pending: false,
    ...overrides,
  };
}

const records = (content: string) => parseCsv(content).map((r) => r.fields);

describe('decimalAmount', () => {
  it('writes minor units as exact decimals in the currency’s exponent', () => {
    expect(decimalAmount(123_456, 'EUR')).toBe('1234.56');
    expect(decimalAmount(-5, 'EUR')).toBe('-0.05');
    expect(decimalAmount(0, 'USD')).toBe('0.00');
    expect(decimalAmount(1_200, 'JPY')).toBe('1200');
    expect(decimalAmount(1_234_567, 'BHD')).toBe('1234.567');
    // Beyond what a double divides exactly: 2^53 - 1 cents.
    expect(decimalAmount(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('90071992547409.91');
    expect(() => decimalAmount(1.5, 'EUR')).toThrow(RangeError);
  });
});

describe('file names', () => {
  it('name the export, the scope and the day', () => {
    expect(exportFileName('users', { now: NOW })).toBe('seatdesk-users-2026-11-23.csv');
    expect(exportFileName('invoices', { now: NOW, scopeName: 'Zoë’s Café B.V. / EU' })).toBe('seatdesk-invoices-zoe-s-cafe-b-v-eu-2026-11-23.csv');
  });
});

describe('usersCsv', () => {
  const users = [
    userRow(1, { roleIds: [member.id, billing.id], lastActiveAt: '2026-11-20T08:30:00.000Z' }),
    userRow(2, { firstName: 'Bo "BJ"', lastName: 'Chen, Jr.', status: 'deactivated' }),
    userRow(3, { firstName: '=HYPERLINK("http://evil.example","click")', lastName: '@SUM(1)', status: 'pending' }),
  ];

  it('writes one row per user under a header, as an ExportedFile', () => {
    const file = usersCsv(users, roleNames, { now: NOW });
    expect(file).toMatchObject({ fileName: 'seatdesk-users-2026-11-23.csv', mimeType: 'text/csv', encoding: 'utf8' });
    expect(file.content.startsWith('\ufefffirst_name,last_name,email,roles,active,status,organization,')).toBe(true);
    const [header, first] = records(file.content);
    expect(header).toEqual(['first_name', 'last_name', 'email', 'roles', 'active', 'status', 'organization', 'last_active_at', 'created_at', 'id', 'org_id']);
    expect(first).toEqual([
      'Ann',
      'Lee',
      'user1@northwind.example',
      'Member; Billing, EU',
      'yes',
      'active',
      'Northwind IT',
      '2026-11-20T08:30:00.000Z',
      '2026-01-05T10:00:00.000Z',
      uuid(1, 0xc),
      ORG,
    ]);
  });

  it('guards formula cells, and round-trips everything else', () => {
    const [, first, second, third] = records(usersCsv(users, roleNames, { now: NOW }).content);
    expect(first!.slice(0, 6)).toEqual(['Ann', 'Lee', 'user1@northwind.example', 'Member; Billing, EU', 'yes', 'active']);
    expect(second!.slice(0, 6)).toEqual(['Bo "BJ"', 'Chen, Jr.', 'user2@northwind.example', '', 'no', 'deactivated']);
    expect(third!.slice(0, 2)).toEqual(['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1)"]);
  });

  it('is read by the users import as the same users', () => {
    const file = usersCsv(users.slice(0, 2), roleNames, { now: NOW });
    // Imported into an organization with roles of the same names (here: the same ids, for brevity).
    const target = uuid(2, 0xa);
    const roles = [member, billing].map((r) => ({ ...r, orgId: target }));
    const plan = previewUsersImport(file.content, { orgId: target, roles, existingEmails: [] });
    expect(plan.invalidCount).toBe(0);
    expect(plan.commands.map(({ args }) => [args.firstName, args.lastName, args.email, args.roleIds, args.active])).toEqual([
      ['Ann', 'Lee', 'user1@northwind.example', [member.id, billing.id], true],
      ['Bo "BJ"', 'Chen, Jr.', 'user2@northwind.example', [], false],
    ]);
  });
});

describe('invoicesCsv', () => {
  const invoice = (n: number, overrides: Partial<InvoiceSummary>): InvoiceSummary => ({
    id: uuid(n, 0xd),
    orgId: ORG,
    orgName: 'Northwind IT',
    number: `INV-2026-${String(n).padStart(4, '0')}`,
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    issuedAt: '2026-11-01T00:00:00.000Z',
    dueAt: '2026-11-15T00:00:00.000Z',
    status: 'open',
    currency: 'EUR',
    subtotal: 120_000,
    tax: 25_200,
    total: 145_200,
    ...overrides,
  });

  it('writes amounts as decimals next to their currency and dates as ISO', () => {
    const file = invoicesCsv(
      [
        invoice(1, {}),
        invoice(2, { currency: 'JPY', subtotal: 5_000, tax: 500, total: 5_500, status: 'paid' }),
        invoice(3, { subtotal: -1_250, tax: -263, total: -1_513, orgName: '=cmd|"/c calc"!A1' }),
      ],
      { now: NOW, scopeName: 'Northwind IT' },
    );
    expect(file.fileName).toBe('seatdesk-invoices-northwind-it-2026-11-23.csv');
    const rows = records(file.content);
    expect(rows[0]).toEqual(['number', 'organization', 'status', 'period_start', 'period_end', 'issued_at', 'due_at', 'currency', 'subtotal', 'tax', 'total', 'id', 'org_id']);
    expect(rows[1]).toEqual([
      'INV-2026-0001',
      'Northwind IT',
      'open',
      '2026-10-01',
      '2026-10-31',
      '2026-11-01T00:00:00.000Z',
      '2026-11-15T00:00:00.000Z',
      'EUR',
      '1200.00',
      '252.00',
      '1452.00',
      uuid(1, 0xd),
      ORG,
    ]);
    expect(rows[2]!.slice(7, 11)).toEqual(['JPY', '5000', '500', '5500']);
    // A credit stays a number; a formula in a name does not.
    expect(rows[3]!.slice(8, 11)).toEqual(['-12.50', '-2.63', '-15.13']);
    expect(rows[3]![1]).toBe('\'=cmd|"/c calc"!A1');
  });

  it('writes only the header for no invoices', () => {
    expect(records(invoicesCsv([], { now: NOW }).content)).toHaveLength(1);
  });
});

describe('auditCsv', () => {
  it('writes origin, batch and the before/after JSON', () => {
    const batchId = uuid(7, 0xf);
    const events: AuditEvent[] = [
      {
        id: uuid(1, 0xe),
        orgId: ORG,
        actorUserId: uuid(1, 0xc),
        actorEmail: 'owner@northwind.example',
        entity: 'user',
        entityId: uuid(2, 0xc),
        action: 'deactivateUser',
        before: { status: 'active', note: 'comma, "quote"' },
        after: { status: 'deactivated' },
        at: '2026-11-02T09:00:00.000Z',
        origin: { kind: 'offline', clientId: uuid(3, 0xf), batchId, mutationId: 42 },
      },
      {
        id: uuid(2, 0xe),
        orgId: ORG,
        actorUserId: null,
        actorEmail: 'system',
        entity: 'invoice',
        entityId: uuid(1, 0xd),
        action: 'issueInvoice',
        before: null,
        after: { number: 'INV-1' },
        at: '2026-11-01T00:00:00.000Z',
        origin: { kind: 'online' },
      },
      {
        id: uuid(3, 0xe),
        orgId: ORG,
        actorUserId: uuid(1, 0xc),
        actorEmail: 'owner@northwind.example',
        entity: 'user',
        entityId: uuid(3, 0xc),
        action: 'updateUser',
        before: { firstName: 'Ann' },
        after: { firstName: 'Anne' },
        at: '2026-11-02T10:00:00.000Z',
        origin: { kind: 'online', clientId: uuid(3, 0xf), batchId, mutationId: 43 },
      },
    ];
    const file = auditCsv(events, { now: NOW, orgNames: new Map([[ORG, 'Northwind IT']]) });
    expect(file.fileName).toBe('seatdesk-audit-2026-11-23.csv');
    const rows = records(file.content);
    expect(rows[1]).toEqual([
      '2026-11-02T09:00:00.000Z',
      'Northwind IT',
      'owner@northwind.example',
      'Deactivated a user',
      'deactivateUser',
      'user',
      uuid(2, 0xc),
      'offline',
      batchId,
      '42',
      '{"status":"active","note":"comma, \\"quote\\""}',
      '{"status":"deactivated"}',
      uuid(1, 0xe),
      ORG,
    ]);
    expect(JSON.parse(rows[1]![10]!)).toEqual(events[0]!.before);
    expect(rows[2]!.slice(3, 4)).toEqual(['Issued invoice INV-1 to Northwind IT']);
    expect(rows[2]!.slice(7, 12)).toEqual(['online', '', '', '', '{"number":"INV-1"}']);
    // Made online in the app: it names its queued command too.
    expect(rows[3]!.slice(3, 4)).toEqual(['Renamed Ann to Anne']);
    expect(rows[3]!.slice(7, 10)).toEqual(['online', batchId, '43']);
  });
});
