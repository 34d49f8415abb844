import type { PaymentMethod } from '@shared/domain/payment-method';
import type { PaymentMethodRow } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { all, entityOf, pendingSql } from './sql';

/** The organization's payment methods, the default first, then oldest first (as the service lists them). */
export function listPaymentMethods(db: CacheDatabase, orgId: string): PaymentMethodRow[] {
  return all<{ data: string; pending: number }>(
    db,
    `SELECT p.data, ${pendingSql('payment_method', 'p')} AS pending
     FROM payment_methods p
     WHERE p.org_id = ?
     ORDER BY p.is_default DESC, json_extract(p.data, '$.createdAt'), p.id`,
    [orgId],
  ).map((row) => ({ ...entityOf<PaymentMethod>(row.data), pending: row.pending === 1 }));
}
