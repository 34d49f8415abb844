import { z } from 'zod';
import { text } from '../text';
import { entityNameSchema } from './entities';
import { isoDateTimeSchema, uuidSchema } from './ids';

/**
 * Where a change came from. An offline change names the install (clientId) and its mutationId,
 * which together identify the queued command; batchId groups the commands of one bulk edit. An
 * online change made in the app came through the same queue and names them too; one made through
 * the REST API does not.
 */
export const auditOriginSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('online'),
    clientId: uuidSchema.optional(),
    batchId: uuidSchema.nullable().optional(),
    mutationId: z.int().min(1).optional(),
  }),
  z.object({
    kind: z.literal('offline'),
    clientId: uuidSchema,
    batchId: uuidSchema.nullable(),
    mutationId: z.int().min(1),
  }),
]);
export type AuditOrigin = z.infer<typeof auditOriginSchema>;

/** Audit events are append-only, so they carry no version or updatedAt. */
export const auditEventSchema = z.object({
  id: uuidSchema,
  orgId: uuidSchema,
  /** Null when the system acted (the billing run), not a user. */
  actorUserId: uuidSchema.nullable(),
  actorEmail: text('Email addresses'),
  entity: entityNameSchema,
  entityId: uuidSchema,
  /** The domain command's name, such as deactivateUser. */
  action: text('Actions').min(1).max(100),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  at: isoDateTimeSchema,
  origin: auditOriginSchema,
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
