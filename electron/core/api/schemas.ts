import { z } from 'zod';
import { isoDateTimeSchema } from '@shared/domain/ids';
import { organizationSchema } from '@shared/domain/organization';
import { permissionSchema } from '@shared/domain/permissions';
import { userSchema } from '@shared/domain/user';

/**
 * Answers of the v1 routes that shared/ has no schema for (the service declares its own copies
 * in service/auth/routes.ts and service/reads/meta.ts; core may not import service/).
 */

/** POST /v1/auth/login and POST /v1/auth/refresh. */
export const loginResponseSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: isoDateTimeSchema,
  user: userSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** GET /v1/me: the signed-in user and every organization in scope, with the user's permissions. */
export const meResponseSchema = z.object({
  user: userSchema,
  schemaVersion: z.number().int(),
  orgs: z.array(
    z.object({
      id: organizationSchema.shape.id,
      name: organizationSchema.shape.name,
      kind: organizationSchema.shape.kind,
      parentId: organizationSchema.shape.parentId,
      permissions: z.array(permissionSchema),
    }),
  ),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const logoutResponseSchema = z.object({ ok: z.literal(true) });

/** GET /healthz. The database kind is informative only, so any string is accepted. */
export const healthzResponseSchema = z.object({ ok: z.boolean(), database: z.string() });
export type Healthz = z.infer<typeof healthzResponseSchema>;
