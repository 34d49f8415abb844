import { randomUUID } from 'node:crypto';
import { SeatdeskError } from '@shared/errors';
import type { CommandArgs } from '@shared/commands/catalogue';
import { emailKey } from '@shared/email';
import { adminRoleAssignedRefusal, adminRolesHeld, RoleLookup, type AdminRuleRole } from '@shared/domain/administrators';
import { idInUseRefusal } from '@shared/domain/ids';
import type { Permission } from '@shared/domain/permissions';
import { refuseIf } from '@shared/domain/refusal';
import { activateRefusal, deactivateRefusal, duplicateEmailRefusal, type User } from '@shared/domain/user';
import { toBillingContact, toOrganization, toUser, type Row } from '../db/rows';
import { invitationLink, issueInvitationToken } from '../auth/invitation-tokens';
import { queueMail } from '../mail/outbox';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';
import { assertKeepsAdministrator, assertRolesFound, assertRolesInOrg, loadOrgAdminRows } from './rules';

export async function loadUserForUpdate(ctx: CommandContext, orgId: string, userId: string): Promise<User> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM users WHERE id = $1 AND org_id = $2 FOR UPDATE', [userId, orgId]);
  if (row === undefined) throw notFound('user');
  return toUser(row);
}

/**
 * loadUserForUpdate for a role change, with the user's current roles and the given role ids that
 * belong to the organization, in the same round trip: the role rules need both, and a bulk role
 * change pushes thousands of these.
 */
async function loadUserAndRolesForUpdate(ctx: CommandContext, orgId: string, userId: string, roleIds: readonly string[]): Promise<{ before: User; roles: RoleLookup }> {
  const [row] = await ctx.tx.query<Row & { role_grants: AdminRuleRole[] }>(
    `SELECT u.*,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'name', r.name, 'permissions', r.permissions, 'builtInKey', r.built_in_key)), '[]')
          FROM roles r WHERE r.org_id = u.org_id AND (r.id = ANY (u.role_ids) OR r.id = ANY ($3::uuid[]))) AS role_grants
     FROM users u WHERE u.id = $1 AND u.org_id = $2 FOR UPDATE OF u`,
    [userId, orgId, roleIds],
  );
  if (row === undefined) throw notFound('user');
  return { before: toUser(row), roles: new RoleLookup(row.role_grants) };
}

export async function assertEmailFree(ctx: CommandContext, orgId: string, email: string): Promise<void> {
  const taken = await ctx.tx.query<{ email: string }>('SELECT email FROM users WHERE org_id = $1 AND email_key = $2', [orgId, emailKey(email)]);
  refuseIf(duplicateEmailRefusal(email, taken.map((row) => row.email)));
}

export async function assertIdFree(ctx: CommandContext, table: string, id: string): Promise<void> {
  const [taken] = await ctx.tx.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  refuseIf(idInUseRefusal(taken !== undefined));
}

/**
 * Nobody hands out more than they hold: the roles and individual permissions given to a user (or
 * put into a role) must be within the actor's own effective permissions. Without this, anyone
 * with users.manage or users.invite could make themselves or an accomplice an Owner.
 */
export async function assertCanGrant(ctx: CommandContext, orgId: string, roleIds: readonly string[], permissions: readonly Permission[]): Promise<void> {
  const granted: string[] = [...permissions];
  if (roleIds.length > 0) {
    const roles = await ctx.tx.query<{ permissions: string[] }>('SELECT permissions FROM roles WHERE org_id = $1 AND id = ANY ($2::uuid[])', [orgId, roleIds]);
    for (const role of roles) granted.push(...role.permissions);
  }
  assertHolds(ctx, granted);
}

/** assertCanGrant's rule, for permissions (of roles) the caller has already looked up. */
function assertHolds(ctx: CommandContext, granted: Iterable<string>): void {
  const missing = [...new Set(granted)].filter((permission) => !ctx.actor.permissions.includes(permission as Permission));
  if (missing.length > 0) {
    throw new SeatdeskError('FORBIDDEN', `You cannot give permissions you do not hold yourself: ${missing.join(', ')}.`, { missing });
  }
}

async function setStatus(ctx: CommandContext, before: User, status: User['status'], action: string): Promise<User> {
  const [row] = await ctx.tx.query<Row>(
    'UPDATE users SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING *',
    [before.id, status, ctx.now],
  );
  const after = toUser(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'user', entityId: after.id, action, before, after });
  return after;
}

export async function createUser(ctx: CommandContext, args: CommandArgs<'createUser'>): Promise<User> {
  const id = args.id ?? randomUUID();
  if (args.id !== undefined) await assertIdFree(ctx, 'users', id);
  await assertEmailFree(ctx, args.orgId, args.email);
  await assertRolesInOrg(ctx.tx, args.orgId, args.roleIds);
  await assertCanGrant(ctx, args.orgId, args.roleIds, args.permissions);
  const [row] = await ctx.tx.query<Row>(
    `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, permissions,
                        password_hash, must_reset_password, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, true, $10, $10) RETURNING *`,
    [id, args.orgId, args.firstName, args.lastName, args.email, emailKey(args.email), args.active ? 'active' : 'deactivated',
      args.roleIds, args.permissions, ctx.now],
  );
  const user = toUser(row!);
  // New users have no password (none can sign in, as with a random one nobody knows) until they
  // choose one through the emailed link: no argon2 per created user.
  const token = await issueInvitationToken(ctx.tx, user.id, ctx.now);
  await queueMail(ctx.tx, {
    orgId: user.orgId,
    to: user.email,
    kind: 'password_reset',
    subject: 'Your Seatdesk account is ready',
    body: `Hello ${user.firstName},\n\nAn account was created for you. Choose your password here: ${invitationLink(token)}\n`,
  }, ctx.now);
  await recordAudit(ctx, { orgId: user.orgId, entity: 'user', entityId: user.id, action: 'createUser', before: null, after: user });
  return user;
}

