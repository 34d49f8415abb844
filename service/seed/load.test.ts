import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from './dataset';
import { seedDatabase } from './load';

const TABLES = {
  orgs: 'orgs',
  users: 'users',
  roles: 'roles',
  billingContacts: 'billing_contacts',
  subscriptions: 'subscriptions',
  invoices: 'invoices',
  paymentMethods: 'payment_methods',
} as const;

describe.each(testDatabases())('seedDatabase (%s)', (database) => {
  let service: TestService;
  const demo = generateDemoDataset();

  beforeAll(async () => {
    service = await startTestService({ database });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const [key, table] of Object.entries(TABLES)) {
      const [row] = await service.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      result[key] = row?.n ?? -1;
    }
    return result;
  }

  it('writes every row of the demo dataset', async () => {
    expect(await counts()).toEqual(Object.fromEntries(Object.keys(TABLES).map((key) => [key, demo[key as keyof typeof TABLES].length])));
    const [audit] = await service.store.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
    expect(audit?.n).toBe(0);
  });

  it('leaves the tables analyzed, so the planner knows how large they are before autovacuum runs', async () => {
    // reltuples is -1 until a table is first analyzed (or vacuumed).
    const tables = await service.store.query<{ relname: string; reltuples: number }>(
      "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relname IN ('users', 'invoices', 'subscriptions', 'orgs') ORDER BY relname",
    );
    expect(tables).toHaveLength(4);
    for (const table of tables) expect(table.reltuples, table.relname).toBeGreaterThan(0);
  });

  it('keeps the wire values of a seeded row', async () => {
    const invoice = demo.invoices[0]!;
    const response = await service.store.query<{ number: string; total: number; lines: unknown; period_start: unknown }>(
      'SELECT number, total::int AS total, lines, period_start::text AS period_start FROM invoices WHERE id = $1',
      [invoice.id],
    );
    expect(response[0]).toEqual({ number: invoice.number, total: invoice.total, lines: invoice.lines, period_start: invoice.periodStart });
  });

  it('leaves a database that already holds data as it is', async () => {
    const before = await counts();
    const [{ seq: seqBefore } = { seq: 0 }] = await service.store.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM users');
    expect(await seedDatabase(service.store, { kind: 'demo' })).toBe(false);
    expect(await counts()).toEqual(before);
    const [{ seq: seqAfter } = { seq: 0 }] = await service.store.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM users');
    expect(seqAfter).toBe(seqBefore);
  });

  it('lets the known demo users sign in with the demo password', async () => {
    for (const email of ['owner@northwind.example', 'billing@northwind.example', 'readonly@northwind.example']) {
      const session = await service.signIn(email);
      expect(session.user.email).toBe(email);
    }
    const admins = demo.knownSignIns.filter((entry) => entry.email.startsWith('admin@'));
    expect(admins.length).toBeGreaterThanOrEqual(6);
    const session = await service.signIn(admins[0]!.email);
    expect(session.accessToken).toBeTruthy();
  });
});

describe('seedDatabase scale', () => {
  it('seeds a small scale dataset into an empty database only', async () => {
    const service = await startTestService({ seed: 'none' });
    try {
      expect(await seedDatabase(service.store, { kind: 'scale', customers: 8, usersPerCustomer: 5 })).toBe(true);
      const [orgs] = await service.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orgs');
      expect(orgs?.n).toBe(1 + 3 + 8);
      expect(await seedDatabase(service.store, { kind: 'demo' })).toBe(false);
      const session = await service.signIn('owner@northwind.example');
      expect(session.user.email).toBe('owner@northwind.example');
    } finally {
      await service.close();
    }
  }, 60_000);
});
