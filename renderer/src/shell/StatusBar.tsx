import { useCallback, useRef, useState } from 'react';
import type { SyncStatus } from '@shared/ipc/models';
import { countOf, formatCount, formatDateTime, formatRelative } from '../format/format';
import { useNavStore } from '../state/nav-store';
import { Icon } from '../components/Icon';
import { PendingPanel } from './PendingPanel';
import { modifierLabel } from './shortcuts';
import { useNow, useSyncNow, useSyncStatus } from './sync-status';
import { summarizeSync } from './sync-summary';

/**
 * Online or offline, last sync, pending changes (a button: the panel of queued changes), sync
 * issues, and progress. Offline is a state, not an error.
 */
export function StatusBar() {
  const status = useSyncStatus();
  const syncNow = useSyncNow();
  const go = useNavStore((state) => state.go);
  const now = useNow();
  const data: SyncStatus | undefined = status.data;
  const summary = data === undefined ? null : summarizeSync(data, (n) => formatCount(n));
  const mod = modifierLabel(navigator.platform);
  const [panelOpen, setPanelOpen] = useState(false);
  const counterRef = useRef<HTMLButtonElement>(null);
  const closePanel = useCallback(() => setPanelOpen(false), []);

  return (
    <footer className="status-bar" aria-label="Sync status">
      <div className="status-items" role="status" aria-live="polite">
        {summary === null ? (
          <span className="status-item muted">Checking connection…</span>
        ) : (
          <>
            <span className={`status-item status-state state-${summary.state}`}>
              <span className="state-dot" aria-hidden="true" />
              {summary.state === 'offline' && <Icon name="cloudOff" size={14} />}
              {summary.label}
            </span>
            {summary.state === 'offline' && (
              <span className="status-item muted" title={data?.lastError ?? undefined}>
                Changes are kept and sent when you are back online.
              </span>
            )}
            <span className="status-item muted" title={data?.lastSyncedAt == null ? undefined : formatDateTime(data.lastSyncedAt)}>
              {data?.lastSyncedAt == null ? 'Not synced yet' : `Synced ${formatRelative(data.lastSyncedAt, now)}`}
            </span>
            <button
              ref={counterRef}
              type="button"
              className={`status-link pending-counter${(data?.pendingCount ?? 0) > 0 ? ' status-pending' : ''}`}
              aria-expanded={panelOpen}
              aria-haspopup="dialog"
              onClick={() => setPanelOpen(!panelOpen)}
            >
              {countOf(data?.pendingCount ?? 0, 'pending change', 'pending changes')}
            </button>
          </>
        )}
      </div>
      {summary?.progress != null && (
        <div className="status-progress">
          <progress max={summary.progress.total} value={summary.progress.done} aria-label={summary.progress.label} />
          <span className="muted">{summary.progress.label}</span>
        </div>
      )}
      {panelOpen && <PendingPanel onClose={closePanel} opener={counterRef} />}
      <div className="status-actions">
        {data !== undefined && (
          <button
            type="button"
            className={`status-link${data.issueCount > 0 ? ' has-issues' : ''}`}
            onClick={() => go('sync-issues')}
          >
            {data.issueCount > 0 && <Icon name="alert" size={14} />}
            {countOf(data.issueCount, 'sync issue', 'sync issues')}
          </button>
        )}
        <button
          type="button"
          className="status-link"
          onClick={() => void syncNow()}
          disabled={data?.state === 'syncing' || data?.state === 'bootstrapping'}
          aria-keyshortcuts="Control+Shift+S Meta+Shift+S"
          title={`Sync now (${mod}Shift+S)`}
        >
          <Icon name="sync" size={14} />
          Sync now
        </button>
      </div>
    </footer>
  );
}
