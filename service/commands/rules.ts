import type { RoleLookup} from '@shared/domain/administrators';
import { lastAdminRefusal, type AdminChange, type AdminRuleRole, type AdminRuleUser } from '@shared/domain/administrators';
import { refuseIf } from '@shared/domain/refusal';
import { ADMIN_ROLE_KEYS, unknownRoleRefusal } from '@shared/domain/role';
import type { Sql } from '../db/store';
import { notFound } from './context';

/**
 * The rows the shared administrator rules (shared/domain/administrators.ts) read, loaded in one
 * round trip: the organization's name, its roles, and its active users holding an Owner or
 * Administrator role (the only ones LAST_ADMIN counts). The admin role keys come from the shared
 * list, bound as a parameter: no second copy of them in SQL.
 */
export interface OrgAdminRows {
  org: { name: string };
  roles: AdminRuleRole[];
  administrators: AdminRuleUser[];
}

export async function loadOrgAdminRows(tx: Sql, orgId: string): Promise<OrgAdminRows> {
  const [row] = await tx.query<{ name: string; roles: AdminRuleRole[]; administrators: AdminRuleUser[] }>(
    `SELECT o.name,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name, 'permissions', r.permissions, 'builtInKey', r.built_in_key)), '[]')
          FROM roles r WHERE r.org_id = o.id) AS roles,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', u.id, 'firstName', u.first_name, 'lastName', u.last_name, 'status', u.status, 'roleIds', u.role_ids)), '[]')
          FROM users u
         WHERE u.org_id = o.id AND u.status = 'active'
           AND u.role_ids && ARRAY(SELECT r.id FROM roles r WHERE r.org_id = o.id AND r.built_in_key = ANY ($2::text[]))) AS administrators
     FROM orgs o WHERE o.id = $1`,
    [orgId, ADMIN_ROLE_KEYS],
  );
  if (row === undefined) throw notFound('organization');
  return { org: { name: row.name }, roles: row.roles, administrators: row.administrators };
}

/** LAST_ADMIN, checked before the change is written: the shared rule over the rows as they are. */
export function assertKeepsAdministrator(rows: OrgAdminRows, change: AdminChange): void {
  refuseIf(lastAdminRefusal(rows.org, rows.administrators, rows.roles, change));
}

/** Role ids a user is given must be roles of the user's own organization. */
export async function assertRolesInOrg(tx: Sql, orgId: string, roleIds: readonly string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const found = await tx.query<{ id: string }>('SELECT id FROM roles WHERE org_id = $1 AND id = ANY ($2::uuid[])', [orgId, roleIds]);
  refuseIf(unknownRoleRefusal(roleIds, found.map((row) => row.id)));
}

/** assertRolesInOrg, for roles already looked up. */
export function assertRolesFound(roles: RoleLookup, roleIds: readonly string[]): void {
  refuseIf(unknownRoleRefusal(roleIds, roleIds.filter((id) => roles.get(id) !== undefined)));
}
