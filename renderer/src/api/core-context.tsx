import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CoreEvent } from '@shared/ipc/contract';
import type { SeatdeskClient } from '@shared/ipc/channels';
import type { OrgNode, SyncStatus } from '@shared/ipc/models';
import type { CoreConnection } from '../bridge';
import { resetChangeTracking, useToastStore } from '../state/toast-store';
import { ancestorsFrom, isAffected, type ChangeEvent } from './invalidation';
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

/**
 * How long data.changed events are gathered before the queries they touch are invalidated. A
 * change arrives as several events (one per entity and organization it touched, in one burst):
 * gathered, each query is invalidated once per change, not once per event.
 */
export const CHANGE_BATCH_MS = 10;

export interface CoreEventHandler {
  handle(event: CoreEvent): void;
  /** Invalidates what the gathered data.changed events touch, now. */
  flush(): void;
  dispose(): void;
}

/**
 * Applies core events to the query cache. The core's events are the one way a change refreshes
 * queries: a screen that queues a change does not invalidate anything itself (useCommand).
 */
export function createCoreEventHandler(queryClient: QueryClient): CoreEventHandler {
  let changes: ChangeEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (changes.length === 0) return;
    const gathered = changes;
    changes = [];
    const tree = queryClient.getQueryData<OrgNode[]>(queryKeys.orgTree);
    const ancestorsOf = tree === undefined ? () => null : ancestorsFrom(new Map(tree.map((org) => [org.id, org.parentId])));
    void queryClient.invalidateQueries({ predicate: (query) => gathered.some((event) => isAffected(query.queryKey, event, ancestorsOf)) });
  };

  return {
    handle(event) {
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
        case 'data.changed':
          changes.push({ entity: event.entity, orgId: event.orgId });
          timer ??= setTimeout(flush, CHANGE_BATCH_MS);
          return;
      }
    },
    flush,
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      changes = [];
    },
  };
}

/** Subscribes the query cache to the core's events for as long as the caller is mounted. */
export function useCoreEvents(): void {
  const { onEvent } = useConnection();
  const queryClient = useQueryClient();
  useEffect(() => {
    const handler = createCoreEventHandler(queryClient);
    const unsubscribe = onEvent((event) => handler.handle(event));
    return () => {
      unsubscribe();
      handler.dispose();
    };
  }, [onEvent, queryClient]);
}

/** Queries that do not belong to an account: kept across sign-in and sign-out. */
export function isAccountQuery(queryKey: readonly unknown[]): boolean {
  return queryKey[0] !== 'session' && queryKey[0] !== 'app';
}