export async function updateUser(ctx: CommandContext, args: CommandArgs<'updateUser'>): Promise<User> {
  const newRoleIds = args.roleIds;
  const { before, roles } = await loadUserAndRolesForUpdate(ctx, args.orgId, args.userId, newRoleIds ?? []);
  checkVersion(ctx, before, args.version, before);
  const addedRoleIds = (newRoleIds ?? []).filter((id) => !before.roleIds.includes(id));
  const removedRoleIds = newRoleIds === undefined ? [] : before.roleIds.filter((id) => !newRoleIds.includes(id));
  if (newRoleIds !== undefined) assertRolesFound(roles, newRoleIds);
  // Only taking an Owner or Administrator role from an active user can leave the organization
  // without an administrator; every other change skips loading the organization's administrators.
  if (newRoleIds !== undefined && before.status === 'active' && adminRolesHeld({ roleIds: removedRoleIds }, roles).length > 0) {
    assertKeepsAdministrator(await loadOrgAdminRows(ctx.tx, args.orgId), { kind: 'setRoles', user: before, roleIds: newRoleIds });
  }
  // Only what is added needs the actor to hold it; keeping or removing existing grants does not.
  assertHolds(ctx, [
    ...(args.permissions ?? []).filter((permission) => !before.permissions.includes(permission)),
    ...addedRoleIds.flatMap((id) => roles.get(id)?.permissions ?? []),
  ]);
  const [row] = await ctx.tx.query<Row>(
    `UPDATE users SET first_name = coalesce($2, first_name), last_name = coalesce($3, last_name),
       role_ids = coalesce($4::uuid[], role_ids), permissions = coalesce($5::text[], permissions),
       version = version + 1, updated_at = $6
     WHERE id = $1 RETURNING *`,
    [before.id, args.firstName ?? null, args.lastName ?? null, newRoleIds ?? null, args.permissions ?? null, ctx.now],
  );
  const after = toUser(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'user', entityId: after.id, action: 'updateUser', before, after });
  return after;
}

export async function activateUser(ctx: CommandContext, args: CommandArgs<'activateUser'>): Promise<User> {
  const before = await loadUserForUpdate(ctx, args.orgId, args.userId);
  checkVersion(ctx, before, undefined, before);
  // An invited user has no password yet; only accepting the emailed link makes them active.
  refuseIf(activateRefusal(before));
  return setStatus(ctx, before, 'active', 'activateUser');
}

export async function deactivateUser(ctx: CommandContext, args: CommandArgs<'deactivateUser'>): Promise<User> {
  const before = await loadUserForUpdate(ctx, args.orgId, args.userId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(deactivateRefusal(before));
  if (before.roleIds.length > 0) {
    const rows = await loadOrgAdminRows(ctx.tx, args.orgId);
    // The last administrator is the more useful thing to say; otherwise the role must go first.
    assertKeepsAdministrator(rows, { kind: 'deactivate', user: before });
    refuseIf(adminRoleAssignedRefusal(before, rows.roles));
  }
  return setStatus(ctx, before, 'deactivated', 'deactivateUser');
}

export async function removeUser(ctx: CommandContext, args: CommandArgs<'removeUser'>): Promise<User> {
  const before = await loadUserForUpdate(ctx, args.orgId, args.userId);
  checkVersion(ctx, before, undefined, before);
  if (before.status === 'active' && before.roleIds.length > 0) assertKeepsAdministrator(await loadOrgAdminRows(ctx.tx, args.orgId), { kind: 'remove', user: before });
  // What pointed at the user stays, unlinked; each of those changes is audited too.
  for (const contact of await ctx.tx.query<Row>('SELECT * FROM billing_contacts WHERE user_id = $1 FOR UPDATE', [before.id])) {
    const [row] = await ctx.tx.query<Row>('UPDATE billing_contacts SET user_id = NULL, version = version + 1, updated_at = $2 WHERE id = $1 RETURNING *', [contact['id'], ctx.now]);
    const after = toBillingContact(row!);
    await recordAudit(ctx, { orgId: after.orgId, entity: 'billing_contact', entityId: after.id, action: 'removeUser', before: toBillingContact(contact), after });
  }
  for (const org of await ctx.tx.query<Row>('SELECT * FROM orgs WHERE primary_contact_user_id = $1 FOR UPDATE', [before.id])) {
    const [row] = await ctx.tx.query<Row>('UPDATE orgs SET primary_contact_user_id = NULL, version = version + 1, updated_at = $2 WHERE id = $1 RETURNING *', [org['id'], ctx.now]);
    const after = toOrganization(row!);
    await recordAudit(ctx, { orgId: after.id, entity: 'organization', entityId: after.id, action: 'removeUser', before: toOrganization(org), after });
  }
  await ctx.tx.query('DELETE FROM users WHERE id = $1', [before.id]);
  await recordAudit(ctx, { orgId: before.orgId, entity: 'user', entityId: before.id, action: 'removeUser', before, after: null });
  return before;
}
