import { z } from 'zod';
import { validationErrorFromZod } from '@shared/errors';
import type { SyncedEntityName } from '@shared/sync/protocol';
import type { CacheDatabase } from '../db/open';
import { statement } from '../db/statements';

export function all<T>(db: CacheDatabase, sql: string, params: Record<string, unknown> | unknown[] = []): T[] {
  return statement(db, sql).all(params) as T[];
}

export function one<T>(db: CacheDatabase, sql: string, params: Record<string, unknown> | unknown[] = []): T | undefined {
  return statement(db, sql).get(params) as T | undefined;
}

/**
 * The wire entity stored in a row's `data`. The sync engine parses every row with the entity's
 * zod schema before it writes it (sync/apply.ts), and local mutators write command results, so
 * the cache holds only well-formed entities and the hot read paths skip a second parse.
 */
export function entityOf<T>(data: string): T {
  return JSON.parse(data) as T;
}

/** A SQL expression, 1 when pending commands have changed the row `alias` of this entity. */
export function pendingSql(entity: SyncedEntityName, alias: string): string {
  return `EXISTS (SELECT 1 FROM confirmed_rows c WHERE c.entity = '${entity}' AND c.id = ${alias}.id)`;
}

/**
 * An id in a read query. Reads look ids up rather than validate them, so a malformed id finds
 * nothing, like an unknown one, instead of failing (the IPC edge has already checked the format).
 */
export const lookupId = z.string().max(200);

/** Parses a query with its schema, defaults filled in; bad input is a VALIDATION error. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw validationErrorFromZod(parsed.error);
  return parsed.data;
}

/** A LIKE pattern that matches `text` anywhere, with LIKE's own wildcards taken literally (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const memos = new WeakMap<CacheDatabase, Map<string, { stamp: string; value: unknown }>>();

/**
 * Caches a value computed from the cache until anything in the database changes: writes on this
 * connection move total_changes(), writes on another connection move PRAGMA data_version. A
 * rollback moves neither, so nothing computed inside a transaction is kept. For facts every keystroke of a search would
 * otherwise recompute, such as the organizations in scope and their seat counts.
 */
export function memoized<T>(db: CacheDatabase, key: string, compute: () => T): T {
  // Inside a transaction the data may yet be rolled back, which moves neither counter: never keep it.
  if (db.inTransaction) return compute();
  const changes = one<{ n: number }>(db, 'SELECT total_changes() AS n')?.n ?? 0;
  const version = one<{ data_version: number }>(db, 'PRAGMA data_version')?.data_version ?? 0;
  const stamp = `${changes}:${version}`;
  let entries = memos.get(db);
  if (entries === undefined) {
    entries = new Map();
    memos.set(db, entries);
  }
  const hit = entries.get(key);
  if (hit !== undefined && hit.stamp === stamp) return hit.value as T;
  const value = compute();
  // Only the latest stamp is ever valid, so older entries go; the map stays as small as the live keys.
  for (const [other, entry] of entries) if (entry.stamp !== stamp) entries.delete(other);
  entries.set(key, { stamp, value });
  return value;
}
