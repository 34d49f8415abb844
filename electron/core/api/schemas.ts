import { z } from 'zod';

/** The session answers are shared with the service (shared/api/session.ts); re-exported for the client. */
export { loginResponseSchema, logoutResponseSchema, meResponseSchema, type LoginResponse, type MeResponse } from '@shared/api/session';

/** GET /healthz. The database kind is informative only, so any string is accepted. */
export const healthzResponseSchema = z.object({ ok: z.boolean(), database: z.string() });
export type Healthz = z.infer<typeof healthzResponseSchema>;
