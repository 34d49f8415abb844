import Database from 'better-sqlite3';
import { SeatdeskError } from '@shared/errors';
import { MIGRATIONS, type Migration } from './migrations';
import { databaseFiles, preparePrivateDatabaseFile, tightenPrivateFile } from './private-files';
import { sqlSortKey } from './sort-key';

export type CacheDatabase = Database.Database;

/** The newest schema this build knows. */
export const CACHE_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Opens (creating if needed) one account's offline cache: WAL, foreign keys on, and every
 * pending migration applied in a single transaction. A database written by a newer Seatdesk is
 * refused with a clear error rather than opened and damaged. The file, its -wal and its -shm are
 * the owner's only (0600), also when an older version left them readable by everyone.
 */
export function openCacheDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): CacheDatabase {
  preparePrivateDatabaseFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // SQLite gives -wal and -shm the main file's mode; this makes sure of it whatever the VFS did.
    if (!db.memory) for (const path of databaseFiles(file)) tightenPrivateFile(path);
    db.pragma('foreign_keys = ON');
    // NORMAL is safe under WAL for the cache; the outbox raises it to FULL around its writes.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache: row lookups over 100,000 users are several times faster than with 2 MB.
    db.pragma('cache_size = -65536');
    // Before migrating: migration 5 indexes it, and every write of a user computes it.
    db.function('sort_key', { deterministic: true }, sqlSortKey);
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function migrate(db: CacheDatabase, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > newest) {
    throw new SeatdeskError(
      'SCHEMA_MISMATCH',
      `This offline copy was written by a newer version of Seatdesk (cache version ${current}, this app knows ${newest}). Update Seatdesk to open it.`,
      { cacheVersion: current, appVersion: newest },
    );
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}

/** Runs a write with synchronous=FULL, so that it is on disk when the call returns (the outbox). */
export function durably<T>(db: CacheDatabase, write: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
