import { SeatdeskError } from '@shared/errors';
import type { Sql } from '../db/store';

/**
 * LAST_ADMIN, checked after a change inside its transaction: every organization that has the
 * admin roles keeps at least one active user holding Owner or Administrator, and that role
 * still grants users.manage and roles.manage. A legacy organization (no built-in roles yet)
 * has nothing to keep until its roles are installed.
 */
export async function assertOrgAdministrable(tx: Sql, orgId: string): Promise<void> {
  const [row] = await tx.query<{ has_admin_roles: boolean; admins: number }>(
    `SELECT
       EXISTS (SELECT 1 FROM roles WHERE org_id = $1 AND built_in_key IN ('owner', 'administrator')) AS has_admin_roles,
       (SELECT count(*)::int FROM users u
          JOIN roles r ON r.id = ANY (u.role_ids) AND r.org_id = u.org_id
         WHERE u.org_id = $1 AND u.status = 'active'
           AND r.built_in_key IN ('owner', 'administrator')
           AND r.permissions @> ARRAY['users.manage', 'roles.manage']) AS admins`,
    [orgId],
  );
  if (row !== undefined && row.has_admin_roles && row.admins === 0) {
    throw new SeatdeskError('LAST_ADMIN');
  }
}

/** True when any of these role ids is the organization's Owner or Administrator role. */
export async function holdsAdminRole(tx: Sql, orgId: string, roleIds: readonly string[]): Promise<boolean> {
  if (roleIds.length === 0) return false;
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM roles WHERE org_id = $1 AND id = ANY ($2::uuid[]) AND built_in_key IN ('owner', 'administrator')`,
    [orgId, roleIds],
  );
  return (row?.n ?? 0) > 0;
}

/** Role ids a user is given must be roles of the user's own organization. */
export async function assertRolesInOrg(tx: Sql, orgId: string, roleIds: readonly string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const [row] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM roles WHERE org_id = $1 AND id = ANY ($2::uuid[])', [orgId, roleIds]);
  if ((row?.n ?? 0) !== new Set(roleIds).size) throw unknownRole();
}

function unknownRole(): SeatdeskError {
  return new SeatdeskError('VALIDATION', 'A role does not exist in this organization.', [{ path: 'roleIds', message: 'Unknown role' }]);
}

/** What the user rules need to know about a role. */
export interface RoleGrant {
  permissions: readonly string[];
  builtInKey: string | null;
}

/** Roles of one organization looked up by id (PostgreSQL answers uuids in lower case; a client may not). */
export interface OrgRoles {
  get(roleId: string): RoleGrant | undefined;
}

/** Builds the look-up from role rows of one organization. */
export function orgRoles(rows: readonly (RoleGrant & { id: string })[]): OrgRoles {
  const byId = new Map(rows.map(({ id, permissions, builtInKey }) => [id.toLowerCase(), { permissions, builtInKey }]));
  return { get: (roleId) => byId.get(roleId.toLowerCase()) };
}

/** assertRolesInOrg, for roles already looked up (see orgRoles). */
export function assertRolesFound(roles: OrgRoles, roleIds: readonly string[]): void {
  if (roleIds.some((id) => roles.get(id) === undefined)) throw unknownRole();
}

/** Owner and Administrator: the roles LAST_ADMIN counts. */
export function isAdminRole(role: RoleGrant | undefined): boolean {
  return role?.builtInKey === 'owner' || role?.builtInKey === 'administrator';
}
