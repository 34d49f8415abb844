import type { SettledRefusal } from '@shared/ipc/contract';
import type { SyncState, SyncStatus } from '@shared/ipc/models';
import type { LastSyncOutcome } from '@shared/ipc/queued-changes';
import type { CacheDatabase } from '../db/open';
import type { EventBus } from '../events/event-bus';
import { pendingCount } from '../outbox/queue';
import type { ApplyResult, ChangedScope } from './apply';
import { openIssueCount } from './issues';
import { readSyncState } from './state';

/**
 * What the engine tells the windows: the status (state, counts, progress, the last error), which
 * rows changed, and the service's answers to queued changes; and how the last sync ended, for the
 * pending-changes panel. Every event the engine sends goes through here.
 */
export interface SyncReport {
  readonly state: SyncState;
  status(): SyncStatus;
  /** Sends the status if it is not the one sent last. */
  emitStatus(): void;
  setState(state: SyncState): void;
  /** The sentence the status shows (null: nothing went wrong). */
  setError(sentence: string | null): void;
  /** Pushing is paused for good (this version cannot send to the service): the status says so instead. */
  blockPush(sentence: string): void;
  setProgress(progress: SyncStatus['progress']): void;
  changed(scopes: readonly ChangedScope[]): void;
  /**
   * One transaction of a pull page is in: its changes, the commands it settled, and where a
   * bootstrap (or a long push) stands. The one report of an applied page, whichever thread wrote it.
   */
  applied(result: ApplyResult, progress: SyncStatus['progress']): void;
  /**
   * The service answered every queued change up to `through`; `refused` became sync issues
   * (their data.changed is the caller's: a pull page's changes already name them).
   */
  settled(through: number, refused: readonly SettledRefusal[], answered?: number): void;
  /** A sync starts: its outcome is counted from here. */
  syncStarted(): void;
  syncEnded(result: LastSyncOutcome['result']): void;
  readonly lastSync: LastSyncOutcome | null;
}

export function createSyncReport(db: CacheDatabase, events: EventBus, now: () => Date): SyncReport {
  let state: SyncState = 'offline';
  let lastError: string | null = null;
  let pushBlocked: string | null = null;
  let progress: SyncStatus['progress'] = null;
  let lastEmitted = '';
  let lastSync: LastSyncOutcome | null = null;
  let answered = 0;
  let refusedCount = 0;

  function status(): SyncStatus {
    return {
      state,
      lastSyncedAt: readSyncState(db).lastSyncedAt,
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

  function changed(scopes: readonly ChangedScope[]): void {
    for (const { entity, orgId } of scopes) events.emit({ type: 'data.changed', entity, orgId });
  }

  function settled(through: number, refused: readonly SettledRefusal[], count = 0): void {
    answered += count;
    refusedCount += refused.length;
    events.emit({ type: 'sync.settled', through, refused: [...refused] });
  }

  return {
    get state() {
      return state;
    },
    status,
    emitStatus,
    setState(next) {
      state = next;
      emitStatus();
    },
    setError(sentence) {
      lastError = sentence;
    },
    blockPush(sentence) {
      pushBlocked = sentence;
    },
    setProgress(next) {
      progress = next;
    },
    changed,
    applied(result, next) {
      changed(result.changed);
      if (result.settledThrough !== null) settled(result.settledThrough, result.refused);
      if (next !== null) progress = next;
      emitStatus();
    },
    settled,
    syncStarted() {
      answered = 0;
      refusedCount = 0;
    },
    syncEnded(result) {
      lastSync = { at: now().toISOString(), result, sent: answered, refused: refusedCount, message: result === 'synced' ? null : lastError };
    },
    get lastSync() {
      return lastSync;
    },
  };
}
