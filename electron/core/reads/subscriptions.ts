import type { z } from 'zod';
import type { Subscription } from '@shared/domain/subscription';
import { orgScopeSchema, type SubscriptionRow } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { scopeParams, WITH_SCOPE } from './scope';
import { all, entityOf, lookupId, parseQuery, pendingSql } from './sql';

/**
 * Subscriptions of the organization (and with includeChildren of every organization below it),
 * each with its company's name: the organization's own first, then by company, product and plan,
 * as the service lists them.
 */
export function listSubscriptions(db: CacheDatabase, scope: z.input<typeof orgScopeSchema>): SubscriptionRow[] {
  const q = parseQuery(orgScopeSchema.extend({ orgId: lookupId }), scope);
  return all<{ data: string; org_name: string; pending: number }>(
    db,
    `${WITH_SCOPE}
     SELECT s.data, o.name AS org_name, ${pendingSql('subscription', 's')} AS pending
     FROM subscriptions s JOIN organizations o ON o.id = s.org_id
     WHERE s.org_id IN (SELECT id FROM scope)
     ORDER BY s.org_id <> @scopeOrgId, sort_key(o.name), o.name COLLATE NOCASE, s.org_id, s.product, json_extract(s.data, '$.plan'),
              json_extract(s.data, '$.createdAt'), s.id`,
    scopeParams(db, q),
  ).map((row) => ({ ...entityOf<Subscription>(row.data), orgName: row.org_name, pending: row.pending === 1 }));
}
