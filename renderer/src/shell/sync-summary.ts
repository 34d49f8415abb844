import { ERROR_CODES } from '@shared/errors';
import type { SyncStatus } from '@shared/ipc/models';

export interface SyncSummary {
  state: 'online' | 'offline' | 'syncing' | 'bootstrapping' | 'signed-out';
  label: string;
  /** Progress as a 0..1 fraction and its words, during bootstrap and long pushes. */
  progress: { fraction: number; label: string; done: number; total: number } | null;
}

/** What the status bar says about a SyncStatus (pure, for tests). */
export function summarizeSync(status: SyncStatus, formatCount: (n: number) => string = String): SyncSummary {
  const progress =
    status.progress === null || status.progress.total <= 0
      ? null
      : {
          fraction: Math.min(1, Math.max(0, status.progress.done / status.progress.total)),
          done: status.progress.done,
          total: status.progress.total,
          label:
            status.progress.phase === 'bootstrap'
              ? `Downloading your data: ${formatCount(status.progress.done)} of ${formatCount(status.progress.total)}`
              : `Sending changes: ${formatCount(status.progress.done)} of ${formatCount(status.progress.total)}`,
        };
  switch (status.state) {
    case 'online':
      return { state: 'online', label: 'Online', progress };
    case 'offline':
      return { state: 'offline', label: 'Offline', progress };
    case 'syncing':
      return { state: 'syncing', label: 'Syncing…', progress };
    case 'bootstrapping':
      return { state: 'bootstrapping', label: 'Downloading your data…', progress };
    case 'signed-out':
      return { state: 'signed-out', label: 'Signed out', progress: null };
  }
}

/**
 * What "Sync now" tells when the sync it ran could not do everything: offline, why nothing was
 * sent (the status line alone changed nothing visible); online with the queue waiting, why.
 * Null when it synced (the status bar says so).
 */
export function syncNowFeedback(status: SyncStatus): { text: string; detail?: string } | null {
  const pending = status.pendingCount === 1 ? '1 pending change is' : `${status.pendingCount} pending changes are`;
  switch (status.state) {
    case 'offline':
      return {
        text: status.lastError ?? ERROR_CODES.OFFLINE.summary,
        ...(status.pendingCount > 0 ? { detail: `Nothing was sent: ${pending} kept on this computer.` } : {}),
      };
    case 'online':
      return status.lastError === null ? null : { text: status.lastError };
    default:
      return null;
  }
}
