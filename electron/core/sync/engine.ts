import { ERROR_CODES, SeatdeskError, isSeatdeskError } from '@shared/errors';
import type { QueuedResult, SyncIssue, SyncStatus } from '@shared/ipc/models';
import type { DiscardQueued, DiscardResult, QueuedChanges } from '@shared/ipc/queued-changes';
import { MAX_MUTATIONS_PER_PUSH, MAX_PULL_LIMIT, type SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_TABLES } from '../db/entity-tables';
import { durably, type CacheDatabase } from '../db/open';
import type { EventBus } from '../events/event-bus';
import { parseCommands, pendingCount, queueCommandsDetailed, queueInTransaction, type CommandInput } from '../outbox/queue';
import { ChangeTracker, type SyncLog } from './apply';
import { getIssue, listIssues, markResolved } from './issues';
import { createPageAppliers } from './page-applier';
import { discardQueued, listQueued } from './pending';
import { createPuller } from './puller';
import { createPusher } from './pusher';
import { createSyncReport } from './report';
import { Aborted, createScheduler, isUnauthenticated } from './scheduler';
import { adoptScope, ensureSyncState, initSentThrough, readSyncState } from './state';
import type { SyncTransport } from './transport';

/**
 * The sync engine, put together from its parts: the sync-state store (state.ts, the only writer
 * of sync_state), the page appliers (page-applier.ts: one interface over the calling thread and
 * the writer thread), the puller (bootstrap and pulls), the pusher (the queue and its back-off),
 * the scheduler (one sync at a time, the poll, the event stream, one back-off, one sign-out path)
 * and the report (status and events). What is left here is one sync, and the calls the core makes.
 */

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

