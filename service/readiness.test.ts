import { afterEach, describe, expect, it } from 'vitest';
import { buildService, type Service } from './app';
import { LATEST_SCHEMA_VERSION } from './db/migrate';
import type { Store } from './db/store';
import { openTestPglite } from './testing/pglite';
import { startInstance, type Instance } from './testing/instances';
import { createFreshDatabase, type FreshDatabase } from './testing/postgres';
import { postgresForTests } from '../test/support/postgres-available';

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe('/healthz and /readyz on PGlite', () => {
  let service: Service | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await service?.close();
    await store?.close();
    service = undefined;
    store = undefined;
  });

  it('ready when the database answers and migrations are done; alive even when the database does not', async () => {
    const real = await openTestPglite();
    store = real;
    let broken = false;
    // The same store, whose queries fail once the test says the database is gone.
    const flaky: Store = { ...real, query: (text, params) => (broken ? Promise.reject(new Error('connection refused')) : real.query(text, params)) };
    service = await buildService({ store: flaky, logger: false });
    const get = (url: string) => service!.app.inject({ method: 'GET', url });

    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      ok: true,
      database: 'pglite',
      checks: { database: 'ok', migrations: 'ok', listener: 'not used', draining: false },
      schemaVersion: LATEST_SCHEMA_VERSION,
    });

    broken = true;
    const down = await get('/readyz');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ ok: false, checks: { database: 'unreachable', migrations: 'unknown' }, schemaVersion: null });
    // Liveness does not depend on the database: restarting the process would not bring it back.
    const alive = await get('/healthz');
    expect(alive.statusCode).toBe(200);
    expect(alive.json()).toEqual({ ok: true, database: 'pglite' });
    broken = false;

    // A migration the database has not had yet (a newer service's) is not ready.
    await real.query('DELETE FROM schema_migrations WHERE version = $1', [LATEST_SCHEMA_VERSION]);
    const behind = await get('/readyz');
    expect(behind.statusCode).toBe(503);
    expect(behind.json()).toMatchObject({ ok: false, checks: { migrations: 'pending' }, schemaVersion: LATEST_SCHEMA_VERSION - 1 });
  });

  it('answers 503 once draining starts', async () => {
    store = await openTestPglite();
    service = await buildService({ store, logger: false });
    service.deps.lifecycle.startDraining();
    const draining = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toMatchObject({ ok: false, checks: { database: 'ok', draining: true } });
  });
});

describe.skipIf(!postgresForTests('/readyz on PostgreSQL'))('/readyz on PostgreSQL', () => {
  let database: FreshDatabase | undefined;
  let instance: Instance | undefined;
  afterEach(async () => {
    await instance?.close();
    await database?.drop();
  });

  it('is not ready while the LISTEN connection is down, and ready again once it reconnected', async () => {
    database = await createFreshDatabase();
    instance = await startInstance(database.url);
    const readyz = async () => {
      const response = await fetch(`${instance!.url}/readyz`);
      return { status: response.status, body: (await response.json()) as { checks: { listener: string } } };
    };
    expect(await readyz()).toMatchObject({ status: 200, body: { checks: { listener: 'ok' } } });
    // New connections are refused (superusers included) until the test allows them again, so the
    // listener stays down long enough to be seen.
    await database.setConnectionsAllowed(false);
    try {
      expect(await database.killListeners()).toBe(1);
      expect(await until(async () => (await readyz()).status === 503, 5000)).toBe(true);
      expect((await readyz()).body.checks.listener).toBe('disconnected');
    } finally {
      await database.setConnectionsAllowed(true);
    }
    expect(await until(async () => (await readyz()).status === 200, 15_000)).toBe(true);
  });
});
