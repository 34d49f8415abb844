import { z } from 'zod';
import type { CommandName } from '../commands/catalogue';
import { uuidSchema } from '../domain/ids';

/** One change waiting in this computer's queue, as the pending-changes panel lists it. */
export interface QueuedChange {
  mutationId: number;
  commandName: CommandName;
  /** What, in words: "Deactivate user (ann@contoso.example)". */
  what: string;
  orgId: string;
  /** Where: the organization's name (null when this copy does not have it). */
  orgName: string | null;
  /** When it was made (ISO 8601 UTC). */
  queuedAt: string;
  /** The bulk action it is part of (null: a change of its own). */
  batchId: string | null;
  queuedOffline: boolean;
  /** Already sent, its answer not yet in: it can no longer be discarded. */
  sending: boolean;
}

/** How the last sync ended, for the panel: what was sent, what was refused, or why it failed. */
export interface LastSyncOutcome {
  at: string;
  result: 'synced' | 'push-failed' | 'failed';
  /** Changes the service answered in that sync. */
  sent: number;
  /** Of those, how many became sync issues. */
  refused: number;
  /** The sentence of a failure (null when it synced). */
  message: string | null;
}

export interface QueuedChanges {
  /** Every queued change. */
  total: number;
  /** The oldest first, at most the limit asked for. */
  items: QueuedChange[];
  /** Each bulk action with changes in the queue, and how many. */
  batches: { batchId: string; count: number }[];
  /** Null until a sync has ended since Seatdesk started. */
  lastSync: LastSyncOutcome | null;
}

export const queuedChangesQuerySchema = z.strictObject({ limit: z.number().int().min(1).max(1000).default(200) });

/** Discard some queued changes (by mutation id) or a whole bulk action (by batch id). */
export const discardQueuedSchema = z
  .strictObject({
    mutationIds: z.array(z.number().int().min(1)).min(1).max(10_000).optional(),
    batchId: uuidSchema.optional(),
  })
  .refine((selection) => (selection.mutationIds === undefined) !== (selection.batchId === undefined), {
    message: 'Name the changes to discard, or their bulk action, not both.',
  });
export type DiscardQueued = z.infer<typeof discardQueuedSchema>;

export interface DiscardResult {
  discarded: number;
}
