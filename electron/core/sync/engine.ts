import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ERROR_CODES, SeatdeskError, isSeatdeskError } from '@shared/errors';
import type { SettledRefusal } from '@shared/ipc/contract';
import type { QueuedResult, SyncIssue, SyncState, SyncStatus } from '@shared/ipc/models';
import type { DiscardQueued, DiscardResult, LastSyncOutcome, QueuedChanges } from '@shared/ipc/queued-changes';
import { MAX_MUTATIONS_PER_PUSH, MAX_PULL_LIMIT, SCHEMA_VERSION, SYNCED_ENTITY_NAMES, type PullResponse, type SyncedEntityName } from '@shared/sync/protocol';
import { EntityRows } from '../cache/rows';
import { ENTITY_TABLES } from '../db/entity-tables';
import { durably, type CacheDatabase } from '../db/open';
import type { EventBus } from '../events/event-bus';
import { outboxBatch, parseCommands, pendingCount, queueCommandsDetailed, queueInTransaction, type CommandInput } from '../outbox/queue';
import { ApplyThreadUnavailable, startApplyThread, type ApplyThread } from './apply-thread';
import { ChangeTracker, applyPullPage, hasPending, recordPushAnswer, type ApplyResult, type ChangedScope, type SyncLog } from './apply';
import { getIssue, listIssues, markResolved, openIssueCount } from './issues';
import { discardQueued, listQueued } from './pending';
import { ensureSyncState, initSentThrough, readSentThrough, readSyncState, setSentThrough, writeSentThrough } from './state';
import type { SyncTransport } from './transport';

export interface SyncEngineOptions {
  db: CacheDatabase;
  transport: SyncTransport;
  events: EventBus;
  /** Used only when this cache has no client id yet; a cache keeps its own for good. */
  clientId?: string;
  now?: () => Date;
  /**
   * What the signed-in user may see (e.g. a hash of /v1/me's organizations and permissions).
   * When it differs from the scope the cache was filled under, the cache is bootstrapped again.
   */
  scope?: string | null;
  log?: SyncLog;
  /** Rows per pull request (at most MAX_PULL_LIMIT; a bootstrap's pages at most BOOTSTRAP_PAGE_ROWS). */
  pageSize?: number;
  /** Mutations per push request (at most MAX_MUTATIONS_PER_PUSH). */
  pushBatchSize?: number;
  /**
   * Rows per transaction when nothing is pending. Unset: sized as the engine goes so that each
   * transaction takes about `sliceMs`, and applying a page never stalls the event loop.
   */
  chunkSize?: number;
  /** The time one apply slice aims at when chunkSize is unset (default 15 ms). */
  sliceMs?: number;
  /**
   * A bootstrap of at least this many rows writes its pages on a worker thread (apply-thread.ts);
   * default 5,000. Infinity keeps every write on the calling thread.
   */
  applyThreadMinRows?: number;
  /** A writer thread no sync has used for this long is stopped (its memory given back); default 60 s. */
  applyThreadIdleMs?: number;
  /** Told the rows and the time of every apply transaction (the benchmark's apply time). */
  onApplied?: (rows: number, ms: number) => void;
  /** The fallback poll when no poke arrives. */
  pollIntervalMs?: number;
  backoff?: { baseMs?: number; maxMs?: number };
  /** The event stream's reconnection while the service cannot be reached (default 250 ms doubling to 2 s). */
  reconnect?: { baseMs?: number; maxMs?: number };
  random?: () => number;
}

export interface SyncEngine {
  readonly clientId: string;
  /** Starts the poke stream, the poll and a first sync (bootstrap when the cache is empty). */
  start(): void;
  /** Stops everything; waits for the write in progress. The engine cannot be started again. */
  stop(): Promise<void>;
  /** Runs a sync (push, then pull to the end) now, and answers the status after it. */
  syncNow(): Promise<SyncStatus>;
  /** Queues commands (one durable transaction), announces the change and schedules a push. */
  queue(commands: readonly CommandInput[], batchId?: string, options?: { skipRefused?: boolean }): QueuedResult;
  status(): SyncStatus;
  listIssues(includeResolved?: boolean): SyncIssue[];
  /**
   * take_theirs drops my change (for a rejection: Discard). keep_mine queues it again over theirs,
   * for a conflict only; a rejection is edited by queueing a new command, then discarded.
   */
  resolveIssue(issueId: number, resolution: 'keep_mine' | 'take_theirs'): SyncIssue;
  /** The session layer tells a new scope (after /v1/me); a different one re-bootstraps. */
  setScope(scope: string): void;
  /** The queue in words (the oldest `limit`, default 200), and how the last sync ended. */
  queued(limit?: number): QueuedChanges;
  /**
   * Discards queued changes that have never been sent (or refuses, changing nothing): the rest
   * are replayed over the confirmed rows and renumbered without a gap.
   */
  discard(selection: DiscardQueued): DiscardResult;
}

