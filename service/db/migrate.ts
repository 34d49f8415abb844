import type { Store } from './store';
import { MIGRATIONS, type Migration } from './migrations';

export class DatabaseNewerError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this service knows (${known}). Upgrade the service.`);
    this.name = 'DatabaseNewerError';
  }
}

/** Applies every pending migration in one transaction; returns the versions applied. */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await store.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const rows = await store.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations');
  const current = rows[0]?.version ?? 0;
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known) throw new DatabaseNewerError(current, known);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];
  const script = pending
    .map((m) => `${m.sql}\nINSERT INTO schema_migrations (version, name) VALUES (${m.version}, '${m.name.replaceAll("'", "''")}');`)
    .join('\n');
  try {
    await store.exec(`BEGIN;\n${store.kind === 'postgres' ? 'SELECT pg_advisory_xact_lock(7300002);\n' : ''}${script}\nCOMMIT;`);
  } catch (error) {
    await store.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return pending.map((m) => m.version);
}
