import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { ENTITY_TABLES, type Row } from './rows';
import { migrate } from './migrate';
import { installWireShapes } from './stored-wire';
import { wireJsonSql } from './wire-sql';

const ENTITIES = Object.keys(ENTITY_TABLES) as SyncedEntityName[];

describe.each(testDatabases())('wire JSON written by the database (%s)', (database) => {
  let test: TestService;
  beforeAll(async () => {
    test = await startTestService({ database });
    const { store } = test;
    // Audit events (with and without a before) and a tombstone, through the API.
    const owner = await test.signIn('owner@northwind.example');
    const [org] = await store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Wingtip Toys'");
    const created = await test.call('POST', `/v1/orgs/${org!.id}/users`, { token: owner.accessToken, body: { firstName: 'Short', lastName: 'Lived', email: 'short-lived@wingtip.example' } });
    expect(created.status).toBe(201);
    expect((await test.call('DELETE', `/v1/orgs/${org!.id}/users/${created.body.id}`, { token: owner.accessToken })).status).toBe(200);
    // The forms the mappers must meet besides the demo data's: microseconds (truncated, as
    // Date#toISOString of the driver's Date), a timestamp a long way from now, and nulls.
    await store.exec(`
      UPDATE users SET last_active_at = '2026-03-04T05:06:07.999999Z' WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1);
      UPDATE users SET last_active_at = NULL WHERE id = (SELECT id FROM users ORDER BY id DESC LIMIT 1);
      UPDATE subscriptions SET cancel_at = '2031-12-31T23:59:59.0005Z', trial_end = '1999-01-01T00:00:00Z' WHERE id = (SELECT id FROM subscriptions ORDER BY id LIMIT 1);
      UPDATE payment_methods SET exp_month = NULL, exp_year = NULL WHERE id = (SELECT id FROM payment_methods ORDER BY id LIMIT 1);
      UPDATE orgs SET billing_address = '{"line1": "Keizersgracht 1 — achterhuis", "city": "Amsterdam"}', vat_number = NULL WHERE id = (SELECT id FROM orgs ORDER BY id LIMIT 1);
      UPDATE users SET first_name = 'Zoë 🚀', last_name = 'Ødegård-Łukasz "Q" \\ 東京' WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1 OFFSET 1);
    `);
  });
  afterAll(async () => {
    await test?.close();
  });

  it.each(ENTITIES)('stores every %s row’s wire JSON as its mapper writes it, and writes it so at read time', async (entity) => {
    const { table, toWire } = ENTITY_TABLES[entity];
    const rows = await test.store.query<Row & { written: string }>(`SELECT ${wireJsonSql(entity)}::text AS written, t.* FROM ${table} t ORDER BY t.seq`);
    expect(rows.length, `${table} has rows to compare`).toBeGreaterThan(0);
    for (const { written, wire, ...row } of rows) {
      expect(JSON.parse(String(wire)), `${table} ${String(row['id'])}, stored`).toEqual(toWire(row));
      expect(JSON.parse(written), `${table} ${String(row['id'])}, at read time`).toEqual(toWire(row));
    }
  });

  it('stores only ASCII: every other character as a \\u escape, read back as it was', async () => {
    for (const entity of ENTITIES) {
      const [row] = await test.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ENTITY_TABLES[entity].table} WHERE wire ~ '[^[:ascii:]]'`);
      expect(row!.n, entity).toBe(0);
    }
    const [user] = await test.store.query<{ wire: string }>("SELECT wire FROM users WHERE first_name = 'Zoë 🚀'");
    expect(user!.wire).toContain('"firstName":"Zo\\u00eb \\ud83d\\ude80"');
    expect(JSON.parse(user!.wire)).toMatchObject({ firstName: 'Zoë 🚀', lastName: 'Ødegård-Łukasz "Q" \\ 東京' });
  });

  it('keeps a user’s password hash and reset flag at home', async () => {
    const [row] = await test.store.query<{ wire: string }>('SELECT wire FROM users WHERE password_hash IS NOT NULL LIMIT 1');
    expect(row?.wire).toBeDefined();
    expect(Object.keys(JSON.parse(row!.wire) as object)).not.toContain('passwordHash');
    expect(row!.wire).not.toMatch(/password|argon2|must_reset|mustReset/i);
  });

  it('rewrites a table’s stored wire when its shape changed, without a new seq for its rows', async () => {
    const { store } = test;
    const before = await store.query<{ id: string; seq: string; wire: string }>('SELECT id, seq, wire FROM users ORDER BY id');
    const otherTables = await store.query('SELECT id, seq, wire FROM orgs ORDER BY id');
    // As a service whose users' shape differed left them: other wire, another recorded shape.
    await store.exec(`
      ALTER TABLE users DISABLE TRIGGER users_seq;
      UPDATE users SET wire = '{"shape":"old"}';
      ALTER TABLE users ENABLE TRIGGER users_seq;
      UPDATE wire_shapes SET shape_hash = 'old' WHERE entity_table = 'users';
    `);
    expect(await migrate(store)).toEqual([]);
    expect(await store.query('SELECT id, seq, wire FROM users ORDER BY id')).toEqual(before);
    expect(await store.query('SELECT id, seq, wire FROM orgs ORDER BY id')).toEqual(otherTables);
    expect(await installWireShapes(store)).toEqual([]);
  });

  it('writes a row’s wire JSON on every update, with its new seq', async () => {
    const { store } = test;
    const [user] = await store.query<Row>("UPDATE users SET first_name = 'Renée', version = version + 1 WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1) RETURNING *");
    expect(JSON.parse(String(user!['wire']))).toEqual(ENTITY_TABLES.user.toWire(user!));
    expect(JSON.parse(String(user!['wire']))).toMatchObject({ firstName: 'Renée' });
    const [{ last } = { last: 0 }] = await store.query<{ last: string }>('SELECT last_value AS last FROM change_seq');
    expect(Number(user!['seq'])).toBe(Number(last));
  });
});
