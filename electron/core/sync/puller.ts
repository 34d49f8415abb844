import { SYNCED_ENTITY_NAMES, type PullResponse } from '@shared/sync/protocol';
import { EntityRows } from '../cache/rows';
import type { CacheDatabase } from '../db/open';
import { ApplyThreadUnavailable } from './apply-thread';
import type { SyncLog } from './apply';
import type { BootstrapPage, PageAppliers } from './page-applier';
import type { SyncReport } from './report';
import { readSyncState, restartBootstrap, setSchemaVersion } from './state';
import type { SyncTransport } from './transport';

/**
 * The puller: the bootstrap (paged, resumable, with progress, the next page fetched while one is
 * applied) and the pulls after it, until the service has nothing more; a schema change downloads
 * a fresh copy. Pages are written by the page appliers.
 */

export interface PullerContext {
  db: CacheDatabase;
  transport: SyncTransport;
  clientId: string;
  /** Rows per pull request (a bootstrap's pages at most BOOTSTRAP_PAGE_ROWS). */
  pageSize: number;
  log: SyncLog;
  report: SyncReport;
  appliers: PageAppliers;
  call<T>(request: () => Promise<T>): Promise<T>;
  pause(): Promise<void>;
  /** The scope the signed-in user may see now (a fresh copy is filled under it). */
  scope(): string | null;
  /** The service answered. */
  reached(): void;
}

export interface Puller {
  bootstrap(): Promise<void>;
  /** Pulls until the service has nothing more; a schema change re-bootstraps. */
  pullToEnd(): Promise<void>;
  /** Clears the view and bootstraps again (the outbox and the issues stay). */
  rebootstrap(reason: string): Promise<void>;
}

/**
 * Rows per bootstrap page. The event loop still receives each page's body (about 280 KB at 500
 * rows): in the 100,000-user benchmark, 1,000-row pages stalled it for 30-60 ms while a body
 * arrived, 500-row pages for under 45 ms, and the bootstrap took 31 s instead of 23 s. Other
 * pulls keep the largest pages: a bulk edit's echo is rebased over the queue once per page.
 */
const BOOTSTRAP_PAGE_ROWS = 500;

/** The first page of a fresh bootstrap, parsed on the event loop (see bootstrap()). */
const FIRST_PAGE_ROWS = 100;

/** Clears the view so a bootstrap starts again from cursor 0. The outbox and the issues stay. */
function resetForBootstrap(db: CacheDatabase, scope: string | null): void {
  db.transaction(() => {
    EntityRows.of(db).clear();
    db.prepare('DELETE FROM confirmed_rows').run();
    restartBootstrap(db, scope);
  }).immediate();
}

export function createPuller(ctx: PullerContext): Puller {
  const { db, transport, clientId, report, appliers, log } = ctx;

  async function bootstrap(): Promise<void> {
    report.setState('bootstrapping');
    let sync = readSyncState(db);
    report.setProgress({ phase: 'bootstrap', done: sync.bootstrapDone, total: Math.max(sync.bootstrapTotal ?? 0, sync.bootstrapDone) });
    report.emitStatus();
    // The next page is on its way while this one is applied; a page that is not used is dropped.
    // The first page of a fresh bootstrap is small: it is parsed here, and tells the schema version
    // and the total, which decide whether the writer thread takes the rest. Once it does, pages
    // come undecoded and it decodes and parses them.
    // Kept here, not re-read: the writer thread's open transaction is not visible to this connection.
    let schemaVersion = sync.schemaVersion;
    let done = sync.bootstrapDone;
    const fetchPage = (cursor: number, total: number): Promise<PullResponse | Uint8Array> => {
      const query = { cursor, limit: Math.min(ctx.pageSize, schemaVersion === null ? FIRST_PAGE_ROWS : BOOTSTRAP_PAGE_ROWS), clientId };
      const unparsed = transport.pullBytes !== undefined && schemaVersion !== null && appliers.wantsThread(total);
      const request = unparsed ? ctx.call(() => transport.pullBytes!(query)) : ctx.call(() => transport.pull(query));
      request.catch(() => undefined);
      return request;
    };
    let next = fetchPage(sync.cursor, sync.bootstrapTotal ?? 0);
    try {
      for (;;) {
        let page: BootstrapPage;
        try {
          const fetched = await next;
          // A long bootstrap answers page by page: changes queued meanwhile are made online.
          ctx.reached();
          page = await appliers.bootstrapPage(fetched, done, schemaVersion);
          if (schemaVersion === null) {
            setSchemaVersion(db, page.schemaVersion);
            schemaVersion = page.schemaVersion;
          } else if (page.schemaVersion !== schemaVersion) {
            // The service changed protocol mid-bootstrap: start over under the new one.
            log('warn', `The service's schema version changed during the bootstrap (${schemaVersion} → ${page.schemaVersion}); starting over.`);
            await page.apply(null);
            await appliers.flush();
            resetForBootstrap(db, ctx.scope());
            sync = readSyncState(db);
            ({ schemaVersion } = sync);
            done = 0;
            next = fetchPage(sync.cursor, 0);
            continue;
          }
          const total = done + page.count + (page.remaining ?? 0);
          if (page.hasMore) next = fetchPage(page.cursor, total);
          await page.apply({ before: done, total });
        } catch (error) {
          if (!(error instanceof ApplyThreadUnavailable)) throw error;
          log('warn', `${error.message}; the bootstrap goes on from its last saved page without it.`, error);
          sync = readSyncState(db);
          done = sync.bootstrapDone;
          next = fetchPage(sync.cursor, 0);
          continue;
        }
        done += page.count;
        if (!page.hasMore) break;
        await ctx.pause();
      }
    } finally {
      // The thread's open pages are whole (each moved the cursor with its rows): keep them.
      await appliers.flush().catch(() => undefined);
    }
    report.setProgress(null);
    report.setState('syncing');
  }

  async function rebootstrap(reason: string): Promise<void> {
    log('info', `Downloading a fresh copy: ${reason}. Queued changes are kept.`);
    resetForBootstrap(db, ctx.scope());
    report.changed(SYNCED_ENTITY_NAMES.map((entity) => ({ entity, orgId: null })));
    await bootstrap();
  }

  async function pullToEnd(): Promise<void> {
    for (;;) {
      const sync = readSyncState(db);
      const page = await ctx.call(() => transport.pull({ cursor: sync.cursor, limit: ctx.pageSize, clientId }));
      if (sync.schemaVersion !== null && page.schemaVersion !== sync.schemaVersion) {
        await rebootstrap(`the service's schema version is now ${page.schemaVersion} (this copy has ${sync.schemaVersion})`);
        return;
      }
      if (sync.schemaVersion === null) setSchemaVersion(db, page.schemaVersion);
      try {
        await appliers.apply(page, null);
      } catch (error) {
        if (!(error instanceof ApplyThreadUnavailable)) throw error;
        log('warn', `${error.message}; the pull goes on without it.`, error);
        continue;
      }
      if (!page.hasMore) return;
      await ctx.pause();
    }
  }

  return { bootstrap, pullToEnd, rebootstrap };
}
