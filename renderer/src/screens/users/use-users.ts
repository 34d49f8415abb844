import { useMemo } from 'react';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { isAdminRole } from '@shared/domain/role';
import type { SeatdeskClient } from '@shared/ipc/channels';
import type { RoleRow, UserPage, UserRow } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { queryKeys, type QueryScope, type UserFilters } from '../../api/query-keys';
import { listFilters, pagesFor } from './user-logic';
import type { UsersFilters } from './users-store';

export { listFilters };

/** Rows per users.list call: a screenful many times over, small enough to answer at once. */
export const PAGE_SIZE = 200;
/** Bulk actions take at most this many users (the contract's userIds limit). */
export const MAX_BULK = 10_000;


function pageQuery(core: SeatdeskClient, scope: QueryScope, query: UserFilters, page: number) {
  return {
    queryKey: queryKeys.userPage(scope, query, page, PAGE_SIZE),
    queryFn: () => core.users.list({ ...scope, ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
  };
}

export interface UsersTotals {
  /** Rows matching the filters. */
  total: number;
  /** Billed seats of the scope, whatever the filters. */
  activeCount: number;
  isPending: boolean;
  /** The numbers are the previous filters' while the new ones load. */
  isPlaceholder: boolean;
  error: unknown;
  refetch(): void;
}

/** The first page's totals; the table and the seat count above it share this query. */
export function useUsersTotals(scope: QueryScope, filters: UsersFilters): UsersTotals {
  const core = useCore();
  const query = useMemo(() => listFilters(filters), [filters]);
  // The previous answer stays on screen while a new filter loads, instead of an empty table.
  const first = useQuery({ ...pageQuery(core, scope, query, 0), placeholderData: keepPreviousData });
  return {
    total: first.data?.total ?? 0,
    activeCount: first.data?.activeCount ?? 0,
    isPending: first.isPending,
    isPlaceholder: first.isPlaceholderData,
    error: first.error,
    refetch: () => void first.refetch(),
  };
}

export interface PagedUsers extends UsersTotals {
  rowAt(index: number): UserRow | undefined;
}

/**
 * The users table's rows: only the pages the visible rows need are asked for, each cached under
 * its own key, so 100,000 rows scroll without loading them all.
 */
export function usePagedUsers(scope: QueryScope, filters: UsersFilters, visible: { first: number; last: number }, totals: UsersTotals): PagedUsers {
  const core = useCore();
  const query = useMemo(() => listFilters(filters), [filters]);
  const pages = useMemo(() => pagesFor(visible.first, visible.last, PAGE_SIZE), [visible.first, visible.last]);
  const results = useQueries({ queries: pages.map((page) => pageQuery(core, scope, query, page)) });

  const loaded = new Map<number, UserPage>();
  results.forEach((result, index) => {
    const page = pages[index];
    if (page !== undefined && result.data !== undefined) loaded.set(page, result.data);
  });
  return {
    ...totals,
    rowAt: (index) => loaded.get(Math.floor(index / PAGE_SIZE))?.items[index % PAGE_SIZE],
    error: totals.error ?? results.find((result) => result.error !== null)?.error ?? null,
    refetch: () => {
      totals.refetch();
      results.forEach((result) => void result.refetch());
    },
  };
}

/** Every user id matching the filters, up to MAX_BULK: "select all". */
export async function allMatchingIds(core: SeatdeskClient, scope: QueryScope, filters: UsersFilters): Promise<{ ids: string[]; total: number }> {
  const query = listFilters(filters);
  const ids: string[] = [];
  let total = 0;
  for (let offset = 0; offset < MAX_BULK; offset += 1000) {
    const page = await core.users.list({ ...scope, ...query, offset, limit: 1000 });
    total = page.total;
    ids.push(...page.items.map((user) => user.id));
    if (page.items.length < 1000) break;
  }
  return { ids: ids.slice(0, MAX_BULK), total };
}

export function useRoles(orgId: string) {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.roles(orgId), queryFn: () => core.roles.list({ orgId }) });
}

/** Roles of several organizations, by id: names for the users of child organizations. */
export function useRolesOf(orgIds: readonly string[]): ReadonlyMap<string, RoleRow> {
  const core = useCore();
  const unique = [...new Set(orgIds)].sort();
  const results = useQueries({
    queries: unique.map((orgId) => ({ queryKey: queryKeys.roles(orgId), queryFn: () => core.roles.list({ orgId }) })),
  });
  const key = results.map((result) => result.dataUpdatedAt).join(',');
  return useMemo(() => {
    const byId = new Map<string, RoleRow>();
    for (const result of results) for (const role of result.data ?? []) byId.set(role.id, role);
    return byId;
    // The results array is new on every render; its answers change only with dataUpdatedAt.
  }, [key, unique.join(',')]);
}

export function useUser(userId: string | null) {
  const core = useCore();
  return useQuery({
    queryKey: queryKeys.user(userId ?? ''),
    queryFn: () => core.users.get({ userId: userId ?? '' }),
    enabled: userId !== null,
  });
}

/** Holders read per administrator role: the rules need one administrator besides the one changed. */
const ADMIN_HOLDERS_PAGE = 20;

/** What the shared administrator rules read of one organization: its roles and the active holders of Owner or Administrator. */
export interface AdminRows {
  roles: RoleRow[];
  administrators: UserRow[];
}

/**
 * The organization's roles and active Owner and Administrator holders, from the offline copy,
 * so a dialog can say before anything is queued that a change would leave no administrator
 * (shared/domain/administrators.ts). Null until loaded.
 */
export function useAdminRows(orgId: string | null): AdminRows | null {
  const core = useCore();
  const roles = useQuery({ queryKey: queryKeys.roles(orgId ?? ''), queryFn: () => core.roles.list({ orgId: orgId ?? '' }), enabled: orgId !== null });
  const adminRoleIds = orgId === null ? [] : (roles.data ?? []).filter(isAdminRole).map((role) => role.id);
  const scope: QueryScope = { orgId: orgId ?? '', includeChildren: false };
  const holders = useQueries({
    queries: adminRoleIds.map((roleId) => {
      const filters = { status: 'active', roleId, sort: 'name', direction: 'asc' } as const;
      return {
        queryKey: queryKeys.userPage(scope, filters, 0, ADMIN_HOLDERS_PAGE),
        queryFn: () => core.users.list({ ...scope, ...filters, offset: 0, limit: ADMIN_HOLDERS_PAGE }),
      };
    }),
  });
  if (orgId === null || roles.data === undefined || holders.some((holder) => holder.data === undefined)) return null;
  return { roles: roles.data, administrators: holders.flatMap((holder) => holder.data?.items ?? []) };
}
