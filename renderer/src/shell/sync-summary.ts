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
