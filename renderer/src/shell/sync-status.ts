import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SyncStatus } from '@shared/ipc/models';
import { useCore } from '../api/core-context';
import { errorCodeOf, errorSentence } from '../api/errors';
import { queryKeys } from '../api/query-keys';
import { toast } from '../state/toast-store';
import { syncNowFeedback } from './sync-summary';

export function useSyncStatus() {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.syncStatus, queryFn: () => core.sync.status(), staleTime: Number.POSITIVE_INFINITY });
}

/**
 * "Sync now": push the outbox, then pull. Offline is not an error, but pressing the button and
 * seeing nothing happen is worse than being told why: it says so in a toast.
 */
export function useSyncNow() {
  const core = useCore();
  const queryClient = useQueryClient();
  return async () => {
    try {
      const status = await core.sync.now();
      queryClient.setQueryData<SyncStatus>(queryKeys.syncStatus, status);
      const feedback = syncNowFeedback(status);
      if (feedback !== null) toast.info(feedback.text, feedback.detail);
    } catch (error) {
      if (errorCodeOf(error) === 'OFFLINE') {
        void queryClient.invalidateQueries({ queryKey: queryKeys.syncStatus });
        toast.info(errorSentence(error));
      } else toast.error(errorSentence(error));
    }
  };
}

/** The current time, updated every interval, for "synced 3 minutes ago". */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
