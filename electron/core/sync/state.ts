import { randomUUID } from 'node:crypto';
import type { CacheDatabase } from '../db/open';

/** The one sync_state row: where this account cache stands with the service. */
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
  db.prepare('INSERT OR IGNORE INTO sync_state (id, client_id) VALUES (1, ?)').run(clientId);
  return readSyncState(db);
}

export function readSyncState(db: CacheDatabase): SyncStateRow {
  const raw = db.prepare('SELECT * FROM sync_state WHERE id = 1').get() as RawState | undefined;
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

/**
 * The highest mutation id ever put in a push request (kv 'sent_through'), written durably before
 * the request goes: a change at or below it may be applied on the service already, so it is never
 * discarded or renumbered; one above it has never left this computer.
 */
export function readSentThrough(db: CacheDatabase): number {
  const row = db.prepare("SELECT value FROM kv WHERE key = 'sent_through'").get() as { value: string } | undefined;
  const value = row === undefined ? 0 : (JSON.parse(row.value) as unknown);
  return typeof value === 'number' ? value : 0;
}

export function writeSentThrough(db: CacheDatabase, mutationId: number): void {
  db.prepare(
    `INSERT INTO kv (key, value) VALUES ('sent_through', json(?))
     ON CONFLICT (key) DO UPDATE SET value = json(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)))`,
  ).run(String(mutationId));
}

/** Sets sent_through back (a push that provably never reached the service). */
export function setSentThrough(db: CacheDatabase, mutationId: number): void {
  db.prepare("INSERT INTO kv (key, value) VALUES ('sent_through', json(?)) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(mutationId));
}

/** Where no sent_through was kept yet (a cache from before it was), everything queued counts as sent. */
export function initSentThrough(db: CacheDatabase): void {
  const known = db.prepare("SELECT 1 FROM kv WHERE key = 'sent_through'").get();
  if (known !== undefined) return;
  const { n } = db.prepare('SELECT coalesce(max(mutation_id), 0) AS n FROM outbox').get() as { n: number };
  writeSentThrough(db, n);
}
