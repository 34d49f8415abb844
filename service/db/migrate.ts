import type { Store } from './store';
import { MIGRATIONS, STORED_WIRE_VERSION, type Migration } from './migrations';
import { installWireShapes } from './stored-wire';

export class DatabaseNewerError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this service knows (${known}). Upgrade the service.`);
    this.name = 'DatabaseNewerError';
  }
}

/**
 * Held for a migration run and for seeding: instances started at once on one PostgreSQL
 * database take turns, and each one after the first finds the work done.
 */
export const MIGRATION_LOCK = 7_300_002;

/** The newest schema version this service knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Applies every pending migration in one transaction; returns the versions applied. The lock is
 * the transaction's first statement, before anything is created or the version is read, so two
 * instances starting on an empty database never both see version 0 (one used to crash on
 * `relation "change_seq" already exists`, or on a pg_type duplicate while both created
 * schema_migrations).
 */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return store.write(async (tx) => {
    if (store.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const rows = await tx.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    const known = migrations.at(-1)?.version ?? 0;
    if (current > known) throw new DatabaseNewerError(current, known);
    const pending = migrations.filter((m) => m.version > current);
    if (pending.length > 0) {
      // One multi-statement script (no parameters: the simple query protocol allows several statements).
      const script = pending
        .map((m) => `${m.sql}\nINSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name.replaceAll("'", "''")}');`)
        .join('\n');
      await tx.query(script);
    }
    // The stored wire shapes follow wire-sql.ts (stored-wire.ts): installed when they changed.
    if (known >= STORED_WIRE_VERSION) await installWireShapes(tx);
    return pending.map((m) => m.version);
  });
}

/** The schema version the database is at (0 before the first migration). */
export async function schemaVersion(store: Pick<Store, 'query'>): Promise<number> {
  const [row] = await store.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations');
  return row?.version ?? 0;
}
