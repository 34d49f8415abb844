import { afterEach, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../testing/postgres';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { openPglite, openPostgres, type Store } from './store';
import { postgresForTests } from '../../test/support/postgres-available';

const latest = MIGRATIONS.at(-1)?.version ?? 0;

describe('migrate', () => {
  it('applies every migration once on PGlite, and nothing on a second run', async () => {
    const store = await openPglite();
    try {
      expect(await migrate(store)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!postgresForTests('migrate on PostgreSQL under concurrent starts'))('migrate on PostgreSQL under concurrent starts', () => {
  let database: FreshDatabase | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await database?.drop();
    database = undefined;
  });

  it('three instances migrating an empty database at once all succeed, and it is migrated once', async () => {
    for (let round = 0; round < 3; round += 1) {
      database = await createFreshDatabase();
      for (let i = 0; i < 3; i += 1) stores.push(await openPostgres(database.url));
      const results = await Promise.allSettled(stores.map((store) => migrate(store)));
      const failures = results.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
      const applied = results.map((result) => (result as PromiseFulfilledResult<number[]>).value);
      // Exactly one of them applied the migrations; the others found nothing to do.
      expect(applied.filter((versions) => versions.length > 0)).toEqual([MIGRATIONS.map((m) => m.version)]);
      expect(await database.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      expect(latest).toBeGreaterThan(0);
      for (const store of stores.splice(0)) await store.close();
      await database.drop();
      database = undefined;
    }
  });
});
