import type { Role } from '@shared/domain/role';
import type { User } from '@shared/domain/user';
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
