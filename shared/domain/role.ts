import { z } from 'zod';
import { entityBaseShape } from './ids';
import { BUILT_IN_ROLE_KEYS, permissionListSchema } from './permissions';

/** Names are unique per organization; built-in roles may be renamed but never deleted. */
export const roleSchema = z.object({
  ...entityBaseShape,
  name: z.string().trim().min(1, 'Enter a role name.').max(80),
  description: z.string().trim().max(500),
  permissions: permissionListSchema,
  builtIn: z.boolean(),
  /**
   * Which built-in role this is (null for custom roles). Built-in roles can be renamed, so the
   * Administrator/Owner rules (LAST_ADMIN, ADMIN_ROLE_ASSIGNED) key on this, never on the name.
   */
  builtInKey: z.enum(BUILT_IN_ROLE_KEYS).nullable(),
});
export type Role = z.infer<typeof roleSchema>;

/** Owner and Administrator: the roles that keep an organization administrable. */
export function isAdminRole(role: Pick<Role, 'builtInKey'>): boolean {
  return role.builtInKey === 'owner' || role.builtInKey === 'administrator';
}
