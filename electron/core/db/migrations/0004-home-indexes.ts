import type { Migration } from '../migrations';

/**
 * Migration 4: two partial indexes for the Home screen (reads/home.ts), so that over thousands of
 * organizations it never reads every user or invoice: pending users by when they were invited
 * (the JSON's createdAt, the expression the read uses) and the unpaid (open or overdue) invoices.
 * Each holds only the few rows it is about, so writes of other rows do not touch it.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 4,
  name: 'indexes of the Home screen: pending users by invitation time, unpaid invoices',
  sql: `CREATE INDEX users_pending_since ON users(json_extract(data, '$.createdAt'), org_id) WHERE status = 'pending';
CREATE INDEX invoices_unpaid ON invoices(org_id, status) WHERE status IN ('open', 'overdue');`,
};
