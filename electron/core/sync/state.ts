import { randomUUID } from 'node:crypto';
import type { CacheDatabase } from '../db/open';
import { statement } from '../db/statements';

/**
 * The sync-state store: the one sync_state row (where this account cache stands with the service)
 * and kv 'sent_through'. Every write to them is a function here, so what each column means and
 * who may move it is written down once. The writes run in the caller's transaction: the pull
 * page's, the queue's, the discard's (on the calling thread or the writer thread alike).
 */

export interface SyncStateRow {
  clientId: string;
  cursor: number;
  lastMutationId: number;
  nextMutationId: number;
  schemaVersion: number | null;
  scope: string | null;
  bootstrapComplete: boolean;
  bootstrapDone: number;
  bootstrapTotal: number | null;
  lastSyncedAt: string | null;
}

interface RawState {
  client_id: string;
  cursor: number;
  last_mutation_id: number;
  next_mutation_id: number;
  schema_version: number | null;
  scope: string | null;
  bootstrap_complete: number;
  bootstrap_done: number;
  bootstrap_total: number | null;
  last_synced_at: string | null;
}

/**
 * Creates the row on first use. The client id is made once per account cache and never changes:
 * the service binds it to the user and counts its mutation ids.
 */
export function ensureSyncState(db: CacheDatabase, clientId: string = randomUUID()): SyncStateRow {
  statement(db, 'INSERT OR IGNORE INTO sync_state (id, client_id) VALUES (1, ?)').run(clientId);
  return readSyncState(db);
}

export function readSyncState(db: CacheDatabase): SyncStateRow {
  const raw = statement(db, 'SELECT * FROM sync_state WHERE id = 1').get() as RawState | undefined;
  if (raw === undefined) return ensureSyncState(db);
  return {
    clientId: raw.client_id,
    cursor: raw.cursor,
    lastMutationId: raw.last_mutation_id,
    nextMutationId: raw.next_mutation_id,
    schemaVersion: raw.schema_version,
    scope: raw.scope,
    bootstrapComplete: raw.bootstrap_complete === 1,
    bootstrapDone: raw.bootstrap_done,
    bootstrapTotal: raw.bootstrap_total,
    lastSyncedAt: raw.last_synced_at,
  };
}

/** The scope the cache is filled under, when none was kept yet (a later one re-bootstraps instead). */
export function adoptScope(db: CacheDatabase, scope: string): void {
  statement(db, 'UPDATE sync_state SET scope = ? WHERE id = 1 AND scope IS NULL').run(scope);
}

/** The same scope under another digest (its rule changed, what it covers did not); only while it is still `from`. */
export function replaceScope(db: CacheDatabase, from: string, to: string): void {
  statement(db, 'UPDATE sync_state SET scope = ? WHERE id = 1 AND scope = ?').run(to, from);
}

/** The protocol version the cache's rows were pulled under (null until the first page says). */
export function setSchemaVersion(db: CacheDatabase, schemaVersion: number): void {
  statement(db, 'UPDATE sync_state SET schema_version = ? WHERE id = 1').run(schemaVersion);
}

/** A bootstrap starts again from cursor 0 (under `scope` when given); the mutation ids stay. */
export function restartBootstrap(db: CacheDatabase, scope: string | null): void {
  statement(
    db,
    `UPDATE sync_state SET cursor = 0, bootstrap_complete = 0, bootstrap_done = 0, bootstrap_total = NULL,
       schema_version = NULL, scope = coalesce(?, scope) WHERE id = 1`,
  ).run(scope);
}

/**
 * The service has every mutation up to `lastMutationId` (a pull page settled them). Ids are never
 * reused: the next one stays above what the service has seen.
 */
export function settleThrough(db: CacheDatabase, lastMutationId: number): void {
  statement(db, 'UPDATE sync_state SET last_mutation_id = ?, next_mutation_id = max(next_mutation_id, ? + 1) WHERE id = 1').run(lastMutationId, lastMutationId);
}

/** A pull page (or a slice of one) is in: the cursor moves with its rows. */
export function advanceCursor(db: CacheDatabase, cursor: number, at: Date): void {
  statement(db, 'UPDATE sync_state SET cursor = ?, last_synced_at = ? WHERE id = 1').run(cursor, at.toISOString());
}

/** Saved with each bootstrap page, so a bootstrap resumes where it stopped, with its progress. */
export function saveBootstrapProgress(db: CacheDatabase, progress: { done: number; total: number; complete: boolean }): void {
  statement(db, 'UPDATE sync_state SET bootstrap_done = ?, bootstrap_total = ?, bootstrap_complete = ? WHERE id = 1').run(
    progress.done,
    progress.total,
    progress.complete ? 1 : 0,
  );
}

/** The queue took ids up to `next - 1`. */
export function setNextMutationId(db: CacheDatabase, next: number): void {
  statement(db, 'UPDATE sync_state SET next_mutation_id = ? WHERE id = 1').run(next);
}

/** After the queue was renumbered: the next id follows its last one, and stays above `atLeast`. */
export function followQueue(db: CacheDatabase, atLeast = 0): void {
  statement(db, 'UPDATE sync_state SET next_mutation_id = max((SELECT coalesce(max(mutation_id), 0) FROM outbox), ?) + 1 WHERE id = 1').run(atLeast);
}

/**
 * The highest mutation id ever put in a push request (kv 'sent_through'), written durably before
 * the request goes: a change at or below it may be applied on the service already, so it is never
 * discarded or renumbered; one above it has never left this computer.
 */
export function readSentThrough(db: CacheDatabase): number {
  const row = statement(db, "SELECT value FROM kv WHERE key = 'sent_through'").get() as { value: string } | undefined;
  const value = row === undefined ? 0 : (JSON.parse(row.value) as unknown);
  return typeof value === 'number' ? value : 0;
}

export function writeSentThrough(db: CacheDatabase, mutationId: number): void {
  statement(
    db,
    `INSERT INTO kv (key, value) VALUES ('sent_through', json(?))
     ON CONFLICT (key) DO UPDATE SET value = json(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)))`,
  ).run(String(mutationId));
}

/** Sets sent_through back (a push that provably never reached the service). */
export function setSentThrough(db: CacheDatabase, mutationId: number): void {
  statement(db, "INSERT INTO kv (key, value) VALUES ('sent_through', json(?)) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(mutationId));
}

/** Where no sent_through was kept yet (a cache from before it was), everything queued counts as sent. */
export function initSentThrough(db: CacheDatabase): void {
  if (statement(db, "SELECT 1 FROM kv WHERE key = 'sent_through'").get() !== undefined) return;
  const { n } = statement(db, 'SELECT coalesce(max(mutation_id), 0) AS n FROM outbox').get() as { n: number };
  writeSentThrough(db, n);
}
