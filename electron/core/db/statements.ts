import type { Statement } from 'better-sqlite3';
import type { CacheDatabase } from './open';

const prepared = new WeakMap<CacheDatabase, Map<string, Statement<unknown[]>>>();

/**
 * The prepared statement for `sql` on `db`, prepared once per database and SQL text: reads and
 * queued commands run many small statements, and preparing is a noticeable share of each.
 */
export function statement(db: CacheDatabase, sql: string): Statement<unknown[]> {
  let statements = prepared.get(db);
  if (statements === undefined) {
    statements = new Map();
    prepared.set(db, statements);
  }
  let found = statements.get(sql);
  if (found === undefined) {
    found = db.prepare(sql);
    statements.set(sql, found);
  }
  return found;
}
