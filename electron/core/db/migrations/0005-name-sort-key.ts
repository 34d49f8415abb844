import type { Migration } from '../migrations';

/**
 * Migration 5: names sort as people read them. An index over sort_key(last name), sort_key(first
 * name) (sort-key.ts, a function the cache registers before it migrates) replaces ordering by
 * NOCASE, which only folds ASCII and put "Ávila" after "Zimmermann". Built from the rows already
 * there, so nothing is downloaded again.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 5,
  name: 'users sorted by a folded name key',
  sql: `CREATE INDEX users_sort_name ON users(sort_key(last_name), sort_key(first_name), last_name COLLATE NOCASE, first_name COLLATE NOCASE);`,
};