class Aborted extends Error {
  constructor() {
    super('The sync engine stopped.');
    this.name = 'Aborted';
  }
}

const RETRYABLE = new Set(['OFFLINE', 'INTERNAL', 'RATE_LIMITED']);

/**
 * Rows per bootstrap page. The event loop still receives each page's body (about 280 KB at 500
 * rows): in the 100,000-user benchmark, 1,000-row pages stalled it for 30-60 ms while a body
 * arrived, 500-row pages for under 45 ms, and the bootstrap took 31 s instead of 23 s. Other
 * pulls keep the largest pages: a bulk edit's echo is rebased over the queue once per page.
 */
const BOOTSTRAP_PAGE_ROWS = 500;

/** The first page of a fresh bootstrap, parsed on the event loop (see bootstrap()). */
const FIRST_PAGE_ROWS = 100;

/** A pull page this large (outside a bootstrap) is written on the writer thread: a bulk edit's echo. */
const ECHO_MIN_ROWS = 250;

function isGap(error: unknown): error is SeatdeskError & { details: { reason: 'gap'; expected: number } } {
  if (!isSeatdeskError(error) || error.code !== 'INVALID_TRANSITION') return false;
  const details = error.details as { reason?: unknown; expected?: unknown } | undefined;
  return details?.reason === 'gap' && typeof details.expected === 'number';
}

/** Failures that prove a request never reached the service: no connection was made, or it was refused whole for its size. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

function neverDelivered(error: unknown): boolean {
  if (!isSeatdeskError(error)) return false;
  if (error.code === 'PAYLOAD_TOO_LARGE') return true;
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return error.code === 'OFFLINE' && typeof reason === 'string' && NOT_DELIVERED.has(reason);
}

function lastErrorSentence(error: unknown): string {
  if (!isSeatdeskError(error)) return ERROR_CODES.INTERNAL.summary;
  switch (error.code) {
    case 'OFFLINE':
    case 'UNAUTHENTICATED':
      return ERROR_CODES[error.code].summary;
    case 'INTERNAL':
      return `The billing service had a problem (${error.message.replace(/\.$/, '')}). Your changes are kept and sent when it recovers.`;
    case 'RATE_LIMITED':
      return 'The billing service asked Seatdesk to slow down. Your changes are kept and sent shortly.';
    default:
      return error.message;
  }
}

/** The status line while pushes fail and pulls work: the queue is kept and sent later. */
function pushFailureSentence(error: unknown): string {
  if (isSeatdeskError(error) && error.code === 'OFFLINE') {
    return 'The billing service did not take your changes in time. They are kept and sent again shortly; changes made by others still arrive.';
  }
  return `${lastErrorSentence(error).replace(/\.$/, '')}; changes made by others still arrive.`;
}

/** Clears the view so a bootstrap starts again from cursor 0. The outbox and the issues stay. */
function resetForBootstrap(db: CacheDatabase, scope: string | null): void {
  db.transaction(() => {
    EntityRows.of(db).clear();
    db.prepare('DELETE FROM confirmed_rows').run();
    db.prepare(
      `UPDATE sync_state SET cursor = 0, bootstrap_complete = 0, bootstrap_done = 0, bootstrap_total = NULL,
         schema_version = NULL, scope = coalesce(?, scope) WHERE id = 1`,
    ).run(scope);
  }).immediate();
}

/**
 * Ids below `expected` are applied on the service and ours start above it: the ones between were
 * never sent and are gone (a restored cache), so the queue is renumbered from `expected`, in order.
 */
