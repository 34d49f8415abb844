import type { LastSyncOutcome, QueuedChange, QueuedChanges } from '@shared/ipc/queued-changes';

/** The panel's rows: a change of its own, or a bulk action with its changes. */
export type PendingEntry =
  | { kind: 'change'; change: QueuedChange }
  | { kind: 'batch'; batchId: string; count: number; changes: QueuedChange[] };

/** Groups the listed changes by bulk action, in queue order (a batch where its first change is). */
export function pendingEntries(queued: Pick<QueuedChanges, 'items' | 'batches'>): PendingEntry[] {
  const counts = new Map(queued.batches.map((batch) => [batch.batchId, batch.count]));
  const entries: PendingEntry[] = [];
  const byBatch = new Map<string, Extract<PendingEntry, { kind: 'batch' }>>();
  for (const change of queued.items) {
    if (change.batchId === null) {
      entries.push({ kind: 'change', change });
      continue;
    }
    let batch = byBatch.get(change.batchId);
    if (batch === undefined) {
      batch = { kind: 'batch', batchId: change.batchId, count: counts.get(change.batchId) ?? 0, changes: [] };
      byBatch.set(change.batchId, batch);
      entries.push(batch);
    }
    batch.changes.push(change);
  }
  for (const batch of byBatch.values()) batch.count = Math.max(batch.count, batch.changes.length);
  return entries;
}

const plural = (n: number, one: string, other: string) => `${n} ${n === 1 ? one : other}`;

/** How the last sync ended, in a sentence; `time` formats its ISO instant. */
export function lastSyncSentence(lastSync: LastSyncOutcome | null, time: (iso: string) => string): string {
  if (lastSync === null) return 'No sync has ended since Seatdesk started.';
  const at = time(lastSync.at);
  const answered =
    lastSync.sent === 0
      ? 'nothing to send'
      : `${plural(lastSync.sent, 'change', 'changes')} sent` + (lastSync.refused > 0 ? `, ${lastSync.refused} not applied (see Sync issues)` : '');
  switch (lastSync.result) {
    case 'synced':
      return `Last sync ${at}: ${answered}.`;
    case 'push-failed':
      return `Last sync ${at}: others' changes arrived, yours wait. ${lastSync.message ?? ''}`.trim();
    case 'failed':
      return `Last sync ${at} failed. ${lastSync.message ?? ''}`.trim();
  }
}
