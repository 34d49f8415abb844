import { z } from 'zod';
import { uuidSchema } from '../domain/ids';
import { ENTITY_NAMES } from '../domain/entities';
import { commandNameSchema } from '../commands/catalogue';
import { errorCodeSchema } from '../errors';
import { text } from '../text';

/** Bumped when the shape of synced data changes; a mismatch re-bootstraps the client. */
export const SCHEMA_VERSION = 1;
export const MAX_MUTATIONS_PER_PUSH = 500;
export const MAX_PULL_LIMIT = 1000;

/** What a pull carries: every entity, plus audit events so the audit log reads offline. */
export const SYNCED_ENTITY_NAMES = [...ENTITY_NAMES, 'audit_event'] as const;
export const syncedEntityNameSchema = z.enum(SYNCED_ENTITY_NAMES);
export type SyncedEntityName = z.infer<typeof syncedEntityNameSchema>;

/** One queued command as pushed: the client's mutation id (1, 2, 3, ...) and the command. */
export const mutationSchema = z.strictObject({
  id: z.number().int().min(1),
  name: commandNameSchema,
  args: z.unknown(),
  /** The version of the row the command was made against; a newer row is a conflict. */
  baseVersion: z.number().int().min(1).optional(),
  batchId: uuidSchema.optional(),
  /**
   * Whether the command was made while the install could not reach the service. The audit log
   * records it as queued offline when true or absent (an older client), as online when false.
   */
  queuedOffline: z.boolean().optional(),
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z.strictObject({
  clientId: uuidSchema,
  schemaVersion: z.number().int().min(1),
  mutations: z.array(mutationSchema).min(1).max(MAX_MUTATIONS_PER_PUSH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const mutationStatusSchema = z.enum(['applied', 'conflict', 'rejected']);
export type MutationStatus = z.infer<typeof mutationStatusSchema>;

/** What became of a mutation. Conflicts and rejections are outcomes, never HTTP errors. */
export const mutationOutcomeSchema = z.object({
  mutationId: z.number().int().min(1),
  status: mutationStatusSchema,
  code: errorCodeSchema.optional(),
  /**
   * The service's own sentence, shown as text. Not refused under the text rule: a zod message
   * may quote a client's bad key, and refusing the answer would stall the queue behind it.
   */
  message: z.string().optional(),
  /** For a conflict (and a rejection where known): the row as it now is on the service. */
  current: z.unknown().optional(),
});
export type MutationOutcome = z.infer<typeof mutationOutcomeSchema>;

export const pushResponseSchema = z.object({
  lastMutationId: z.number().int().min(0),
  outcomes: z.array(mutationOutcomeSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const changeSchema = z.object({
  seq: z.number().int().min(1),
  entity: syncedEntityNameSchema,
  id: uuidSchema,
  orgId: uuidSchema,
  op: z.enum(['upsert', 'delete']),
  version: z.number().int().min(1),
  /** The entity as it now is for an upsert; null for a delete (tombstone). */
  data: z.unknown().nullable(),
});
export type Change = z.infer<typeof changeSchema>;

/** A whole number in a query string: decimal digits only (no `1e3`, `0x10` or empty value). */
const wholeNumberParam = (subject: string) =>
  z.preprocess(
    (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
    text(subject).regex(/^\d{1,15}$/, `${subject} is a whole number written in digits.`).transform(Number),
  );

export const pullQuerySchema = z.strictObject({
  cursor: wholeNumberParam('The cursor').default(0),
  limit: wholeNumberParam('The limit').pipe(z.int().min(1, 'The limit is at least 1.').max(MAX_PULL_LIMIT, `The limit is at most ${MAX_PULL_LIMIT}.`)).default(500),
  clientId: uuidSchema,
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

export const pullResponseSchema = z.object({
  changes: z.array(changeSchema),
  cursor: z.number().int().min(0),
  hasMore: z.boolean(),
  /** Rows the bootstrap still has to send after this page, for progress (rows done / total). */
  remaining: z.number().int().min(0).optional(),
  schemaVersion: z.number().int().min(1),
  lastMutationId: z.number().int().min(0),
  outcomes: z.array(mutationOutcomeSchema),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
