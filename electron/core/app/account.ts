import { isSeatdeskError } from '@shared/errors';
import { openCacheDatabase, type CacheDatabase } from '../db/open';
import type { EventBus } from '../events/event-bus';
import type { ActiveSession } from '../session/session-manager';
import { startWalCheckpointer } from '../db/checkpointer';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import type { SyncLog } from '../sync/apply';
import type { CsvPreviewStore } from './previews';
import { createPreviewStore } from './previews';
import { carryScopeForward, scopeDigest } from './scope-digest';

/** One signed-in account: its cache database, its sync engine and its pending CSV previews. */
export interface AccountRuntime {
  session: ActiveSession;
  db: CacheDatabase;
  engine: SyncEngine;
  previews: CsvPreviewStore;
  /** Fetches /v1/me again (permissions, scope) when online; keeps the stored answer offline. */
  refreshMe(): Promise<void>;
  /** Stops the engine (waiting for the write in progress) and closes the database. */
  close(): Promise<void>;
}

export async function openAccount(session: ActiveSession, events: EventBus, log: SyncLog): Promise<AccountRuntime> {
  const db = openCacheDatabase(session.databaseFile);
  carryScopeForward(db);
  const storedScope = (db.prepare('SELECT scope FROM sync_state WHERE id = 1').get() as { scope: string | null } | undefined)?.scope ?? null;
  const engine = createSyncEngine({ db, transport: session.transport, events, scope: storedScope, log });
  const checkpointer = startWalCheckpointer(db, { log: (message, error) => log('warn', message, error) });

  async function refreshMe(): Promise<void> {
    try {
      const me = await session.me();
      db.prepare("INSERT INTO kv (key, value) VALUES ('me', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(me));
      engine.setScope(scopeDigest(me));
      events.emit({ type: 'data.changed', entity: 'organization', orgId: null });
    } catch (error) {
      // Offline (or a service hiccup): the stored answer stands; the engine reports the state.
      if (!isSeatdeskError(error) || error.code === 'UNAUTHENTICATED') throw error;
      log('warn', 'Could not refresh the signed-in user’s permissions', { code: error.code });
    }
  }

  await refreshMe().catch((error: unknown) => log('warn', 'Signed-in user unavailable', error));
  engine.start();
  return {
    session,
    db,
    engine,
    previews: createPreviewStore(),
    refreshMe,
    async close() {
      await engine.stop();
      await checkpointer.stop();
      db.close();
    },
  };
}
