import { z } from 'zod';

export const uuidSchema = z.uuid();

/** An instant on the wire: ISO 8601 in UTC, always ending in `Z`. */
export const isoDateTimeSchema = z.iso.datetime();

/** A calendar day (YYYY-MM-DD), e.g. the bounds of a billing period. */
export const isoDateSchema = z.iso.date();

/** Fields every synced entity carries; spread into an entity's z.object shape. */
export const entityBaseShape = {
  id: uuidSchema,
  orgId: uuidSchema,
  // Optimistic concurrency: a change names the version it was based on.
  version: z.int().min(1),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
};
