import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from './db/migrate';
import { MIGRATIONS } from './db/migrations';
import { generateDemoDataset } from './seed/dataset';
import { killAll, startService, type ChildService } from './testing/child-service';
import { createFreshDatabase, type FreshDatabase } from './testing/postgres';
import { postgresForTests } from '../test/support/postgres-available';

const TOKEN_SECRET = 'concurrent-start-token-secret-0123456789abcdef';

describe.skipIf(!postgresForTests('instances started at once on an empty PostgreSQL database'))('instances started at once on an empty PostgreSQL database', () => {
  let database: FreshDatabase | undefined;
  let services: ChildService[] = [];
  afterEach(async () => {
    killAll(services);
    await Promise.all(services.map((service) => service.exited));
    services = [];
    await database?.drop();
    database = undefined;
  });

  it('all three come up; the database is migrated once and seeded once', { timeout: 120_000 }, async () => {
    database = await createFreshDatabase();
    const env = { DATABASE_URL: database.url, SEATDESK_TOKEN_SECRET: TOKEN_SECRET };
    const started = await Promise.allSettled([0, 1, 2].map(() => startService(['--port', '0', '--seed', 'demo'], env)));
    services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(started.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);

    expect(await database.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    const demo = generateDemoDataset();
    const [counts] = await database.query<{ orgs: number; users: number; roles: number }>(
      'SELECT (SELECT count(*) FROM orgs)::int AS orgs, (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM roles)::int AS roles',
    );
    expect(counts).toEqual({ orgs: demo.orgs.length, users: demo.users.length, roles: demo.roles.length });

    // Each instance serves, and a token from one is good on the others (one shared secret).
    const login = await fetch(`${services[0]!.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@northwind.example', password: 'seatdesk-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    for (const service of services) {
      const me = await fetch(`${service.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
    }
    for (const service of services) expect(await service.stop()).toBe(0);
  });
});
