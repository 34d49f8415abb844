import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../testing/postgres';
import { openPostgres, withJitOff, type Store } from './store';
import { postgresForTests } from '../../test/support/postgres-available';

describe.skipIf(!postgresForTests('the service’s PostgreSQL sessions'))('the service’s PostgreSQL sessions', () => {
  let database: FreshDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createFreshDatabase();
    store = await openPostgres(database.url, 4);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('run with JIT compilation off on every pooled connection, in reads, writes and snapshots', async () => {
    // The server's default is on (a pull page spent 119 ms compiling for 15 ms of work).
    expect(await database.query("SELECT current_setting('jit') AS jit")).toEqual([{ jit: 'on' }]);
    const slow = 'SELECT current_setting($1) AS jit, pg_backend_pid() AS pid FROM pg_sleep(0.05)';
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => store.query<{ jit: string; pid: number }>(slow, ['jit'])),
      store.write((tx) => tx.query<{ jit: string; pid: number }>(slow, ['jit']), []),
      store.snapshot((tx) => tx.query<{ jit: string; pid: number }>(slow, ['jit'])),
    ]);
    const rows = answers.flat();
    expect(new Set(rows.map((row) => row.pid)).size).toBe(4);
    expect(rows.map((row) => row.jit)).toEqual(rows.map(() => 'off'));
  });

  it('prepares a statement again when a table it reads changed its columns (a migration by another instance)', async () => {
    await database.query('CREATE TABLE shape (id integer)');
    await database.query('INSERT INTO shape VALUES (1)');
    // On every pooled connection (each call sleeps, so the four take four connections).
    const text = 'SELECT s.*, pg_sleep(0.05)::text AS slept FROM shape s WHERE s.id = $1';
    const before = await Promise.all(Array.from({ length: 4 }, () => store.queryPrepared(text, [1])));
    expect(before).toEqual(before.map(() => [{ id: 1, slept: '' }]));
    await database.query("ALTER TABLE shape ADD COLUMN label text NOT NULL DEFAULT 'added'");
    const after = await Promise.all(Array.from({ length: 4 }, () => store.queryPrepared(text, [1])));
    expect(after).toEqual(after.map(() => [{ id: 1, label: 'added', slept: '' }]));
  });

  it('keeps the options the connection string carries (a statement timeout) beside jit off', async () => {
    const url = new URL(database.url);
    url.searchParams.set('options', '-c statement_timeout=12345');
    expect(new URL(withJitOff(url.toString())).searchParams.get('options')).toBe('-c statement_timeout=12345 -c jit=off');
    const withTimeout = await openPostgres(url.toString(), 1);
    try {
      expect(await withTimeout.query("SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS timeout")).toEqual([{ jit: 'off', timeout: '12345ms' }]);
    } finally {
      await withTimeout.close();
    }
  });

  it('prepares a queryPrepared statement once per connection and runs it again from there', async () => {
    const single = await openPostgres(database.url, 1);
    try {
      const text = 'SELECT count(*)::int AS n FROM generate_series(1, $1::int) g WHERE g = ANY ($2::int[])';
      for (const limit of [10, 20, 30]) expect(await single.queryPrepared(text, [limit, [1, 2, 15, 25]])).toEqual([{ n: limit === 10 ? 2 : limit === 20 ? 3 : 4 }]);
      const prepared = await single.query<{ name: string; runs: number }>(
        "SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements WHERE statement = $1",
        [text],
      );
      expect(prepared).toEqual([{ name: expect.stringMatching(/^seatdesk_[0-9a-f]{24}_0$/), runs: 3 }]);
    } finally {
      await single.close();
    }
  });
});
