import { z } from 'zod';
import { entityBaseShape } from './ids';
import { permissionListSchema } from './permissions';

/** Names are unique per organization; built-in roles may be renamed but never deleted. */
export const roleSchema = z.object({
  ...entityBaseShape,
  name: z.string().trim().min(1, 'Enter a role name.').max(80),
  description: z.string().trim().max(500),
  permissions: permissionListSchema,
  builtIn: z.boolean(),
});
export type Role = z.infer<typeof roleSchema>;
