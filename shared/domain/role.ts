import { z } from 'zod';
import { trimmedText } from '../text';
import { entityBaseShape } from './ids';
import { BUILT_IN_ROLE_KEYS, permissionListSchema } from './permissions';

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

/** Owner and Administrator: the roles that keep an organization administrable. */
export function isAdminRole(role: Pick<Role, 'builtInKey'>): boolean {
  return role.builtInKey === 'owner' || role.builtInKey === 'administrator';
}
