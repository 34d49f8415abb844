import { randomUUID } from 'node:crypto';
import type { CommandArgs } from '@shared/commands/catalogue';
import { installBuiltInRolesRefusal, legacyAdministrators } from '@shared/domain/administrators';
import { refuseIf } from '@shared/domain/refusal';
import { builtInRoleNames, deleteRoleRefusal, isAdminRole, roleNameKey, roleNameTakenRefusal, type Role } from '@shared/domain/role';
import { toRole, toUser, type Row } from '../db/rows';
import type { Sql } from '../db/store';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';
import { assertKeepsAdministrator, loadOrgAdminRows } from './rules';
import { assertCanGrant, assertIdFree } from './users';

/** The name_key column is the shared key (roleNameKey), so the unique index and the rule agree. */
async function assertRoleNameFree(ctx: CommandContext, orgId: string, name: string, exceptRoleId: string | null): Promise<void> {
  const taken = await ctx.tx.query<{ name: string }>('SELECT name FROM roles WHERE org_id = $1 AND name_key = $2 AND id IS DISTINCT FROM $3', [
    orgId,
    roleNameKey(name),
    exceptRoleId,
  ]);
  refuseIf(roleNameTakenRefusal(name, taken.map((row) => row.name)));
}

async function loadRoleForUpdate(ctx: CommandContext, orgId: string, roleId: string): Promise<Role> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM roles WHERE id = $1 AND org_id = $2 FOR UPDATE', [roleId, orgId]);
  if (row === undefined) throw notFound('role');
  return toRole(row);
}

/** Creates the five built-in roles of an organization (for createOrg, installBuiltInRoles and the seed), named by builtInRoleNames. */
export async function insertBuiltInRoles(tx: Sql, orgId: string, now: Date): Promise<Role[]> {
  const taken = (await tx.query<{ name: string }>('SELECT name FROM roles WHERE org_id = $1', [orgId])).map((r) => r.name);
  const roles: Role[] = [];
  for (const { spec, name } of builtInRoleNames(taken)) {
    const [row] = await tx.query<Row>(
      `INSERT INTO roles (id, org_id, name, name_key, description, permissions, built_in, built_in_key, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $8) RETURNING *`,
      [randomUUID(), orgId, name, roleNameKey(name), spec.description, [...spec.permissions], spec.key, now],
    );
    roles.push(toRole(row!));
  }
  return roles;
}

export async function createRole(ctx: CommandContext, args: CommandArgs<'createRole'>): Promise<Role> {
  const id = args.id ?? randomUUID();
  if (args.id !== undefined) await assertIdFree(ctx, 'roles', id);
  await assertRoleNameFree(ctx, args.orgId, args.name, null);
  await assertCanGrant(ctx, args.orgId, [], args.permissions);
  const [row] = await ctx.tx.query<Row>(
    `INSERT INTO roles (id, org_id, name, name_key, description, permissions, built_in, built_in_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, false, NULL, $7, $7) RETURNING *`,
    [id, args.orgId, args.name, roleNameKey(args.name), args.description, args.permissions, ctx.now],
  );
  const role = toRole(row!);
  await recordAudit(ctx, { orgId: role.orgId, entity: 'role', entityId: role.id, action: 'createRole', before: null, after: role });
  return role;
}

/** Built-in roles too may be renamed, described and given other permissions, as long as the organization keeps an administrator. */
export async function updateRole(ctx: CommandContext, args: CommandArgs<'updateRole'>): Promise<Role> {
  const before = await loadRoleForUpdate(ctx, args.orgId, args.roleId);
  checkVersion(ctx, before, args.version, before);
  if (args.name !== undefined) await assertRoleNameFree(ctx, args.orgId, args.name, before.id);
  if (args.permissions !== undefined) {
    await assertCanGrant(ctx, args.orgId, [], args.permissions.filter((permission) => !before.permissions.includes(permission)));
    if (isAdminRole(before)) {
      assertKeepsAdministrator(await loadOrgAdminRows(ctx.tx, args.orgId), { kind: 'setRolePermissions', role: before, permissions: args.permissions });
    }
  }
  const [row] = await ctx.tx.query<Row>(
    `UPDATE roles SET name = coalesce($2, name), name_key = coalesce($3, name_key), description = coalesce($4, description),
       permissions = coalesce($5::text[], permissions), version = version + 1, updated_at = $6
     WHERE id = $1 RETURNING *`,
    [before.id, args.name ?? null, args.name === undefined ? null : roleNameKey(args.name), args.description ?? null, args.permissions ?? null, ctx.now],
  );
  const after = toRole(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'role', entityId: after.id, action: 'updateRole', before, after });
  return after;
}

export async function deleteRole(ctx: CommandContext, args: CommandArgs<'deleteRole'>): Promise<Role> {
  const before = await loadRoleForUpdate(ctx, args.orgId, args.roleId);
  checkVersion(ctx, before, undefined, before);
  const [usage] = await ctx.tx.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE org_id = $1 AND $2::uuid = ANY (role_ids)', [
    args.orgId,
    before.id,
  ]);
  refuseIf(deleteRoleRefusal(before, usage?.n ?? 0));
  await ctx.tx.query('DELETE FROM roles WHERE id = $1', [before.id]);
  await recordAudit(ctx, { orgId: before.orgId, entity: 'role', entityId: before.id, action: 'deleteRole', before, after: null });
  return before;
}

/**
 * For an organization created before built-in roles existed. Its admins so far are the active
 * users who hold every permission (individually, or through custom roles); they get the
 * Administrator role, so from now on the organization always keeps one (LAST_ADMIN).
 */
export async function installBuiltInRoles(ctx: CommandContext, args: CommandArgs<'installBuiltInRoles'>): Promise<Role[]> {
  const [org] = await ctx.tx.query<{ name: string }>('SELECT name FROM orgs WHERE id = $1 FOR UPDATE', [args.orgId]);
  if (org === undefined) throw notFound('organization');
  const existing = (await ctx.tx.query<Row>('SELECT * FROM roles WHERE org_id = $1', [args.orgId])).map(toRole);
  const users = (await ctx.tx.query<Row>("SELECT * FROM users WHERE org_id = $1 AND status = 'active' ORDER BY created_at FOR UPDATE", [args.orgId])).map(toUser);
  refuseIf(installBuiltInRolesRefusal(org, existing, users));
  const legacyAdmins = legacyAdministrators(users, existing);

  const roles = await insertBuiltInRoles(ctx.tx, args.orgId, ctx.now);
  for (const role of roles) {
    await recordAudit(ctx, { orgId: role.orgId, entity: 'role', entityId: role.id, action: 'installBuiltInRoles', before: null, after: role });
  }
  const administrator = roles.find((role) => role.builtInKey === 'administrator')!;
  for (const before of legacyAdmins) {
    const [row] = await ctx.tx.query<Row>(
      'UPDATE users SET role_ids = array_append(role_ids, $2::uuid), version = version + 1, updated_at = $3 WHERE id = $1 RETURNING *',
      [before.id, administrator.id, ctx.now],
    );
    const after = toUser(row!);
    await recordAudit(ctx, { orgId: after.orgId, entity: 'user', entityId: after.id, action: 'installBuiltInRoles', before, after });
  }
  return roles;
}
