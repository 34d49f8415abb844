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
