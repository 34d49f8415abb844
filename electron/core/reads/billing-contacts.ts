import type { BillingContact } from '@shared/domain/billing-contact';
import type { BillingContactRow } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { all, entityOf, pendingSql } from './sql';

/** The organization's billing contacts, by email address (as the service lists them). */
export function listBillingContacts(db: CacheDatabase, orgId: string): BillingContactRow[] {
  return all<{ data: string; pending: number }>(
    db,
    `SELECT b.data, ${pendingSql('billing_contact', 'b')} AS pending
     FROM billing_contacts b
     WHERE b.org_id = ?
     ORDER BY b.email COLLATE NOCASE, b.id`,
    [orgId],
  ).map((row) => ({ ...entityOf<BillingContact>(row.data), pending: row.pending === 1 }));
}
