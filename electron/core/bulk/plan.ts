import { randomUUID } from 'node:crypto';
import type { Command } from '@shared/commands/catalogue';
import { emailKey, parseEmailList } from '@shared/email';
import { adminRoleAssignedRefusal, adminRolesHeld, lastAdminRefusal, RoleLookup, type AdminChange } from '@shared/domain/administrators';
import type { Permission } from '@shared/domain/permissions';
import type { Refusal } from '@shared/domain/refusal';
import type { Role } from '@shared/domain/role';
import { activateRefusal, deactivateRefusal, fullName, type User } from '@shared/domain/user';
import { SeatdeskError } from '@shared/errors';

/**
 * Bulk edits as plans: which catalogue commands one bulk action queues, and which users it
 * leaves alone and why. Pure: the caller loads the rows from the view and queues the commands
 * (as one batch). Each planner is linear in the number of users, so 10,000 users plan at once.
 *
 * The plans judge what the view can tell with the shared rules of shared/domain, in request
 * order, as the service will apply the batch: the status rules, ADMIN_ROLE_ASSIGNED and
 * LAST_ADMIN (deactivating, removing or taking the role from every administrator of an
 * organization leaves the last one alone, with the service's own message).
 */

export interface BulkSkip {
  /** The user's id, or for invitations the address (or text) as pasted. */
  id: string;
  /** A sentence a person understands, naming the user where known. */
  reason: string;
}

export interface BulkPlan {
  commands: Command[];
  skipped: BulkSkip[];
}

/** What the planners read of a user: a User or a UserRow of the view. */
export type PlanUser = Pick<User, 'id' | 'orgId' | 'version' | 'status' | 'roleIds' | 'firstName' | 'lastName'>;
/** What the planners read of a role. */
export interface PlanRole extends Pick<Role, 'id' | 'orgId' | 'name' | 'builtInKey'> {
  readonly permissions: readonly Permission[];
}

/**
 * What LAST_ADMIN reads beyond the users concerned: the name of each organization and its
 * active holders of an Owner or Administrator role (the only users the rule counts).
 */
export interface AdminContext {
  orgNames: ReadonlyMap<string, string>;
  administrators: readonly PlanUser[];
}

export type SetRolesMode = 'replace' | 'add' | 'remove';

/** updateUser takes at most this many role ids (catalogue). */
export const MAX_ROLES_PER_USER = 50;
/** inviteUsers takes at most this many addresses (catalogue); longer lists become several commands. */
export const MAX_INVITES_PER_COMMAND = 500;

export const SKIP_REASONS = {
  notFound: 'This user no longer exists; someone may have removed it.',
  roleMissing: (user: PlanUser) => `A role chosen for ${fullName(user)} no longer exists.`,
  rolesUnchanged: {
    replace: (user: PlanUser) => `${fullName(user)} already has exactly these roles.`,
    add: (user: PlanUser) => `${fullName(user)} already has these roles.`,
    remove: (user: PlanUser) => `${fullName(user)} has none of these roles.`,
  },
  tooManyRoles: (user: PlanUser) => `${fullName(user)} would hold more than ${MAX_ROLES_PER_USER} roles.`,
  invalidEmail: 'Not an email address.',
  duplicateEmail: 'Listed more than once.',
  existingUser: 'Already a user of this organization.',
  existingInvitation: 'Already invited: resend the invitation instead.',
} as const;

export function foreignRoleReason(user: PlanUser, roleNames: readonly string[]): string {
  const names = roleNames.map((name) => `“${name}”`).join(', ');
  return roleNames.length === 1
    ? `The role ${names} belongs to another organization than ${fullName(user)}’s.`
    : `The roles ${names} belong to another organization than ${fullName(user)}’s.`;
}

/** The requested users in request order, each once; ids the view no longer has are skipped. */
function usersInRequest<U extends PlanUser>(userIds: readonly string[], users: readonly U[], skipped: BulkSkip[]): U[] {
  const byId = new Map<string, U>();
  for (const user of users) byId.set(user.id, user);
  const seen = new Set<string>();
  const found: U[] = [];
  for (const id of userIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const user = byId.get(id);
    if (user === undefined) skipped.push({ id, reason: SKIP_REASONS.notFound });
    else found.push(user);
  }
  return found;
}

