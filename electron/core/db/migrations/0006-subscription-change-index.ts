import type { Migration } from '../migrations';

/**
 * Migration 6: a partial index of the seat and plan changes in the cached audit log, by
 * organization and time, for the projected invoice's proration (reads/projected-invoice.ts,
 * subscriptionChangesByOrg). Home asks for every organization at once; in December that reads a
 * whole year, and through audit_events_org_at it visited every audit event of the year to find the
 * few changes (about 80 ms at 2,000 organizations with 100 events each). This holds only those rows.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 6,
  name: 'index of the subscription seat and plan changes in the audit log',
  sql: `CREATE INDEX audit_events_subscription_changes ON audit_events(org_id, at)
  WHERE entity = 'subscription' AND action IN ('changeSubscriptionQuantity', 'changeSubscriptionPlan');`,
};
