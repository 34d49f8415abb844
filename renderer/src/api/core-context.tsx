import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CoreEvent } from '@shared/ipc/contract';
import type { SeatdeskClient } from '@shared/ipc/channels';
import type { OrgNode, SyncStatus } from '@shared/ipc/models';
import type { CoreConnection } from '../bridge';
import { resetChangeTracking, useToastStore } from '../state/toast-store';
import { ancestorsFrom, isAffected } from './invalidation';
import { queryKeys } from './query-keys';

const CoreContext = createContext<CoreConnection | null>(null);

export function CoreProvider({ connection, children }: { connection: CoreConnection; children: ReactNode }) {
  return <CoreContext.Provider value={connection}>{children}</CoreContext.Provider>;
}

function useConnection(): CoreConnection {
  const connection = useContext(CoreContext);
  if (connection === null) throw new Error('useCore outside CoreProvider');
  return connection;
}

/** The typed client of window.seatdesk. */
export function useCore(): SeatdeskClient {
  return useConnection().client;
}

/** Applies one core event to the query cache. */
export function applyCoreEvent(queryClient: QueryClient, event: CoreEvent): void {
  switch (event.type) {
    case 'session.changed':
      // Shell resets the other queries when the account actually changed (useSessionReset).
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      // Another account counts its changes from 1 again.
      resetChangeTracking();
      return;
    case 'sync.settled':
      // The service answered queued changes: their confirmations show, refusals say why.
      useToastStore.getState().settled(event.through, event.refused);
      return;
    case 'sync.status':
      queryClient.setQueryData<SyncStatus>(queryKeys.syncStatus, event.status);
      // The queue and the last sync's outcome move with the status (fetched only while the panel is open).
      void queryClient.invalidateQueries({ queryKey: queryKeys.pendingChanges });
      return;
    case 'data.changed': {
      const tree = queryClient.getQueryData<OrgNode[]>(queryKeys.orgTree);
      const ancestorsOf = tree === undefined ? () => null : ancestorsFrom(new Map(tree.map((org) => [org.id, org.parentId])));
      void queryClient.invalidateQueries({ predicate: (query) => isAffected(query.queryKey, event, ancestorsOf) });
      return;
    }
  }
}

/** Subscribes the query cache to the core's events for as long as the caller is mounted. */
export function useCoreEvents(): void {
  const { onEvent } = useConnection();
  const queryClient = useQueryClient();
  useEffect(() => onEvent((event) => applyCoreEvent(queryClient, event)), [onEvent, queryClient]);
}

/** Queries that do not belong to an account: kept across sign-in and sign-out. */
export function isAccountQuery(queryKey: readonly unknown[]): boolean {
  return queryKey[0] !== 'session' && queryKey[0] !== 'app';
}
