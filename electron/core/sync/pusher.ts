import { performance } from 'node:perf_hooks';
import { ERROR_CODES, isSeatdeskError, type SeatdeskError } from '@shared/errors';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import { durably, type CacheDatabase } from '../db/open';
import { outboxBatch, pendingCount } from '../outbox/queue';
import { recordPushAnswer, type SyncLog } from './apply';
import type { SyncReport } from './report';
import { Aborted } from './scheduler';
import { followQueue, readSentThrough, setSentThrough, writeSentThrough } from './state';
import type { SyncTransport } from './transport';

/**
 * The pusher: sends the outbox in id order and in batches, records what each answer says (the
 * outcomes' one path, recordOutcomes, through recordPushAnswer), and keeps the queue's own
 * back-off: a push that fails (5xx, timeout, 429) waits, while pulls go on.
 */

export interface PusherContext {
  db: CacheDatabase;
  transport: SyncTransport;
  clientId: string;
  /** Mutations per request (at most MAX_MUTATIONS_PER_PUSH). */
  batchSize: number;
  now: () => Date;
  log: SyncLog;
  report: SyncReport;
  call<T>(request: () => Promise<T>): Promise<T>;
  stopped(): boolean;
  /** The service answered. */
  reached(): void;
  /** Settles the queue with a pull (the service has ids this queue does not know). */
  pullToEnd(): Promise<void>;
  /** Downloads a fresh copy, keeping the queue (the service speaks another protocol version). */
  rebootstrap(reason: string): Promise<void>;
}

export interface Pusher {
  /** Whether this sync's push goes: asked for at once, or its back-off is over. */
  readonly due: boolean;
  /** The next push goes at once, whatever its back-off says ("Sync now", back online). */
  soon(): void;
  /** The queue's push, which may fail on its own: answers that failure, or null (pushed, or not due). */
  step(): Promise<unknown>;
  /** After a failed push: no push for `delay` ms (pulls go on; "Sync now" pushes at once). */
  holdFor(delay: number): void;
  /** How long the queue still waits (0 or less: it does not). */
  waiting(): number;
}

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
      followQueue(db);
      return true;
    })
    .immediate();
}

export function createPusher(ctx: PusherContext): Pusher {
  const { db, log, report } = ctx;
  /** After a push failed, no push before this time (performance.now()). */
  let notBefore = 0;
  let now = false;
  let schemaRebootstrapDone = false;
  /** This version of Seatdesk cannot send to the service (a schema mismatch after a fresh copy). */
  let blocked = false;

  /** Pushes the whole outbox in id order, in batches; outcomes become issues. */
  async function pushAll(): Promise<void> {
    if (blocked) return;
    let batchSize = ctx.batchSize;
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
        response = await ctx.call(() => ctx.transport.push({ clientId: ctx.clientId, schemaVersion: SCHEMA_VERSION, mutations }));
        ctx.reached();
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
          await ctx.pullToEnd();
          if (renumberOutbox(db, error.details.expected)) log('warn', `Renumbered the queued commands from ${error.details.expected}.`);
          afterId = 0;
          continue;
        }
        throw error;
      }
      const refused = durably(db, () => db.transaction(() => recordPushAnswer(db, response.outcomes, ctx.now())).immediate());
      if (refused.length > 0) report.changed([{ entity: 'sync_issue', orgId: null }]);
      report.settled(response.lastMutationId, refused, response.outcomes.length);
      afterId = mutations.at(-1)!.id;
      done += mutations.length;
      report.setProgress(total > batchSize ? { phase: 'push', done: Math.min(done, total), total } : null);
      report.emitStatus();
    }
    report.setProgress(null);
  }

  async function step(): Promise<unknown> {
    if (!now && performance.now() < notBefore) return null;
    now = false;
    try {
      await pushAll();
      notBefore = 0;
      return null;
    } catch (error) {
      if (error instanceof Aborted || ctx.stopped()) throw error;
      if (!isSeatdeskError(error)) throw error;
      if (error.code === 'SCHEMA_MISMATCH') {
        if (schemaRebootstrapDone) {
          blocked = true;
          report.blockPush(`${ERROR_CODES.SCHEMA_MISMATCH.summary.split('.')[0]}, and this version of Seatdesk cannot send changes to it. Update Seatdesk; your queued changes are kept.`);
          log('error', 'Push refused with SCHEMA_MISMATCH after a fresh bootstrap; pushing is paused.', error);
          return null;
        }
        schemaRebootstrapDone = true;
        await ctx.rebootstrap('the service refused the queue for a schema mismatch');
        return step();
      }
      if (error.code === 'UNAUTHENTICATED') throw error;
      // The service (or the way to it) failed this push: its queue waits with back-off, while
      // the pull still brings everyone else's changes. A pull that fails too says offline.
      log(error.code === 'OFFLINE' ? 'info' : 'warn', `Push failed (${error.code}); pulling anyway and sending the queue again later.`, error);
      return error;
    }
  }

  return {
    get due() {
      return now || performance.now() >= notBefore;
    },
    soon() {
      now = true;
    },
    step,
    holdFor(delay) {
      notBefore = performance.now() + delay;
    },
    waiting: () => notBefore - performance.now(),
  };
}
