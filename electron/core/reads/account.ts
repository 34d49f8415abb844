import type { Organization } from '@shared/domain/organization';
import type { AccountDetails } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { entityOf, one, pendingSql } from './sql';

/**
 * An organization's account details. primaryContactEmail is the email of the primary billing
 * contact, a user of the organization; null when none is set or that user is not in the cache.
 */
export function getAccount(db: CacheDatabase, orgId: string): AccountDetails | null {
  const row = one<{ data: string; pending: number; contact_email: string | null }>(
    db,
    `SELECT o.data, ${pendingSql('organization', 'o')} AS pending,
            (SELECT u.email FROM users u
             WHERE u.id = json_extract(o.data, '$.primaryContactUserId') AND u.org_id = o.id) AS contact_email
     FROM organizations o
     WHERE o.id = ?`,
    [orgId],
  );
  if (row === undefined) return null;
  return { ...entityOf<Organization>(row.data), pending: row.pending === 1, primaryContactEmail: row.contact_email };
}
