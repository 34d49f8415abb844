import { createElement, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { QueryClient, QueryClientProvider, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeatdeskClient } from '@shared/ipc/channels';
import type { CoreEvent } from '@shared/ipc/contract';
import type { QueuedResult, SyncStatus } from '@shared/ipc/models';
import type { CoreConnection } from '../bridge';
import { useChange, useCommand } from './commands';
import { CHANGE_BATCH_MS, CoreProvider, createCoreEventHandler } from './core-context';
import { queryKeys } from './query-keys';

/**
 * One change, one invalidation of each query it touches: the core's data.changed events are the
 * only refresh (the screen that queued the change used to invalidate the same queries again), and
 * the events of one change are gathered so that overlapping ones touch a query once.
 */

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';
const STATUS: SyncStatus = { state: 'online', lastSyncedAt: null, pendingCount: 1, issueCount: 0, progress: null, lastError: null };
const QUEUED: QueuedResult = { batchId: null, mutationIds: [1], entityId: null, skipped: [] };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A query cache with the users, roles and sync status screens open, counting invalidations per query. */
function openScreens() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
  const keys = { users: queryKeys.userPages({ orgId: ORG, includeChildren: false }), roles: queryKeys.roles(ORG), invoices: queryKeys.invoices({ orgId: ORG, includeChildren: false }, {}) };
  for (const key of Object.values(keys)) {
    const observer = new QueryObserver(queryClient, { queryKey: key, queryFn: () => Promise.resolve([]) });
    cleanups.push(observer.subscribe(() => undefined));
  }
  const invalidated = new Map<string, number>();
  cleanups.push(
    queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'invalidate') {
        const root = String(event.query.queryKey[0]);
        invalidated.set(root, (invalidated.get(root) ?? 0) + 1);
      }
    }),
  );
  const handler = createCoreEventHandler(queryClient);
  cleanups.push(() => handler.dispose());
  return { queryClient, handler, invalidated };
}

/** What the core emits for a change to a user, before it answers (engine.queue). */
function coreEmitsUserChange(handle: (event: CoreEvent) => void): void {
  handle({ type: 'data.changed', entity: 'user', orgId: ORG });
  handle({ type: 'sync.status', status: STATUS });
}

/** The hooks as a screen gets them, from a render with the app's providers. */
function hooksWith(queryClient: QueryClient, client: Partial<SeatdeskClient>) {
  const connection: CoreConnection = { client: client as SeatdeskClient, onEvent: () => () => undefined };
  let hooks: { command: ReturnType<typeof useCommand>; change: ReturnType<typeof useChange> } | null = null;
  function Probe(): ReactNode {
    hooks = { command: useCommand(), change: useChange() };
    return null;
  }
  renderToString(createElement(QueryClientProvider, { client: queryClient }, createElement(CoreProvider, { connection, children: createElement(Probe) })));
  return hooks!;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, CHANGE_BATCH_MS * 3));

describe('one invalidation per change', () => {
  it('a command from a screen: the core’s event refreshes each query it touches once, the screen adds none', async () => {
    const { queryClient, handler, invalidated } = openScreens();
    const { command } = hooksWith(queryClient, {
      commands: {
        run: () => {
          coreEmitsUserChange((event) => handler.handle(event));
          return Promise.resolve(QUEUED);
        },
      } as unknown as SeatdeskClient['commands'],
    });
    await command.run('updateUser', { orgId: ORG, userId: USER, version: 3, lastName: 'Once' });
    await settle();
    expect(Object.fromEntries(invalidated)).toEqual({ user: 1, role: 1 });
  });

  it('a bulk action: the same', async () => {
    const { queryClient, handler, invalidated } = openScreens();
    const { change } = hooksWith(queryClient, {});
    await change.change(() => {
      coreEmitsUserChange((event) => handler.handle(event));
      return Promise.resolve(QUEUED);
    });
    await settle();
    expect(Object.fromEntries(invalidated)).toEqual({ user: 1, role: 1 });
  });

  it('the events of one change that overlap (users and roles) touch each query once', async () => {
    const { handler, invalidated } = openScreens();
    handler.handle({ type: 'data.changed', entity: 'role', orgId: ORG });
    handler.handle({ type: 'data.changed', entity: 'user', orgId: ORG });
    handler.handle({ type: 'data.changed', entity: 'user', orgId: null });
    await settle();
    expect(Object.fromEntries(invalidated)).toEqual({ user: 1, role: 1 });
  });

  it('a change of something else touches none of them', async () => {
    const { handler, invalidated } = openScreens();
    handler.handle({ type: 'data.changed', entity: 'payment_method', orgId: ORG });
    handler.flush();
    expect(invalidated.size).toBe(0);
  });
});
