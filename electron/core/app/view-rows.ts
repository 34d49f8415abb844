import { isAdminRole, type Role } from '@shared/domain/role';
import type { User } from '@shared/domain/user';
import type { AdminContext } from '../bulk/plan';
import type { CacheDatabase } from '../db/open';

/** Users of the view by id, in one statement (bulk actions over thousands of ids). */
export function usersByIds(db: CacheDatabase, userIds: readonly string[]): User[] {
  const rows = db.prepare('SELECT data FROM users WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(userIds)) as { data: string }[];
  return rows.map((row) => JSON.parse(row.data) as User);
}

export function usersOfOrg(db: CacheDatabase, orgId: string): User[] {
  const rows = db.prepare('SELECT data FROM users WHERE org_id = ?').all(orgId) as { data: string }[];
  return rows.map((row) => JSON.parse(row.data) as User);
}

/** Roles of the given organizations. */
export function rolesOfOrgs(db: CacheDatabase, orgIds: Iterable<string>): Role[] {
  const rows = db.prepare('SELECT data FROM roles WHERE org_id IN (SELECT value FROM json_each(?))').all(JSON.stringify([...new Set(orgIds)])) as { data: string }[];
  return rows.map((row) => JSON.parse(row.data) as Role);
}

export function allRoleNames(db: CacheDatabase): Map<string, string> {
  const rows = db.prepare('SELECT id, name FROM roles').all() as { id: string; name: string }[];
  return new Map(rows.map((row) => [row.id, row.name]));
}

/**
 * What the bulk planners' LAST_ADMIN check reads of the organizations concerned: their names and
 * their active holders of an Owner or Administrator role (found through user_roles; `roles` are
 * the organizations' roles).
 */
export function adminContextOf(db: CacheDatabase, orgIds: Iterable<string>, roles: readonly Role[]): AdminContext {
  const names = db.prepare('SELECT id, name FROM organizations WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify([...new Set(orgIds)])) as {
    id: string;
    name: string;
  }[];
  const adminRoleIds = roles.filter(isAdminRole).map((role) => role.id);
  const rows = db
    .prepare("SELECT data FROM users WHERE status = 'active' AND id IN (SELECT user_id FROM user_roles WHERE role_id IN (SELECT value FROM json_each(?)))")
    .all(JSON.stringify(adminRoleIds)) as { data: string }[];
  return { orgNames: new Map(names.map((row) => [row.id, row.name])), administrators: rows.map((row) => JSON.parse(row.data) as User) };
}
