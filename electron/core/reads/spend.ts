import type { z } from 'zod';
import { addMoney, money, type Money } from '@shared/money';
import { orgScopeSchema, type SpendMonth } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { monthPeriod } from './months';
import { orgIdsInScope, scopeParams, WITH_SCOPE } from './scope';
import { all, lookupId, parseQuery } from './sql';

export const SPEND_MONTHS = 12;

/**
 * The spend chart: for each of the last 12 closed months (the month before `now` and the 11
 * before it, oldest first), what was invoiced in the scope per currency (invoice totals including
 * tax; void invoices left out) and the seats billed: per organization the quantity of its
 * per_active_user lines for that period (the active users at period close), summed over the
 * organizations in scope. Empty for an organization the cache does not hold.
 */
export function spend(db: CacheDatabase, scope: z.input<typeof orgScopeSchema>, now: Date = new Date()): SpendMonth[] {
  const q = parseQuery(orgScopeSchema.extend({ orgId: lookupId }), scope);
  if (orgIdsInScope(db, { orgId: q.orgId, includeChildren: false }).length === 0) return [];
  const today = now.toISOString();
  const months = Array.from({ length: SPEND_MONTHS }, (_, index) => monthPeriod(today, index - SPEND_MONTHS));
  const range = { ...scopeParams(db, q), from: months[0]?.periodStart ?? '', to: monthPeriod(today).periodStart };

  const totals = new Map<string, Map<string, Money>>();
  for (const row of all<{ month: string; currency: string; total: number }>(
    db,
    `${WITH_SCOPE}
     SELECT substr(i.period_start, 1, 7) AS month, json_extract(i.data, '$.currency') AS currency, json_extract(i.data, '$.total') AS total
     FROM invoices i
     WHERE i.org_id IN (SELECT id FROM scope) AND i.period_start >= @from AND i.period_start < @to AND i.status <> 'void'`,
    range,
  )) {
    const byCurrency = totals.get(row.month) ?? new Map<string, Money>();
    const sum = byCurrency.get(row.currency);
    const amount = money(row.total, row.currency);
    byCurrency.set(row.currency, sum === undefined ? amount : addMoney(sum, amount));
    totals.set(row.month, byCurrency);
  }

  // Two per-seat subscriptions bill the same people twice over; the seats are counted once per organization.
  const seats = new Map<string, number>();
  for (const row of all<{ month: string; seats: number }>(
    db,
    `${WITH_SCOPE}
     SELECT substr(i.period_start, 1, 7) AS month, max(json_extract(line.value, '$.quantity')) AS seats
     FROM invoices i, json_each(i.data, '$.lines') AS line
     JOIN subscriptions s ON s.id = json_extract(line.value, '$.subscriptionId')
     WHERE i.org_id IN (SELECT id FROM scope) AND i.period_start >= @from AND i.period_start < @to AND i.status <> 'void'
       AND json_extract(s.data, '$.basis') = 'per_active_user'
     GROUP BY month, i.org_id`,
    range,
  )) {
    seats.set(row.month, (seats.get(row.month) ?? 0) + row.seats);
  }

  return months.map(({ month }) => ({
    month,
    totals: [...(totals.get(month)?.values() ?? [])].sort((a, b) => a.currency.localeCompare(b.currency)),
    activeSeats: seats.get(month) ?? 0,
  }));
}
