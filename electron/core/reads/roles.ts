import type { Role } from '@shared/domain/role';
import type { RoleRow } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { all, entityOf, pendingSql } from './sql';

/**
 * The organization's roles, built-in first, then by name. memberCount counts every user holding
 * the role whatever their status, as the service does when it refuses to delete a role in use.
 */
export function listRoles(db: CacheDatabase, orgId: string): RoleRow[] {
  return all<{ data: string; member_count: number; pending: number }>(
    db,
    `SELECT r.data,
            (SELECT count(*) FROM user_roles m WHERE m.role_id = r.id) AS member_count,
            ${pendingSql('role', 'r')} AS pending
     FROM roles r
     WHERE r.org_id = ?
     ORDER BY r.built_in DESC, r.name COLLATE NOCASE, r.id`,
    [orgId],
  ).map((row) => ({ ...entityOf<Role>(row.data), memberCount: row.member_count, pending: row.pending === 1 }));
}
