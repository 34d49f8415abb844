import { z } from 'zod';
import { refusal, type Refusal } from './refusal';

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

/** A client-made id (a record created offline) must not name a row that already exists. */
export function idInUseRefusal(taken: boolean, path = 'id'): Refusal<'VALIDATION'> | null {
  return taken ? refusal('VALIDATION', 'That id is already in use.', [{ path, message: 'Already in use' }]) : null;
}