function renumberOutbox(db: CacheDatabase, expected: number): boolean {
  return db
    .transaction(() => {
      const first = (db.prepare('SELECT min(mutation_id) AS id FROM outbox').get() as { id: number | null }).id;
      if (first === null || first <= expected) return false;
      const shift = first - expected;
      // Through negative ids, so no intermediate row collides with another's primary key.
      db.prepare('UPDATE outbox SET mutation_id = -(mutation_id - ?)').run(shift);
      db.prepare('UPDATE outbox SET mutation_id = -mutation_id').run();
      db.prepare('UPDATE sync_state SET next_mutation_id = (SELECT coalesce(max(mutation_id), 0) + 1 FROM outbox) WHERE id = 1').run();
      return true;
    })
    .immediate();
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, transport, events } = options;
  const now = options.now ?? (() => new Date());
  const log: SyncLog = options.log ?? (() => undefined);
  const pageSize = Math.min(options.pageSize ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);
  const pushBatchSize = Math.min(options.pushBatchSize ?? MAX_MUTATIONS_PER_PUSH, MAX_MUTATIONS_PER_PUSH);
  const sliceMs = options.sliceMs ?? 15;
  // Rows per transaction: fixed when asked, else adapted to the rows per ms the last one managed.
  let chunkSize = options.chunkSize ?? 100;
  const adaptChunk = (rows: number, ms: number): void => {
    options.onApplied?.(rows, ms);
    // A page's short last slice says little about the rate.
    if (options.chunkSize !== undefined || rows < Math.min(chunkSize, 100)) return;
    const fitting = Math.floor((rows * sliceMs) / Math.max(ms, 0.1));
    chunkSize = Math.max(25, Math.min(2_000, Math.round((chunkSize + fitting) / 2)));
  };
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  const backoffBase = options.backoff?.baseMs ?? 1_000;
  const backoffMax = options.backoff?.maxMs ?? 60_000;
  const random = options.random ?? Math.random;
  // The event stream's reconnection while offline: short, and never slower than the sync back-off.
  const reconnectBase = options.reconnect?.baseMs ?? Math.min(250, backoffBase);
  const reconnectMax = options.reconnect?.maxMs ?? Math.min(2_000, backoffMax);
  let scope = options.scope ?? null;

  const clientId = ensureSyncState(db, options.clientId).clientId;
  // A cache from before sent_through was kept: what it queued may have been sent.
  initSentThrough(db);
  if (scope !== null && readSyncState(db).scope === null) db.prepare('UPDATE sync_state SET scope = ? WHERE id = 1').run(scope);

  let state: SyncState = 'offline';
  /** Whether the service answered the last request of a sync (one in progress keeps the last answer). */
  let reachable = false;
  let lastError: string | null = null;
  let progress: SyncStatus['progress'] = null;
  let lastEmitted = '';

  let started = false;
  let stopped = false;
  let signedOut = false;
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let pokeLoop: Promise<void> | null = null;
  let schemaRebootstrapDone = false;
  let pushBlocked: string | null = null;
  /**
   * After a push failed (5xx, timeout, rate limit), no push before this time (performance.now());
   * pulls go on meanwhile. "Sync now" pushes at once.
   */
  let pushNotBefore = 0;
  let pushNow = false;
  /** How the last sync ended, and what the one in progress has had answered so far. */
  let lastSync: LastSyncOutcome | null = null;
  let cycleAnswered = 0;
  let cycleRefused = 0;

  function status(): SyncStatus {
    const sync = readSyncState(db);
    return {
      state,
      lastSyncedAt: sync.lastSyncedAt,
      pendingCount: pendingCount(db),
      issueCount: openIssueCount(db),
      progress,
      lastError: pushBlocked ?? lastError,
    };
  }

  function emitStatus(): void {
    const current = status();
    const key = JSON.stringify(current);
    if (key === lastEmitted) return;
    lastEmitted = key;
    events.emit({ type: 'sync.status', status: current });
  }

  function setState(next: SyncState): void {
    state = next;
    emitStatus();
  }

  function emitChanges(scopes: readonly ChangedScope[]): void {
    for (const { entity, orgId } of scopes) events.emit({ type: 'data.changed', entity, orgId });
  }

  /** The service has answered every queued change up to `through`; `refused` became sync issues. */
  function emitSettled(through: number, refused: readonly SettledRefusal[]): void {
    cycleRefused += refused.length;
    events.emit({ type: 'sync.settled', through, refused: [...refused] });
  }

  /** A transport call that gives up (for the engine, not the socket) when the engine stops. */
  async function call<T>(request: () => Promise<T>): Promise<T> {
    if (stopped) throw new Aborted();
    const pending = request();
    pending.catch(() => undefined);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Aborted());
      abort.signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (value) => {
          abort.signal.removeEventListener('abort', onAbort);
          if (stopped) reject(new Aborted());
          else resolve(value);
        },
        (error: unknown) => {
          abort.signal.removeEventListener('abort', onAbort);
          reject(stopped ? new Aborted() : error);
        },
      );
    });
  }

  // The writer thread for large bootstraps; started with the first one, given up if it fails.
  let applyThread: ApplyThread | null = null;
  let applyThreadFailed = false;
  const applyThreadMinRows = options.applyThreadMinRows ?? 5_000;
  const applyThreadIdleMs = options.applyThreadIdleMs ?? 60_000;
  let threadIdleTimer: NodeJS.Timeout | null = null;
  let threadStopping: Promise<void> = Promise.resolve();

  /** The writer thread, started if none runs. */
  function writerThread(): ApplyThread {
    if (threadIdleTimer !== null) clearTimeout(threadIdleTimer);
    threadIdleTimer = null;
    return (applyThread ??= startApplyThread(db, log));
  }

  /** After a sync: a thread no sync uses for applyThreadIdleMs is stopped; the next large page starts another. */
  function stopThreadWhenIdle(): void {
    if (applyThread === null || stopped) return;
    if (threadIdleTimer !== null) clearTimeout(threadIdleTimer);
    threadIdleTimer = setTimeout(() => {
      threadIdleTimer = null;
      if (running !== null || applyThread === null) return;
      const idle = applyThread;
      applyThread = null;
      threadStopping = idle.stop().then(
        () => log('info', `The idle writer thread was stopped (unused for ${applyThreadIdleMs} ms).`),
        () => undefined,
      );
    }, applyThreadIdleMs);
    threadIdleTimer.unref();
  }

  /** Whether a bootstrap of `total` rows goes to the writer thread. */
  function wantsThread(total: number): boolean {
    return !applyThreadFailed && !db.memory && total >= applyThreadMinRows;
  }

  /** Pages the thread had not committed are gone with it: the caller goes back to the saved cursor. */
  function threadFailed(error: unknown): never {
    if (error instanceof ApplyThreadUnavailable) {
      applyThreadFailed = true;
      applyThread = null;
    }
    throw error;
  }

  function finishThreadPage(result: ApplyResult, done: number, total: number | null, rows: number, began: number): void {
    options.onApplied?.(rows, performance.now() - began);
    emitChanges(result.changed);
    if (result.settledThrough !== null) emitSettled(result.settledThrough, result.refused);
    if (total !== null) progress = { phase: 'bootstrap', done, total };
    emitStatus();
  }

  /**
   * Applies a large page on the writer thread: a bootstrap's pages (nothing pending) once the
   * bootstrap has applyThreadMinRows rows, and any other pull page of ECHO_MIN_ROWS or more (the
   * echo of a bulk edit, rebased over the queue there as here). False when it is not used.
   */
  async function applyOnThread(page: PullResponse, bootstrap: { before: number; total: number } | null): Promise<boolean> {
    if (bootstrap !== null ? !wantsThread(bootstrap.total) : applyThreadFailed || db.memory || page.changes.length < Math.min(applyThreadMinRows, ECHO_MIN_ROWS)) return false;
    const thread = writerThread();
    const complete = !page.hasMore;
    const done = (bootstrap?.before ?? 0) + page.changes.length;
    const began = performance.now();
    const result = await call(() =>
      thread.apply(page, {
        now: now().toISOString(),
        ...(bootstrap === null ? {} : { rebase: complete ? 'force' : 'defer', bootstrap: { done, total: bootstrap.total, complete } }),
      }),
    ).catch((error: unknown) => threadFailed(error));
    finishThreadPage(result, done, bootstrap?.total ?? null, page.changes.length, began);
    return true;
  }

  async function pause(): Promise<void> {
    await yieldToEventLoop();
    if (stopped) throw new Aborted();
  }

  /**
   * Applies a page. With nothing pending, in chunks of `chunkSize` rows, each its own transaction
   * with the cursor at its last row, yielding between them; otherwise in one transaction (the
   * rebase has to see the whole page).
   */
  async function applyPage(page: PullResponse, bootstrap: { before: number; total: number } | null): Promise<void> {
    const bootstrapping = bootstrap !== null;
    const complete = !page.hasMore;
    const chunked = !hasPending(db);
    if ((!bootstrapping || chunked) && (await applyOnThread(page, bootstrap))) return;
    let done = bootstrap?.before ?? 0;
    for (let start = 0; ; ) {
      const size = chunked ? chunkSize : page.changes.length;
      const changes = page.changes.slice(start, start + size);
      start += size;
      const last = start >= page.changes.length;
      const chunk = last ? { ...page, changes } : { ...page, changes, cursor: changes.at(-1)!.seq, hasMore: true, outcomes: [] };
      done += changes.length;
      const began = performance.now();
      const result = applyPullPage(db, chunk, {
        now: now(),
        log,
        settle: last,
        ...(bootstrapping ? { rebase: last && complete ? 'force' : 'defer', bootstrap: { done, total: bootstrap.total, complete: last && complete } } : {}),
      });
      adaptChunk(changes.length, performance.now() - began);
      emitChanges(result.changed);
      if (result.settledThrough !== null) emitSettled(result.settledThrough, result.refused);
      if (bootstrapping) progress = { phase: 'bootstrap', done, total: bootstrap.total };
      emitStatus();
      if (last) return;
      await pause();
    }
  }

  /** A bootstrap page as the loop needs it, whether parsed here or on the writer thread. */
  interface BootstrapPage {
    schemaVersion: number;
    cursor: number;
    hasMore: boolean;
    count: number;
    remaining: number | undefined;
    /** Applies it (null: the page is not used; the thread's copy is dropped). */
    apply(bootstrap: { before: number; total: number } | null): Promise<void>;
  }

  function parsedPage(page: PullResponse): BootstrapPage {
    return {
      schemaVersion: page.schemaVersion,
      cursor: page.cursor,
      hasMore: page.hasMore,
      remaining: page.remaining,
      count: page.changes.length,
      apply: (bootstrap) => (bootstrap === null ? Promise.resolve() : applyPage(page, bootstrap)),
    };
  }

  /**
   * Hands an undecoded page to the writer thread, which decodes, parses and checks it, answers its
   * summary (so the next page can be fetched), and applies it if its schema version is `schemaVersion`.
   */
  async function threadPage(body: Uint8Array, before: number, expected: number | null): Promise<BootstrapPage> {
    // Undecoded pages are asked for only once the first page has set the version.
    if (expected === null) throw new Error('An undecoded bootstrap page came before the schema version was known.');
    const thread = writerThread();
    const handle = thread.applyBytes(body, { schemaVersion: expected, before, now: now().toISOString() });
    const summary = await call(() => handle.summary).catch((error: unknown) => threadFailed(error));
    // Parsed and checked by now: what follows is the apply.
    const began = performance.now();
    return {
      ...summary,
      apply: async (bootstrap) => {
        const result = await call(() => handle.result).catch((error: unknown) => threadFailed(error));
        if (bootstrap === null) return;
        if (result === null) throw new Error('The writer thread left a page of the bootstrap unapplied.');
        finishThreadPage(result, bootstrap.before + summary.count, bootstrap.total, summary.count, began);
      },
    };
  }

  async function bootstrap(): Promise<void> {
    setState('bootstrapping');
    let sync = readSyncState(db);
    progress = { phase: 'bootstrap', done: sync.bootstrapDone, total: Math.max(sync.bootstrapTotal ?? 0, sync.bootstrapDone) };
    emitStatus();
    // The next page is on its way while this one is applied; a page that is not used is dropped.
    // The first page of a fresh bootstrap is small: it is parsed here, and tells the schema version
    // and the total, which decide whether the writer thread takes the rest. Once it does, pages
    // come undecoded and it decodes and parses them.
    // Kept here, not re-read: the writer thread's open transaction is not visible to this connection.
    let schemaVersion = sync.schemaVersion;
    let done = sync.bootstrapDone;
    const fetchPage = (cursor: number, total: number): Promise<PullResponse | Uint8Array> => {
      const query = { cursor, limit: Math.min(pageSize, schemaVersion === null ? FIRST_PAGE_ROWS : BOOTSTRAP_PAGE_ROWS), clientId };
      const unparsed = transport.pullBytes !== undefined && schemaVersion !== null && wantsThread(total);
      const request = unparsed ? call(() => transport.pullBytes!(query)) : call(() => transport.pull(query));
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
          reachable = true;
          page = fetched instanceof Uint8Array ? await threadPage(fetched, done, schemaVersion) : parsedPage(fetched);
          if (schemaVersion === null) {
            db.prepare('UPDATE sync_state SET schema_version = ? WHERE id = 1').run(page.schemaVersion);
            schemaVersion = page.schemaVersion;
          } else if (page.schemaVersion !== schemaVersion) {
            // The service changed protocol mid-bootstrap: start over under the new one.
            log('warn', `The service's schema version changed during the bootstrap (${schemaVersion} → ${page.schemaVersion}); starting over.`);
            await page.apply(null);
            await applyThread?.flush();
            resetForBootstrap(db, scope);
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
        await pause();
      }
    } finally {
      // The thread's open pages are whole (each moved the cursor with its rows): keep them.
      await applyThread?.flush().catch(() => undefined);
    }
    progress = null;
    setState('syncing');
  }

  async function rebootstrap(reason: string): Promise<void> {
    log('info', `Downloading a fresh copy: ${reason}. Queued changes are kept.`);
    resetForBootstrap(db, scope);
    emitChanges(SYNCED_ENTITY_NAMES.map((entity) => ({ entity, orgId: null })));
    await bootstrap();
  }

  /** Pulls until the service has nothing more; a schema change re-bootstraps. */
  async function pullToEnd(): Promise<void> {
    for (;;) {
      const sync = readSyncState(db);
      const page = await call(() => transport.pull({ cursor: sync.cursor, limit: pageSize, clientId }));
      if (sync.schemaVersion !== null && page.schemaVersion !== sync.schemaVersion) {
        await rebootstrap(`the service's schema version is now ${page.schemaVersion} (this copy has ${sync.schemaVersion})`);
        return;
      }
      if (sync.schemaVersion === null) db.prepare('UPDATE sync_state SET schema_version = ? WHERE id = 1').run(page.schemaVersion);
      try {
        await applyPage(page, null);
      } catch (error) {
        if (!(error instanceof ApplyThreadUnavailable)) throw error;
        log('warn', `${error.message}; the pull goes on without it.`, error);
        continue;
      }
      if (!page.hasMore) return;
      await pause();
    }
  }

  /** Pushes the whole outbox in id order, in batches; outcomes become issues. */
  async function pushOutbox(): Promise<void> {
    if (pushBlocked !== null) return;
    let batchSize = pushBatchSize;
    let afterId = 0;
    let gaps = 0;
    let done = 0;
    const total = pendingCount(db);
    for (;;) {
      const mutations = outboxBatch(db, afterId, batchSize);
      if (mutations.length === 0) break;
      // Before it leaves: from now on these changes may be on the service, never to be discarded.
      const sentBefore = readSentThrough(db);
      durably(db, () => writeSentThrough(db, mutations.at(-1)!.id));
      let response;
      try {
        response = await call(() => transport.push({ clientId, schemaVersion: SCHEMA_VERSION, mutations }));
        reachable = true;
      } catch (error) {
        // The request never reached the service: its changes are still only here.
        if (neverDelivered(error)) durably(db, () => setSentThrough(db, sentBefore));
        if (isSeatdeskError(error) && error.code === 'PAYLOAD_TOO_LARGE' && batchSize > 1) {
          batchSize = Math.ceil(batchSize / 2);
          continue;
        }
        if (isGap(error) && gaps < 3) {
          gaps += 1;
          // The service has every id below `expected`: settle them with a pull, then go on from there.
          log('warn', `The service expects mutation ${error.details.expected} next; pulling before pushing again.`);
          await pullToEnd();
          if (renumberOutbox(db, error.details.expected)) log('warn', `Renumbered the queued commands from ${error.details.expected}.`);
          afterId = 0;
          continue;
        }
        throw error;
      }
      const refused = durably(db, () => db.transaction(() => recordPushAnswer(db, response.outcomes, now())).immediate());
      cycleAnswered += response.outcomes.length;
      if (refused.length > 0) emitChanges([{ entity: 'sync_issue', orgId: null }]);
      emitSettled(response.lastMutationId, refused);
      afterId = mutations.at(-1)!.id;
      done += mutations.length;
      progress = total > batchSize ? { phase: 'push', done: Math.min(done, total), total } : null;
      emitStatus();
    }
    progress = null;
  }

  /** Syncs again after `delay` ms (once started). */
  function armRetry(delay: number): void {
    if (stopped || signedOut || !started) return;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      requestSync();
    }, delay);
    retryTimer.unref();
  }

  /** Exponential from `base` to `max`, half of it random ("equal jitter"). */
  function jittered(base: number, max: number, attempt: number): number {
    const exponential = Math.min(max, base * 2 ** Math.min(attempt - 1, 16));
    return exponential / 2 + (random() * exponential) / 2;
  }

  /** The sync back-off for the `attempt`-th failure in a row, or what the service's Retry-After says. */
  function backoffDelay(error: unknown, attempt: number): number {
    const details = isSeatdeskError(error) ? (error.details as { retryAfterMs?: unknown } | undefined) : undefined;
    if (typeof details?.retryAfterMs === 'number') return details.retryAfterMs + random() * 250;
    return jittered(backoffBase, backoffMax, attempt);
  }

  /** Backs off (jittered, exponential, or as Retry-After says) and syncs again; answers the delay. */
  function scheduleRetry(error: unknown): number {
    failures += 1;
    const delay = backoffDelay(error, failures);
    armRetry(delay);
    return delay;
  }

  /** The queue's push, which may fail on its own: the pull after it runs either way. */
  async function pushStep(): Promise<unknown> {
    if (!pushNow && performance.now() < pushNotBefore) return null;
    pushNow = false;
    try {
      await pushOutbox();
      pushNotBefore = 0;
      return null;
    } catch (error) {
      if (error instanceof Aborted || stopped) throw error;
      if (!isSeatdeskError(error)) throw error;
      if (error.code === 'SCHEMA_MISMATCH') {
        if (schemaRebootstrapDone) {
          pushBlocked = `${ERROR_CODES.SCHEMA_MISMATCH.summary.split('.')[0]}, and this version of Seatdesk cannot send changes to it. Update Seatdesk; your queued changes are kept.`;
          log('error', 'Push refused with SCHEMA_MISMATCH after a fresh bootstrap; pushing is paused.', error);
          return null;
        }
        schemaRebootstrapDone = true;
        await rebootstrap('the service refused the queue for a schema mismatch');
        return pushStep();
      }
      if (error.code === 'UNAUTHENTICATED') throw error;
      // The service (or the way to it) failed this push: its queue waits with back-off, while
      // the pull still brings everyone else's changes. A pull that fails too says offline.
      log(error.code === 'OFFLINE' ? 'info' : 'warn', `Push failed (${error.code}); pulling anyway and sending the queue again later.`, error);
      return error;
    }
  }

  /** How this sync ended, for the pending-changes panel. */
  function endSync(result: LastSyncOutcome['result']): void {
    lastSync = { at: now().toISOString(), result, sent: cycleAnswered, refused: cycleRefused, message: result === 'synced' ? null : lastError };
  }

  async function cycle(): Promise<void> {
    cycleAnswered = 0;
    cycleRefused = 0;
    try {
      let sync = readSyncState(db);
      if (scope !== null && sync.scope !== null && sync.scope !== scope) {
        await rebootstrap('what you may see changed');
        sync = readSyncState(db);
      }
      if (!sync.bootstrapComplete) await bootstrap();
      else setState('syncing');
      const pushDue = pushNow || performance.now() >= pushNotBefore;
      const pushFailure = await pushStep();
      await pullToEnd();
      progress = null;
      reachable = true;
      const waiting = pushNotBefore - performance.now();
      if (pushFailure !== null) {
        lastError = pushFailureSentence(pushFailure);
        pushNotBefore = performance.now() + scheduleRetry(pushFailure);
      } else if (waiting > 0) {
        // A pull between push retries (a poke) cancelled the retry timer: the queue's turn stays.
        if (retryTimer === null) armRetry(waiting);
      } else {
        failures = 0;
        lastError = null;
        // The push's back-off ran out while this pull (between retries) ran: its turn is now,
        // not at the next poke or poll (an hour away, or never, for a quiet organization).
        if (!pushDue && pendingCount(db) > 0) again = true;
      }
      endSync(pushFailure === null ? 'synced' : 'push-failed');
      setState('online');
    } catch (error) {
      progress = null;
      if (error instanceof Aborted || stopped) return;
      if (isSeatdeskError(error) && error.code === 'UNAUTHENTICATED') {
        signedOut = true;
        lastError = lastErrorSentence(error);
        setState('signed-out');
        halt();
        return;
      }
      lastError = lastErrorSentence(error);
      endSync('failed');
      if (isSeatdeskError(error) && RETRYABLE.has(error.code)) {
        log(error.code === 'OFFLINE' ? 'info' : 'warn', `Sync failed (${error.code}); retrying with backoff.`, error);
        reachable = false;
        setState('offline');
      } else {
        log('error', 'Sync failed', error);
        setState('online');
      }
      scheduleRetry(error);
    }
  }

  function requestSync(): void {
    if (stopped || signedOut) return;
    if (running !== null) {
      again = true;
      return;
    }
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    running = (async () => {
      do {
        again = false;
        await cycle();
      } while (again && !stopped && !signedOut);
    })().finally(() => {
      running = null;
      stopThreadWhenIdle();
    });
  }

  /**
   * The event stream, reconnected for as long as the engine runs. While the service cannot be
   * reached the stream is tried again soon (250 ms doubling to 2 s, jittered, so many clients do not
   * come back in step): the app is online within about 2 s of the service's return. A service that
   * answers but refuses (5xx, 429) gets the sync back-off, or what its Retry-After says.
   */
  async function runPokes(): Promise<void> {
    let attempt = 0;
    while (!abort.signal.aborted && !signedOut) {
      let refusal: unknown = null;
      try {
        for await (const _poke of transport.pokes(abort.signal)) {
          attempt = 0;
          // Connected again after being offline: the queue goes at once, whatever its back-off said.
          if (state === 'offline') pushNow = true;
          requestSync();
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        if (isSeatdeskError(error) && error.code === 'UNAUTHENTICATED') {
          signedOut = true;
          lastError = lastErrorSentence(error);
          setState('signed-out');
          halt();
          return;
        }
        if (!isSeatdeskError(error) || error.code !== 'OFFLINE') refusal = error;
      }
      if (abort.signal.aborted) return;
      // The stream dropped: the connection may be gone. A sync now tells (and says offline at
      // once) instead of the status saying online until the next poll.
      if (state === 'online') requestSync();
      attempt += 1;
      const delay = refusal === null ? jittered(reconnectBase, reconnectMax, attempt) : backoffDelay(refusal, attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        abort.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }

  /** Stops timers and the poke stream (signed out, or stopping). */
  function halt(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    if (pollTimer !== null) clearInterval(pollTimer);
    retryTimer = null;
    pollTimer = null;
    abort.abort();
  }

  /** Whether a command queued now is made offline: the last sync could not reach the service, or none has ended yet. */
  function queuedOffline(): boolean {
    return !reachable || signedOut;
  }

  function queue(commands: readonly CommandInput[], batchId?: string, queueOptions: { skipRefused?: boolean } = {}): QueuedResult {
    const { result, touched } = queueCommandsDetailed(db, commands, {
      now: now(),
      offline: queuedOffline(),
      ...(batchId === undefined ? {} : { batchId }),
      ...(queueOptions.skipRefused === undefined ? {} : { skipRefused: queueOptions.skipRefused }),
    });
    const tracker = new ChangeTracker();
    for (const row of touched) tracker.add(row.entity, row.orgId);
    emitChanges(tracker.scopes());
    emitStatus();
    if (started && result.mutationIds.length > 0) requestSync();
    return result;
  }

  function resolveIssue(issueId: number, resolution: 'keep_mine' | 'take_theirs'): SyncIssue {
    const issue = getIssue(db, issueId);
    if (issue.resolvedAt !== null) throw new SeatdeskError('INVALID_TRANSITION', 'This sync issue is already resolved.');
    if (resolution === 'keep_mine' && issue.kind === 'rejected') {
      // The service would refuse the same change again: a rejection is discarded, or edited into a new change.
      throw new SeatdeskError('INVALID_TRANSITION', 'The service refused this change, so it cannot be sent again as it was. Edit it or discard it.');
    }
    const at = now();
    if (resolution === 'take_theirs') {
      // The view already shows theirs: the rebase after the outcome restored the confirmed row.
      markResolved(db, issueId, 'take_theirs', at);
    } else {
      const entity = issue.entity as SyncedEntityName;
      const theirsVersion = (issue.theirs as { version?: unknown } | null)?.version;
      durably(db, () =>
        db
          .transaction(() => {
            const current = issue.entityId === null ? null : (db.prepare(`SELECT version FROM ${ENTITY_TABLES[entity]} WHERE id = ?`).get(issue.entityId) as { version: number } | undefined);
            const version = Math.max(current?.version ?? 0, typeof theirsVersion === 'number' ? theirsVersion : 0);
            const args = { ...(issue.args as Record<string, unknown>) };
            // Made again against the row as it now is: a command that names a version names theirs.
            if ('version' in args && version > 0) args['version'] = version;
            const [command] = parseCommands([{ name: issue.commandName, args }]);
            const { result, touched } = queueInTransaction(db, [command!], { now: at, offline: queuedOffline() });
            if (version > 0) db.prepare('UPDATE outbox SET base_version = ? WHERE mutation_id = ?').run(version, result.mutationIds[0]);
            markResolved(db, issueId, 'keep_mine', at);
            const tracker = new ChangeTracker();
            for (const row of touched) tracker.add(row.entity, row.orgId);
            emitChanges(tracker.scopes());
          })
          .immediate(),
      );
      if (started) requestSync();
    }
    emitChanges([{ entity: 'sync_issue', orgId: null }]);
    emitStatus();
    return getIssue(db, issueId);
  }

  return {
    clientId,
    start() {
      if (started || stopped) return;
      started = true;
      pokeLoop = runPokes();
      pollTimer = setInterval(requestSync, pollIntervalMs);
      pollTimer.unref();
      requestSync();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      halt();
      await running;
      await pokeLoop;
      if (threadIdleTimer !== null) clearTimeout(threadIdleTimer);
      await threadStopping;
      await applyThread?.stop();
    },
    async syncNow() {
      if (stopped || signedOut) return status();
      pushNow = true;
      requestSync();
      await running;
      return status();
    },
    queue,
    status,
    listIssues: (includeResolved = false) => listIssues(db, includeResolved),
    queued: (limit = 200) => ({ ...listQueued(db, limit), lastSync }),
    discard(selection) {
      const { discarded, changed } = durably(db, () => discardQueued(db, selection, log));
      emitChanges(changed);
      emitStatus();
      return { discarded };
    },
    resolveIssue,
    setScope(next) {
      if (next === scope) return;
      scope = next;
      if (readSyncState(db).scope === null) db.prepare('UPDATE sync_state SET scope = ? WHERE id = 1').run(scope);
      requestSync();
    },
  };
}
