import { z } from 'zod';
import { isoDateTimeSchema } from '../domain/ids';
import { organizationSchema } from '../domain/organization';
import { permissionSchema } from '../domain/permissions';
import { userSchema } from '../domain/user';

/**
 * The answers of the v1 session routes, declared once: the service's routes answer with them
 * (and its OpenAPI document shows them), the desktop's client parses what it receives with them.
 */

/** POST /v1/auth/login, POST /v1/auth/refresh and POST /v1/invitations/accept. */
export const loginResponseSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: isoDateTimeSchema,
  user: userSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** One organization in the signed-in user's scope, with the user's permissions there. */
export const meOrgSchema = z.object({
  id: organizationSchema.shape.id,
  name: organizationSchema.shape.name,
  kind: organizationSchema.shape.kind,
  parentId: organizationSchema.shape.parentId,
  permissions: z.array(permissionSchema),
});

/** GET /v1/me: the signed-in user and every organization in scope. */
export const meResponseSchema = z.object({
  user: userSchema,
  schemaVersion: z.number().int(),
  orgs: z.array(meOrgSchema),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

/** POST /v1/auth/logout. */
export const logoutResponseSchema = z.object({ ok: z.literal(true) });
