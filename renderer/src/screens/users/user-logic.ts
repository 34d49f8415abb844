import { lastAdminRefusal, type AdminChange } from '@shared/domain/administrators';
import type { Refusal } from '@shared/domain/refusal';
import type { Role } from '@shared/domain/role';
import type { User, UserStatus } from '@shared/domain/user';
import type { AdminRows } from './use-users';
import type { UserFilters } from '../../api/query-keys';
import type { UsersFilters } from './users-store';

/** Pure helpers of the users screen (tested in user-logic.test.ts). */

export const STATUS_LABELS: Readonly<Record<UserStatus, string>> = {
  pending: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

/**
 * LAST_ADMIN for a change made in a dialog, judged by the shared rule over the copy's rows before
 * anything is queued (the core judges it again as it queues). Null while the rows load.
 */
export function lastAdminRefusalOf(orgName: string, rows: AdminRows | null, change: AdminChange): Refusal | null {
  return rows === null ? null : lastAdminRefusal({ name: orgName }, rows.administrators, rows.roles, change);
}

/** Role names of a user in the order of the role list, unknown ids left out. */
export function roleNamesOf(user: Pick<User, 'roleIds'>, roles: ReadonlyMap<string, Pick<Role, 'name'>>): string[] {
  return user.roleIds.flatMap((roleId) => {
    const role = roles.get(roleId);
    return role === undefined ? [] : [role.name];
  });
}

/** The ids between two table rows (inclusive), for Shift-click and Shift-arrow selection. */
export function rangeIds(from: number, to: number, idAt: (index: number) => string | undefined): string[] {
  const [start, end] = from <= to ? [from, to] : [to, from];
  const ids: string[] = [];
  for (let index = start; index <= end; index += 1) {
    const id = idAt(index);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

export function toggled(selected: ReadonlySet<string>, id: string, on?: boolean): Set<string> {
  const next = new Set(selected);
  const select = on ?? !next.has(id);
  if (select) next.add(id);
  else next.delete(id);
  return next;
}

/** Pages of `size` rows that the visible row range [first, last] needs. */
export function pagesFor(first: number, last: number, size: number): number[] {
  if (last < first || size <= 0) return [0];
  const pages: number[] = [];
  for (let page = Math.floor(first / size); page <= Math.floor(last / size); page += 1) pages.push(page);
  return pages;
}

/** The next active row for a navigation key, or null when the key does not move. */
export function nextIndex(key: string, current: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, current + 1);
    case 'ArrowUp':
      return Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return Math.min(last, current + pageRows);
    case 'PageUp':
      return Math.max(0, current - pageRows);
    default:
      return null;
  }
}

/** The users.list filters of the screen's filter state ('all' and blank search mean no filter). */
export function listFilters(filters: UsersFilters): UserFilters {
  const q = filters.q.trim();
  return {
    sort: filters.sort,
    direction: filters.direction,
    ...(filters.status === 'all' ? {} : { status: filters.status }),
    ...(filters.roleId === 'all' ? {} : { roleId: filters.roleId }),
    ...(q === '' ? {} : { q }),
  };
}