function rolesById(roles: readonly PlanRole[]): Map<string, PlanRole> {
  return new Map(roles.map((role) => [role.id, role]));
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * The organizations' administrators as the batch changes them: each accepted change is applied
 * before the next user is judged, so deactivating every administrator leaves the last one.
 */
class AdminLedger {
  private readonly rolesOfOrg = new Map<string, PlanRole[]>();
  private readonly lookups = new Map<string, RoleLookup<PlanRole>>();
  private readonly adminsOfOrg = new Map<string, Map<string, PlanUser>>();

  constructor(
    roles: readonly PlanRole[],
    private readonly context: AdminContext,
  ) {
    for (const role of roles) this.rolesOfOrg.set(role.orgId, [...(this.rolesOfOrg.get(role.orgId) ?? []), role]);
    for (const admin of context.administrators) this.adminsOf(admin.orgId).set(admin.id, admin);
  }

  private adminsOf(orgId: string): Map<string, PlanUser> {
    let admins = this.adminsOfOrg.get(orgId);
    if (admins === undefined) {
      admins = new Map();
      this.adminsOfOrg.set(orgId, admins);
    }
    return admins;
  }

  /** The user's organization's roles: a role of another organization never counts. */
  roles(orgId: string): RoleLookup<PlanRole> {
    let lookup = this.lookups.get(orgId);
    if (lookup === undefined) {
      lookup = new RoleLookup(this.rolesOfOrg.get(orgId) ?? []);
      this.lookups.set(orgId, lookup);
    }
    return lookup;
  }

  /** LAST_ADMIN for the change, on the organization as the earlier accepted changes left it. */
  refusal(change: AdminChange & { user: PlanUser }): Refusal | null {
    const { orgId } = change.user;
    // Most users hold no Owner or Administrator role: they are judged without gathering anything.
    if (adminRolesHeld(change.user, this.roles(orgId)).length === 0) return null;
    const name = this.context.orgNames.get(orgId) ?? 'This organization';
    return lastAdminRefusal({ name }, [...this.adminsOf(orgId).values()], this.rolesOfOrg.get(orgId) ?? [], change);
  }

  /** Records an accepted change: the user as it will be, or gone. */
  accept(user: PlanUser, after: PlanUser | null): void {
    const admins = this.adminsOf(user.orgId);
    if (after === null || after.status !== 'active' || adminRolesHeld(after, this.roles(user.orgId)).length === 0) admins.delete(user.id);
    else admins.set(user.id, after);
  }
}

/** Replace, add or remove roles: one updateUser per user whose set of roles actually changes. */
export function planSetRoles(
  users: readonly PlanUser[],
  roles: readonly PlanRole[],
  args: { userIds: readonly string[]; roleIds: readonly string[]; mode: SetRolesMode },
  context: AdminContext,
): BulkPlan {
  const plan: BulkPlan = { commands: [], skipped: [] };
  const roleMap = rolesById(roles);
  const ledger = new AdminLedger(roles, context);
  const chosen = unique(args.roleIds);
  const missing = chosen.some((id) => !roleMap.has(id));
  const chosenSet = new Set(chosen);

  for (const user of usersInRequest(args.userIds, users, plan.skipped)) {
    if (missing) {
      plan.skipped.push({ id: user.id, reason: SKIP_REASONS.roleMissing(user) });
      continue;
    }
    const foreign = chosen.map((id) => roleMap.get(id)!).filter((role) => role.orgId !== user.orgId);
    if (foreign.length > 0) {
      plan.skipped.push({ id: user.id, reason: foreignRoleReason(user, foreign.map((role) => role.name)) });
      continue;
    }

    let next: string[];
    if (args.mode === 'replace') next = chosen;
    else if (args.mode === 'add') next = [...user.roleIds, ...chosen.filter((id) => !user.roleIds.includes(id))];
    else next = user.roleIds.filter((id) => !chosenSet.has(id));

    const current = new Set(user.roleIds);
    const changed = next.length !== current.size || next.some((id) => !current.has(id));
    if (!changed) {
      plan.skipped.push({ id: user.id, reason: SKIP_REASONS.rolesUnchanged[args.mode](user) });
      continue;
    }
    if (next.length > MAX_ROLES_PER_USER) {
      plan.skipped.push({ id: user.id, reason: SKIP_REASONS.tooManyRoles(user) });
      continue;
    }
    const lastAdmin = ledger.refusal({ kind: 'setRoles', user, roleIds: next });
    if (lastAdmin !== null) {
      plan.skipped.push({ id: user.id, reason: lastAdmin.message });
      continue;
    }
    ledger.accept(user, { ...user, roleIds: next });
    plan.commands.push({
      name: 'updateUser',
      args: { orgId: user.orgId, userId: user.id, version: user.version, roleIds: next },
    });
  }
  return plan;
}

/** Deactivated users become active; active ones and invitations are left alone. */
export function planActivate(users: readonly PlanUser[], args: { userIds: readonly string[] }): BulkPlan {
  const plan: BulkPlan = { commands: [], skipped: [] };
  for (const user of usersInRequest(args.userIds, users, plan.skipped)) {
    const refused = activateRefusal(user);
    if (refused !== null) plan.skipped.push({ id: user.id, reason: refused.message });
    else plan.commands.push({ name: 'activateUser', args: { orgId: user.orgId, userId: user.id } });
  }
  return plan;
}

/**
 * Active users become deactivated. The service refuses to deactivate a holder of the Owner or
 * Administrator role (ADMIN_ROLE_ASSIGNED), so such a user is skipped, unless removeAdminRole:
 * then an updateUser without those roles comes first and the deactivateUser after it. Neither
 * way may an organization lose its last administrator (LAST_ADMIN).
 */
export function planDeactivate(
  users: readonly PlanUser[],
  roles: readonly PlanRole[],
  args: { userIds: readonly string[]; removeAdminRole: boolean },
  context: AdminContext,
): BulkPlan {
  const plan: BulkPlan = { commands: [], skipped: [] };
  const ledger = new AdminLedger(roles, context);
  for (const user of usersInRequest(args.userIds, users, plan.skipped)) {
    const refused = deactivateRefusal(user) ?? ledger.refusal({ kind: 'deactivate', user });
    if (refused !== null) {
      plan.skipped.push({ id: user.id, reason: refused.message });
      continue;
    }
    const orgRoles = ledger.roles(user.orgId);
    const adminRoles = adminRolesHeld(user, orgRoles);
    if (adminRoles.length > 0) {
      if (!args.removeAdminRole) {
        plan.skipped.push({ id: user.id, reason: adminRoleAssignedRefusal(user, adminRoles)!.message });
        continue;
      }
      const removed = new Set(adminRoles.map((role) => role.id));
      plan.commands.push({
        name: 'updateUser',
        args: {
          orgId: user.orgId,
          userId: user.id,
          version: user.version,
          roleIds: user.roleIds.filter((id) => !removed.has(id)),
        },
      });
    }
    ledger.accept(user, { ...user, status: 'deactivated' });
    plan.commands.push({ name: 'deactivateUser', args: { orgId: user.orgId, userId: user.id } });
  }
  return plan;
}

/** Removes users of any status (removing an invited user revokes the invitation), never the last administrator. */
export function planRemove(users: readonly PlanUser[], roles: readonly PlanRole[], args: { userIds: readonly string[] }, context: AdminContext): BulkPlan {
  const plan: BulkPlan = { commands: [], skipped: [] };
  const ledger = new AdminLedger(roles, context);
  for (const user of usersInRequest(args.userIds, users, plan.skipped)) {
    const refused = ledger.refusal({ kind: 'remove', user });
    if (refused !== null) {
      plan.skipped.push({ id: user.id, reason: refused.message });
      continue;
    }
    ledger.accept(user, null);
    plan.commands.push({ name: 'removeUser', args: { orgId: user.orgId, userId: user.id } });
  }
  return plan;
}

export type InviteOutcome = 'invite' | 'invalid' | 'duplicate' | 'existing';

/** One address (or leftover text) of the pasted list, with what the invitation does with it. */
export interface InviteEntry {
  input: string;
  /** The normalised address; null when the input is not an address. */
  email: string | null;
  outcome: InviteOutcome;
  /** Why it is not invited; null when it is. */
  reason: string | null;
}

export interface InvitePlan extends BulkPlan {
  entries: InviteEntry[];
}

export interface InviteContext {
  /** The organization's current users (any status), to skip addresses that already have an account. */
  orgUsers: readonly Pick<User, 'email' | 'status'>[];
  /** Roles the chosen roleIds are checked against. */
  roles: readonly PlanRole[];
  /** Client-made ids for the pending users; randomUUID unless a test fixes them. */
  newId?: () => string;
}

/**
 * Invitations from text pasted at once: each of args.emails may hold one address or a whole
 * list (commas, semicolons, spaces, new lines, `Name <address>`; see parseEmailList in
 * shared/email.ts, which the invite dialog uses too). Invalid entries, repeats and addresses
 * that already have an account are skipped; the rest become inviteUsers commands of at most
 * 500 addresses, each pending user with a client-made id so it can be edited while offline.
 */
export function planInvite(
  args: { orgId: string; emails: readonly string[]; roleIds: readonly string[] },
  context: InviteContext,
): InvitePlan {
  const roleMap = rolesById(context.roles);
  const roleIds = unique(args.roleIds);
  const badRoles = roleIds
    .map((id, index) => ({ index, role: roleMap.get(id) }))
    .filter(({ role }) => role === undefined || role.orgId !== args.orgId);
  if (badRoles.length > 0) {
    throw new SeatdeskError(
      'VALIDATION',
      'A chosen role is not a role of this organization.',
      badRoles.map(({ index }) => ({ path: `roleIds.${index}`, message: 'Not a role of this organization' })),
    );
  }

  const existing = new Map<string, Pick<User, 'status'>>();
  for (const user of context.orgUsers) existing.set(emailKey(user.email), user);

  const entries: InviteEntry[] = [];
  const seen = new Set<string>();
  for (const pasted of args.emails) {
    const parsed = parseEmailList(pasted);
    for (const email of parsed.valid) {
      const key = emailKey(email);
      const holder = existing.get(key);
      if (seen.has(key)) {
        entries.push({ input: email, email, outcome: 'duplicate', reason: SKIP_REASONS.duplicateEmail });
      } else if (holder !== undefined) {
        seen.add(key);
        const reason = holder.status === 'pending' ? SKIP_REASONS.existingInvitation : SKIP_REASONS.existingUser;
        entries.push({ input: email, email, outcome: 'existing', reason });
      } else {
        seen.add(key);
        entries.push({ input: email, email, outcome: 'invite', reason: null });
      }
    }
    for (const email of parsed.duplicates) {
      entries.push({ input: email, email, outcome: 'duplicate', reason: SKIP_REASONS.duplicateEmail });
    }
    for (const { input, reason } of parsed.invalid) {
      entries.push({ input, email: null, outcome: 'invalid', reason: reason || SKIP_REASONS.invalidEmail });
    }
  }

  const newId = context.newId ?? randomUUID;
  const invited = entries.filter((entry) => entry.outcome === 'invite').map((entry) => entry.email!);
  const commands: Command[] = [];
  for (let start = 0; start < invited.length; start += MAX_INVITES_PER_COMMAND) {
    const emails = invited.slice(start, start + MAX_INVITES_PER_COMMAND);
    commands.push({ name: 'inviteUsers', args: { orgId: args.orgId, emails, roleIds, ids: emails.map(() => newId()) } });
  }
  const skipped = entries
    .filter((entry) => entry.outcome !== 'invite')
    .map((entry) => ({ id: entry.input, reason: entry.reason ?? SKIP_REASONS.invalidEmail }));
  return { commands, skipped, entries };
}
