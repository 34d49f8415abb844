import type { Migration } from '../migrations';

/**
 * Migration 3: whether a command was queued offline. Commands queued before this column existed
 * keep the label every push had then: offline.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 3,
  name: 'outbox: queued offline or not',
  sql: `ALTER TABLE outbox ADD COLUMN queued_offline INTEGER NOT NULL DEFAULT 1 CHECK (queued_offline IN (0, 1));`,
};
