import { PERMISSIONS, effectivePermissions, type Permission } from './permissions';
import { grantsAdministration, isAdminRole, type Role } from './role';
import { orList, refusal, type Refusal } from './refusal';
import { fullName, type User } from './user';

/**
 * Every organization keeps at least one active user holding an Owner or Administrator role that
 * still grants users.manage and roles.manage (LAST_ADMIN), and a holder of such a role is not
 * deactivated while holding it (ADMIN_ROLE_ASSIGNED). A legacy organization (no built-in roles
 * yet) has no administrator to keep until its roles are installed.
 */

/** What the rules read of a user. */
export interface AdminRuleUser extends Pick<User, 'id' | 'firstName' | 'lastName' | 'status'> {
  readonly roleIds: readonly string[];
}
/** What the rules read of a role. */
export interface AdminRuleRole extends Pick<Role, 'id' | 'name' | 'builtInKey'> {
  readonly permissions: readonly Permission[];
}

/** Roles by id. Ids compare case-insensitively: PostgreSQL answers uuids in lower case, a client may not. */
export class RoleLookup<R extends AdminRuleRole = AdminRuleRole> {
  private readonly byId: Map<string, R>;

  constructor(roles: Iterable<R>) {
    this.byId = new Map([...roles].map((role) => [role.id.toLowerCase(), role]));
  }

  get(roleId: string): R | undefined {
    return this.byId.get(roleId.toLowerCase());
  }

  /** The roles of these ids that exist here, in the order given. */
  of(roleIds: readonly string[]): R[] {
    return roleIds.flatMap((roleId) => this.get(roleId) ?? []);
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The Owner or Administrator roles a user holds, administering or not (ADMIN_ROLE_ASSIGNED). */
export function adminRolesHeld<R extends AdminRuleRole>(user: { readonly roleIds: readonly string[] }, roles: RoleLookup<R>): R[] {
  return roles.of(user.roleIds).filter(isAdminRole);
}

/** An active user holding a role that makes them an administrator of their organization. */
export function isOrgAdministrator(user: { readonly status: User['status']; readonly roleIds: readonly string[] }, roles: RoleLookup): boolean {
  return user.status === 'active' && roles.of(user.roleIds).some(grantsAdministration);
}

/** A change that can take an administrator away. */
export type AdminChange =
  | { readonly kind: 'deactivate' | 'remove'; readonly user: AdminRuleUser }
  | { readonly kind: 'setRoles'; readonly user: AdminRuleUser; readonly roleIds: readonly string[] }
  | { readonly kind: 'setRolePermissions'; readonly role: AdminRuleRole; readonly permissions: readonly Permission[] };

/**
 * LAST_ADMIN: refused when the change leaves the organization without an active administrator
 * where it had one. `users` are the organization's users: at least every active one holding an
 * Owner or Administrator role (the others never count), with or without the changed user.
 */
export function lastAdminRefusal(
  org: { readonly name: string },
  users: readonly AdminRuleUser[],
  roles: readonly AdminRuleRole[],
  change: AdminChange,
): Refusal<'LAST_ADMIN'> | null {
  const before = new RoleLookup(roles);
  if (change.kind === 'setRolePermissions') {
    const changed = { ...change.role, permissions: change.permissions };
    const after = new RoleLookup(roles.map((role) => (sameId(role.id, changed.id) ? changed : role)));
    if (!users.some((user) => isOrgAdministrator(user, before))) return null;
    if (users.some((user) => isOrgAdministrator(user, after))) return null;
    return refusal(
      'LAST_ADMIN',
      `${org.name} needs another active administrator first: ${change.role.name} must keep users.manage and roles.manage while nobody holds another role that grants them.`,
    );
  }

  const { user } = change;
  if (!isOrgAdministrator(user, before)) return null;
  if (change.kind === 'setRoles' && isOrgAdministrator({ status: user.status, roleIds: change.roleIds }, before)) return null;
  if (users.some((other) => !sameId(other.id, user.id) && isOrgAdministrator(other, before))) return null;

  const held = before.of(user.roleIds).filter(grantsAdministration).map((role) => role.name);
  const role = held.length === 1 ? 'the role' : 'one of these roles';
  const action =
    change.kind === 'deactivate' ? 'deactivate' : change.kind === 'remove' ? 'remove' : held.length === 1 ? 'take it from' : 'take them from';
  return refusal('LAST_ADMIN', `${org.name} needs another active ${orList(held)} first: give someone ${role}, then ${action} ${fullName(user)}.`);
}

/** ADMIN_ROLE_ASSIGNED: a holder of the Owner or Administrator role loses the role before being deactivated. */
export function adminRoleAssignedRefusal(user: AdminRuleUser, roles: readonly AdminRuleRole[]): Refusal<'ADMIN_ROLE_ASSIGNED'> | null {
  const held = adminRolesHeld(user, new RoleLookup(roles)).map((role) => role.name);
  if (held.length === 0) return null;
  const noun = held.length === 1 ? 'role' : 'roles';
  const names = held.join(' and ');
  return refusal('ADMIN_ROLE_ASSIGNED', `${fullName(user)} holds the ${names} ${noun}: take the ${noun} away first, then deactivate ${fullName(user)}.`);
}

/**
 * A legacy organization's administrators so far: the active users holding every permission
 * (individually or through custom roles). Installing the built-in roles gives them Administrator.
 */
export function legacyAdministrators<U extends Pick<User, 'status' | 'roleIds' | 'permissions'>>(users: readonly U[], roles: readonly Pick<Role, 'id' | 'permissions'>[]): U[] {
  const byId = new Map(roles.map((role) => [role.id.toLowerCase(), role]));
  return users.filter(
    (user) =>
      user.status === 'active' &&
      effectivePermissions(user.roleIds.flatMap((id) => byId.get(id.toLowerCase()) ?? []), user.permissions).length === PERMISSIONS.length,
  );
}

/** Installing the built-in roles: once, and only where someone will get the Administrator role. */
export function installBuiltInRolesRefusal(
  org: { readonly name: string },
  roles: readonly Pick<Role, 'id' | 'permissions' | 'builtInKey'>[],
  users: readonly Pick<User, 'status' | 'roleIds' | 'permissions'>[],
): Refusal<'INVALID_TRANSITION' | 'LAST_ADMIN'> | null {
  if (roles.some((role) => role.builtInKey !== null)) return refusal('INVALID_TRANSITION', `${org.name} already has the built-in roles.`);
  if (legacyAdministrators(users, roles).length === 0) {
    return refusal(
      'LAST_ADMIN',
      `No active user of ${org.name} holds every permission, so nobody would get the Administrator role. Give an active user every permission first.`,
    );
  }
  return null;
}