const RETRYABLE = new Set(['OFFLINE', 'INTERNAL', 'RATE_LIMITED']);

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

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, transport, events } = options;
  const now = options.now ?? (() => new Date());
  const log: SyncLog = options.log ?? (() => undefined);
  const backoff = { baseMs: options.backoff?.baseMs ?? 1_000, maxMs: options.backoff?.maxMs ?? 60_000 };
  // The event stream's reconnection while offline: short, and never slower than the sync back-off.
  const reconnect = { baseMs: options.reconnect?.baseMs ?? Math.min(250, backoff.baseMs), maxMs: options.reconnect?.maxMs ?? Math.min(2_000, backoff.maxMs) };
  let scope = options.scope ?? null;

  const clientId = ensureSyncState(db, options.clientId).clientId;
  // A cache from before sent_through was kept: what it queued may have been sent.
  initSentThrough(db);
  if (scope !== null) adoptScope(db, scope);

  /** Whether the service answered the last request of a sync (one in progress keeps the last answer). */
  let reachable = false;
  const reached = () => {
    reachable = true;
  };
  const report = createSyncReport(db, events, now);
  const scheduler = createScheduler({
    cycle: () => sync(),
    pokes: (signal) => transport.pokes(signal),
    // Connected again after being offline: the queue goes at once, whatever its back-off said.
    onPoke: () => {
      if (report.state === 'offline') pusher.soon();
    },
    checkOnDrop: () => report.state === 'online',
    onSignedOut: (error) => {
      report.setError(lastErrorSentence(error));
      report.setState('signed-out');
    },
    afterRun: () => appliers.idle(),
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    backoff,
    reconnect,
    random: options.random ?? Math.random,
  });
  const call = <T,>(request: () => Promise<T>) => scheduler.call(request);
  const appliers = createPageAppliers({
    db,
    log,
    now,
    report,
    call,
    pause: () => scheduler.pause(),
    busy: () => scheduler.busy,
    stopped: () => scheduler.stopped,
    chunkSize: options.chunkSize,
    sliceMs: options.sliceMs ?? 15,
    threadMinRows: options.applyThreadMinRows ?? 5_000,
    threadIdleMs: options.applyThreadIdleMs ?? 60_000,
    onApplied: options.onApplied,
  });
  const puller = createPuller({
    db,
    transport,
    clientId,
    pageSize: Math.min(options.pageSize ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT),
    log,
    report,
    appliers,
    call,
    pause: () => scheduler.pause(),
    scope: () => scope,
    reached,
  });
  const pusher = createPusher({
    db,
    transport,
    clientId,
    batchSize: Math.min(options.pushBatchSize ?? MAX_MUTATIONS_PER_PUSH, MAX_MUTATIONS_PER_PUSH),
    now,
    log,
    report,
    call,
    stopped: () => scheduler.stopped,
    reached,
    pullToEnd: () => puller.pullToEnd(),
    rebootstrap: (reason) => puller.rebootstrap(reason),
  });

  /** One sync: a fresh copy if the scope changed, the bootstrap if unfinished, then push (when due) and pull. */
  async function sync(): Promise<void> {
    report.syncStarted();
    try {
      let state = readSyncState(db);
      if (scope !== null && state.scope !== null && state.scope !== scope) {
        await puller.rebootstrap('what you may see changed');
        state = readSyncState(db);
      }
      if (!state.bootstrapComplete) await puller.bootstrap();
      else report.setState('syncing');
      const pushDue = pusher.due;
      const pushFailure = await pusher.step();
      await puller.pullToEnd();
      report.setProgress(null);
      reachable = true;
      const waiting = pusher.waiting();
      if (pushFailure !== null) {
        report.setError(pushFailureSentence(pushFailure));
        pusher.holdFor(scheduler.retryAfter(pushFailure));
      } else if (waiting > 0) {
        // A pull between push retries (a poke) cancelled the retry timer: the queue's turn stays.
        scheduler.retryIn(waiting);
      } else {
        scheduler.succeeded();
        report.setError(null);
        // The push's back-off ran out while this pull (between retries) ran: its turn is now,
        // not at the next poke or poll (an hour away, or never, for a quiet organization).
        if (!pushDue && pendingCount(db) > 0) scheduler.request();
      }
      report.syncEnded(pushFailure === null ? 'synced' : 'push-failed');
      report.setState('online');
    } catch (error) {
      report.setProgress(null);
      if (error instanceof Aborted || scheduler.stopped) return;
      if (isUnauthenticated(error)) {
        scheduler.signOut(error);
        return;
      }
      report.setError(lastErrorSentence(error));
      report.syncEnded('failed');
      if (isSeatdeskError(error) && RETRYABLE.has(error.code)) {
        log(error.code === 'OFFLINE' ? 'info' : 'warn', `Sync failed (${error.code}); retrying with backoff.`, error);
        reachable = false;
        report.setState('offline');
      } else {
        log('error', 'Sync failed', error);
        report.setState('online');
      }
      scheduler.retryAfter(error);
    }
  }

  /** Whether a command queued now is made offline: the last sync could not reach the service, or none has ended yet. */
  function queuedOffline(): boolean {
    return !reachable || scheduler.signedOut;
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
    report.changed(tracker.scopes());
    report.emitStatus();
    if (scheduler.started && result.mutationIds.length > 0) scheduler.request();
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
            report.changed(tracker.scopes());
          })
          .immediate(),
      );
      if (scheduler.started) scheduler.request();
    }
    report.changed([{ entity: 'sync_issue', orgId: null }]);
    report.emitStatus();
    return getIssue(db, issueId);
  }

  return {
    clientId,
    start: () => scheduler.start(),
    async stop() {
      if (scheduler.stopped) return;
      await scheduler.stop();
      await appliers.stop();
    },
    async syncNow() {
      if (scheduler.stopped || scheduler.signedOut) return report.status();
      pusher.soon();
      scheduler.request();
      await scheduler.settled();
      return report.status();
    },
    queue,
    status: () => report.status(),
    listIssues: (includeResolved = false) => listIssues(db, includeResolved),
    queued: (limit = 200) => ({ ...listQueued(db, limit), lastSync: report.lastSync }),
    discard(selection) {
      const { discarded, changed } = durably(db, () => discardQueued(db, selection, log));
      report.changed(changed);
      report.emitStatus();
      return { discarded };
    },
    resolveIssue,
    setScope(next) {
      if (next === scope) return;
      scope = next;
      adoptScope(db, next);
      scheduler.request();
    },
  };
}
