import { z } from 'zod';
import { trimmedText } from '../text';
import { entityBaseShape } from './ids';
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, permissionListSchema, type BuiltInRole, type BuiltInRoleKey, type Permission } from './permissions';
import { refusal, type Refusal } from './refusal';

/** Names are unique per organization; built-in roles may be renamed but never deleted. */
export const roleSchema = z.object({
  ...entityBaseShape,
  name: trimmedText('Role names').min(1, 'Enter a role name.').max(80),
  /** Multi-line: the role dialog edits it in a text area. */
  description: trimmedText('Descriptions', 'multiline').max(500),
  permissions: permissionListSchema,
  builtIn: z.boolean(),
  /**
   * Which built-in role this is (null for custom roles). Built-in roles can be renamed, so the
   * Administrator/Owner rules (LAST_ADMIN, ADMIN_ROLE_ASSIGNED) key on this, never on the name.
   */
  builtInKey: z.enum(BUILT_IN_ROLE_KEYS).nullable(),
});
export type Role = z.infer<typeof roleSchema>;

/** The built-in roles that keep an organization administrable: the only list of them. */
export const ADMIN_ROLE_KEYS = ['owner', 'administrator'] as const satisfies readonly BuiltInRoleKey[];

/** What an Owner or Administrator role must still grant for its holders to count as administrators. */
export const ADMINISTRATION_PERMISSIONS = ['users.manage', 'roles.manage'] as const satisfies readonly Permission[];

/** Owner and Administrator: the roles that keep an organization administrable. */
export function isAdminRole(role: Pick<Role, 'builtInKey'>): boolean {
  return (ADMIN_ROLE_KEYS as readonly (string | null)[]).includes(role.builtInKey);
}

/** An Owner or Administrator role that still grants what administering takes. */
export function grantsAdministration(role: Pick<Role, 'builtInKey'> & { readonly permissions: readonly Permission[] }): boolean {
  return isAdminRole(role) && ADMINISTRATION_PERMISSIONS.every((permission) => role.permissions.includes(permission));
}

/** Role names are unique per organization, compared trimmed and case-insensitively. */
export function roleNameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** A role name already taken in the organization; `takenNames` are the other roles' names. */
export function roleNameTakenRefusal(name: string, takenNames: Iterable<string>): Refusal<'VALIDATION'> | null {
  const key = roleNameKey(name);
  for (const taken of takenNames) {
    if (roleNameKey(taken) === key) {
      return refusal('VALIDATION', `A role named ${name.trim()} already exists in this organization.`, [
        { path: 'name', message: 'A role with this name already exists' },
      ]);
    }
  }
  return null;
}

/**
 * The five built-in roles with the names they get in an organization. A legacy organization may
 * already have a custom role by one of their names; the built-in one then gets a suffix, since
 * built-in roles can be renamed later but custom ones are the admin's own.
 */
export function builtInRoleNames(takenNames: Iterable<string>): { spec: BuiltInRole; name: string }[] {
  const taken = new Set([...takenNames].map(roleNameKey));
  return BUILT_IN_ROLES.map((spec) => {
    let name = spec.name;
    for (let n = 1; taken.has(roleNameKey(name)); n += 1) name = n === 1 ? `${spec.name} (built-in)` : `${spec.name} (built-in ${n})`;
    taken.add(roleNameKey(name));
    return { spec, name };
  });
}

/** Built-in roles are never deleted; a role still held by users is unassigned first. */
export function deleteRoleRefusal(role: Pick<Role, 'name' | 'builtIn'>, holders: number): Refusal<'INVALID_TRANSITION' | 'ROLE_IN_USE'> | null {
  if (role.builtIn) return refusal('INVALID_TRANSITION', `${role.name} is a built-in role: it can be renamed or edited, but not deleted.`);
  if (holders > 0) {
    return refusal('ROLE_IN_USE', `${role.name} is assigned to ${holders} user${holders === 1 ? '' : 's'}: unassign it from everyone first, then delete it.`, {
      users: holders,
    });
  }
  return null;
}

/** Role ids given to a user must be roles of the user's own organization; `orgRoleIds` are its roles' ids. */
export function unknownRoleRefusal(roleIds: readonly string[], orgRoleIds: Iterable<string>): Refusal<'VALIDATION'> | null {
  const known = new Set([...orgRoleIds].map((id) => id.toLowerCase()));
  if (roleIds.every((id) => known.has(id.toLowerCase()))) return null;
  return refusal('VALIDATION', 'A role does not exist in this organization.', [{ path: 'roleIds', message: 'Unknown role' }]);
}
