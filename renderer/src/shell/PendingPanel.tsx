import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DiscardQueued, QueuedChange } from '@shared/ipc/queued-changes';
import { useCore } from '../api/core-context';
import { errorSentence } from '../api/errors';
import { queryKeys } from '../api/query-keys';
import { LoadError, Loading } from '../components/bits';
import { countOf, formatDateTime, formatRelative } from '../format/format';
import { toast } from '../state/toast-store';
import { lastSyncSentence, pendingEntries } from './pending-summary';
import { useNow } from './sync-status';
import './pending-panel.css';

const LIMIT = 200;

/**
 * The pending-changes panel the status bar's counter opens: every queued change (what, where,
 * when, batch) with Discard per change or per bulk action, and how the last sync ended. Not
 * modal: Escape or a click outside closes it, and focus goes back to the counter.
 */
export function PendingPanel({ onClose, opener }: { onClose(): void; opener: RefObject<HTMLButtonElement | null> }) {
  const core = useCore();
  const now = useNow();
  const titleId = useId();
  const panelRef = useRef<HTMLElement>(null);
  const [busy, setBusy] = useState(false);
  const queued = useQuery({ queryKey: queryKeys.pendingChanges, queryFn: () => core.pendingChanges.list({ limit: LIMIT }) });

  useEffect(() => {
    panelRef.current?.querySelector<HTMLElement>('h2')?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !opener.current?.contains(target)) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose, opener]);

  const close = () => {
    onClose();
    opener.current?.focus();
  };

  const discard = async (selection: DiscardQueued, what: string) => {
    setBusy(true);
    try {
      const { discarded } = await core.pendingChanges.discard(selection);
      toast.info(discarded === 1 ? `Discarded: ${what}.` : `Discarded ${countOf(discarded, 'change', 'changes')}: ${what}.`);
      // The panel keeps the focus when the button it had is gone.
      panelRef.current?.querySelector<HTMLElement>('h2')?.focus();
    } catch (error) {
      toast.error(errorSentence(error));
    } finally {
      setBusy(false);
      void queued.refetch();
    }
  };

  const data = queued.data;
  const entries = data === undefined ? [] : pendingEntries(data);

  return (
    <section
      ref={panelRef}
      className="pending-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        event.stopPropagation();
        close();
      }}
    >
      <header className="pending-panel-header">
        <h2 id={titleId} tabIndex={-1}>
          {data === undefined ? 'Pending changes' : `Pending changes (${data.total})`}
        </h2>
        <button type="button" className="button small ghost" onClick={close}>
          Close
        </button>
      </header>
      {queued.isError ? (
        <LoadError error={queued.error} onRetry={() => void queued.refetch()} />
      ) : data === undefined ? (
        <Loading />
      ) : (
        <>
          <p className="pending-last-sync muted">{lastSyncSentence(data.lastSync, (iso) => formatDateTime(iso))}</p>
          {data.total === 0 ? (
            <p className="pending-empty">Nothing is waiting: every change made on this computer has been sent.</p>
          ) : (
            <ul className="pending-list">
              {entries.map((entry) =>
                entry.kind === 'change' ? (
                  <li key={entry.change.mutationId}>
                    <ChangeRow change={entry.change} now={now} busy={busy} onDiscard={() => void discard({ mutationIds: [entry.change.mutationId] }, entry.change.what)} />
                  </li>
                ) : (
                  <li key={entry.batchId} className="pending-batch">
                    <div className="pending-batch-header">
                      <span>
                        Bulk action: <strong>{countOf(entry.count, 'change', 'changes')}</strong>
                        <span className="muted"> · batch {entry.batchId.slice(0, 8)}</span>
                      </span>
                      <button
                        type="button"
                        className="button small"
                        disabled={busy || entry.changes.some((change) => change.sending)}
                        title={entry.changes.some((change) => change.sending) ? 'Part of it has been sent already' : undefined}
                        onClick={() => void discard({ batchId: entry.batchId }, `the bulk action of ${countOf(entry.count, 'change', 'changes')}`)}
                      >
                        Discard all {entry.count}
                      </button>
                    </div>
                    <ul className="pending-list">
                      {entry.changes.map((change) => (
                        <li key={change.mutationId}>
                          <ChangeRow change={change} now={now} busy={busy} onDiscard={() => void discard({ mutationIds: [change.mutationId] }, change.what)} />
                        </li>
                      ))}
                    </ul>
                  </li>
                ),
              )}
            </ul>
          )}
          {data.total > data.items.length && <p className="muted pending-more">And {countOf(data.total - data.items.length, 'more change', 'more changes')}, after these.</p>}
        </>
      )}
    </section>
  );
}

function ChangeRow({ change, now, busy, onDiscard }: { change: QueuedChange; now: Date; busy: boolean; onDiscard(): void }) {
  return (
    <div className="pending-change">
      <div className="pending-change-text">
        <span className="pending-what">{change.what}</span>
        <span className="muted">
          {change.orgName ?? 'An organization not in this copy'} ·{' '}
          <time dateTime={change.queuedAt} title={formatDateTime(change.queuedAt)}>
            {formatRelative(change.queuedAt, now)}
          </time>
          {change.sending && ' · sending'}
        </span>
      </div>
      <button
        type="button"
        className="button small"
        disabled={busy || change.sending}
        aria-label={`Discard ${change.what}`}
        title={change.sending ? 'Sent already: its answer is on its way' : undefined}
        onClick={onDiscard}
      >
        Discard
      </button>
    </div>
  );
}
