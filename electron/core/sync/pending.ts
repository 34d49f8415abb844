import { SeatdeskError } from '@shared/errors';
import type { DiscardQueued, QueuedChange, QueuedChanges } from '@shared/ipc/queued-changes';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { tableOf } from '../cache/rows';
import type { CacheDatabase } from '../db/open';
import { outboxRow, outboxRows, pendingCount, type OutboxRow } from '../outbox/queue';
import { ChangeTracker, rebase, type ChangedScope, type SyncLog } from './apply';
import { describeCommand } from './issues';
import { followQueue, readSentThrough, readSyncState } from './state';

/**
 * The pending-changes panel: the queue in words (what, where, when, batch), and discarding
 * changes that have never left this computer. A discarded change is gone as if never made: the
 * rest of the queue is replayed over the confirmed rows (as discarding a sync issue leaves them),
 * renumbered so the service sees no gap, and a later change on the same row names the version
 * it will now meet.
 */

/** Changes at or below this id may be on the service already (sent, or settled by it). */
function sentThrough(db: CacheDatabase): number {
  return Math.max(readSentThrough(db), readSyncState(db).lastMutationId);
}

function viewData(db: CacheDatabase, row: OutboxRow): unknown {
  if (row.entityId === null) return null;
  const found = db.prepare(`SELECT data FROM ${tableOf(row.entity as SyncedEntityName)} WHERE id = ?`).get(row.entityId) as { data: string } | undefined;
  return found === undefined ? null : (JSON.parse(found.data) as unknown);
}

export function listQueued(db: CacheDatabase, limit: number): Omit<QueuedChanges, 'lastSync'> {
  const sent = sentThrough(db);
  const orgName = db.prepare(`SELECT name FROM ${tableOf('organization')} WHERE id = ?`);
  const names = new Map<string, string | null>();
  const nameOf = (orgId: string): string | null => {
    if (!names.has(orgId)) names.set(orgId, (orgName.get(orgId) as { name: string | null } | undefined)?.name ?? null);
    return names.get(orgId)!;
  };
  const items: QueuedChange[] = outboxRows(db, 0, limit).map((row) => ({
    mutationId: row.mutationId,
    commandName: row.name,
    what: describeCommand(row.name, viewData(db, row), row.args),
    orgId: row.orgId,
    orgName: nameOf(row.orgId),
    queuedAt: row.queuedAt,
    batchId: row.batchId,
    queuedOffline: row.queuedOffline,
    sending: row.mutationId <= sent,
  }));
  const batches = (
    db.prepare('SELECT batch_id, count(*) AS n FROM outbox WHERE batch_id IS NOT NULL GROUP BY batch_id ORDER BY min(mutation_id)').all() as { batch_id: string; n: number }[]
  ).map((batch) => ({ batchId: batch.batch_id, count: batch.n }));
  return { total: pendingCount(db), items, batches };
}

/**
 * Discards queued changes in one transaction, or refuses (and changes nothing) when one of them
 * is no longer queued or may have been sent. Answers how many went and what the view changed.
 */
export function discardQueued(db: CacheDatabase, selection: DiscardQueued, log: SyncLog): { discarded: number; changed: ChangedScope[] } {
  return db
    .transaction(() => {
      const ids =
        selection.batchId !== undefined
          ? (db.prepare('SELECT mutation_id FROM outbox WHERE batch_id = ? ORDER BY mutation_id').all(selection.batchId) as { mutation_id: number }[]).map((row) => row.mutation_id)
          : [...new Set(selection.mutationIds ?? [])].sort((a, b) => a - b);
      if (ids.length === 0 || ids.some((id) => outboxRow(db, id) === null)) {
        throw new SeatdeskError('NOT_FOUND', 'This change is no longer in the queue: the billing service has answered it.');
      }
      const sent = sentThrough(db);
      if (ids[0]! <= sent) {
        throw new SeatdeskError(
          'INVALID_TRANSITION',
          'This change has been sent to the billing service already, so it can no longer be discarded. If the service refuses it, discard it in Sync issues.',
        );
      }
      const tracker = new ChangeTracker();
      // The version each remaining change's row has just before it, with and without the discarded ones.
      const before = new Map<number, number | null>();
      rebase(db, tracker, log, (command, version) => before.set(command.mutationId, version));
      const remove = db.prepare('DELETE FROM outbox WHERE mutation_id = ?');
      for (const id of ids) remove.run(id);
      const after = new Map<number, number | null>();
      rebase(db, tracker, log, (command, version) => after.set(command.mutationId, version));

      // A later change on a row a discarded one had changed was made against that one's version:
      // it now names the version it will meet (never for a change that may have been sent).
      const rewrite = db.prepare('UPDATE outbox SET base_version = ?, args = ? WHERE mutation_id = ?');
      for (const command of outboxRows(db, sent)) {
        const was = before.get(command.mutationId);
        const is = after.get(command.mutationId);
        if (was == null || is == null || was === is) continue;
        const shift = was - is;
        const args = { ...(command.args as Record<string, unknown>) };
        if (typeof args['version'] === 'number') args['version'] = args['version'] - shift;
        rewrite.run(command.baseVersion === null ? null : command.baseVersion - shift, JSON.stringify(args), command.mutationId);
      }

      // No gap for the service: the changes after the first discarded one move down, in order
      // (through negative ids, so no two rows meet on one key).
      const start = ids[0]!;
      const later = db.prepare('SELECT mutation_id FROM outbox WHERE mutation_id > ? ORDER BY mutation_id').all(start) as { mutation_id: number }[];
      const move = db.prepare('UPDATE outbox SET mutation_id = ? WHERE mutation_id = ?');
      later.forEach((row, index) => move.run(-(start + index), row.mutation_id));
      db.prepare('UPDATE outbox SET mutation_id = -mutation_id WHERE mutation_id < 0').run();
      followQueue(db, sent);
      return { discarded: ids.length, changed: tracker.scopes() };
    })
    .immediate();
}
