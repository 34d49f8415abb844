import { z } from 'zod';
import { isBillableIn } from '@shared/domain/lifecycle';
import { prorationLines, type SubscriptionChangeEvent } from '@shared/domain/proration';
import { subscriptionSchema, type Subscription } from '@shared/domain/subscription';
import type { ProjectedInvoice } from '@shared/ipc/models';
import { addMoney, money, multiplyMoney, sumMoney, taxOf } from '@shared/money';
import type { CacheDatabase } from '../db/open';
import { monthPeriod, type MonthPeriod } from './months';
import { all, entityOf, one } from './sql';

const DAY_MS = 86_400_000;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const instant = (text: string) => Date.parse(text);

/** The line text the billing run writes, e.g. "Seatdesk Endpoint — Pro plan, 12 active users, November 2026". */
function describe(subscription: Subscription, quantity: number, period: MonthPeriod): string {
  const perSeat = subscription.basis === 'per_active_user';
  const seats = `${quantity} ${perSeat ? (quantity === 1 ? 'active user' : 'active users') : quantity === 1 ? 'seat' : 'seats'}`;
  const year = period.month.slice(0, 4);
  const label = subscription.interval === 'annual' ? year : `${MONTH_NAMES[Number(period.month.slice(5, 7)) - 1] ?? ''} ${year}`;
  return `${subscription.product} — ${subscription.plan} plan, ${seats}, ${label}`;
}

/** What a projection needs to know of an organization beside its subscriptions. */
export interface ProjectionFacts {
  orgId: string;
  /** Basis points. */
  taxRate: number;
  /** The last day of its latest invoiced period, or null before its first invoice. */
  latestPeriodEnd: string | null;
  /** Its active users in the view. */
  activeSeats: number;
}

/** Periods by the latest period end they follow: Home asks for 2,000 organizations, most with the same one. */
const periodAfter = new Map<string, MonthPeriod>();

/** The period a projection is for: the one after the latest invoice, else the month of `now`. */
export function projectionPeriod(latestPeriodEnd: string | null, now: Date): MonthPeriod {
  if (latestPeriodEnd === null) return monthPeriod(now.toISOString());
  let period = periodAfter.get(latestPeriodEnd);
  if (period === undefined) {
    period = Object.freeze(monthPeriod(new Date(instant(`${latestPeriodEnd}T00:00:00Z`) + DAY_MS).toISOString()));
    if (periodAfter.size >= 1_000) periodAfter.clear();
    periodAfter.set(latestPeriodEnd, period);
  }
  return period;
}

/**
 * The next invoice of one organization from its facts and subscriptions (any of them: those not
 * billable in the period are left out) and the seat and plan changes made to them (their audit
 * events; none when unknown). Per currency, as the billing run writes an invoice: a line per
 * billable subscription, then the proration lines of its changes in the period (the shared rule,
 * @shared/domain/proration prorationLines). Shared by projectedInvoice and the Home screen's total
 * across organizations, so both follow the one copy of the billing run's rule.
 */
export function projectInvoice(facts: ProjectionFacts, subscriptions: readonly Subscription[], now: Date, changes: readonly SubscriptionChangeEvent[] = []): ProjectedInvoice {
  const period = projectionPeriod(facts.latestPeriodEnd, now);
  const billable = subscriptions
    .filter((subscription) => isBillableIn(subscription, period))
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : instant(a.createdAt) - instant(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));

  const lines: ProjectedInvoice['lines'] = [];
  for (const currency of [...new Set(billable.map((subscription) => subscription.currency))]) {
    const charged = billable
      .filter((subscription) => subscription.currency === currency)
      .map((subscription) => {
        const quantity = subscription.basis === 'per_active_user' ? facts.activeSeats : subscription.quantity;
        return {
          subscriptionId: subscription.id,
          description: describe(subscription, quantity, period),
          quantity,
          unitPrice: subscription.unitPrice,
          amount: multiplyMoney(money(subscription.unitPrice, currency), quantity).amount,
        };
      });
    const prorated = prorationLines(changes, charged, facts.activeSeats, period).map((line) => ({ ...line, subscriptionId: line.subscriptionId ?? '' }));
    lines.push(...[...charged, ...prorated].map((line) => ({ ...line, currency })));
  }
  const currencies = [...new Set(lines.map((line) => line.currency))];
  const totals = currencies.map((currency) => {
    const subtotal = sumMoney(
      lines.filter((line) => line.currency === currency).map((line) => money(line.amount, currency)),
      currency,
    );
    const tax = taxOf(subtotal, facts.taxRate);
    return { currency, subtotal: subtotal.amount, tax: tax.amount, total: addMoney(subtotal, tax).amount };
  });
  return { orgId: facts.orgId, periodStart: period.periodStart, periodEnd: period.periodEnd, lines, totals, activeSeats: facts.activeSeats };
}

/** What a seat or plan change's audit event must hold for proration; anything else is left out. */
const changeEventSchema = z.object({
  before: subscriptionSchema.pick({ basis: true, quantity: true, unitPrice: true, currency: true, interval: true, status: true, trialEnd: true, plan: true }),
  after: subscriptionSchema.pick({ quantity: true, unitPrice: true, plan: true }),
});

/**
 * The first day whose changes can prorate onto the invoice of the month starting `periodStart`: a
 * change prorates to the end of the calendar month (monthly) or year (annual) holding it, and
 * prorationLines keeps those ending with the period, so the month itself, or in December the whole
 * year (annual lines are billed then). Only narrows what is read; prorationLines decides.
 */
function changesSince(periodStart: string): string {
  return periodStart.slice(5, 7) === '12' ? `${periodStart.slice(0, 4)}-01-01` : periodStart;
}

/**
 * The seat and plan changes of each organization that can prorate onto its projected invoice,
 * from its cached audit events (changesSince), as the billing run reads them on the service.
 * `periodStarts`: organization id to its projected period's start; one query for all of them,
 * each walking the partial index of those changes (cache migration 6) from its own date (the Home screen asks for thousands). A cache
 * without audit.view has none, and a change still in the outbox has no event yet: the projection
 * then shows the change at the new seats or plan for the whole period, until the pull brings the event.
 */
export function subscriptionChangesByOrg(db: CacheDatabase, periodStarts: ReadonlyMap<string, string>): Map<string, SubscriptionChangeEvent[]> {
  const since = Object.fromEntries([...periodStarts].map(([orgId, periodStart]) => [orgId, changesSince(periodStart)]));
  const rows = all<{ org_id: string; entity_id: string; at: string; data: string }>(
    db,
    `SELECT a.org_id, a.entity_id, a.at, a.data
     FROM json_each(@since) o CROSS JOIN audit_events a INDEXED BY audit_events_subscription_changes
     WHERE a.org_id = o.key AND a.at >= o.value
       AND a.entity = 'subscription' AND a.action IN ('changeSubscriptionQuantity', 'changeSubscriptionPlan')
     ORDER BY a.at, a.rid`,
    { since: JSON.stringify(since) },
  );
  const changes = new Map<string, SubscriptionChangeEvent[]>();
  for (const row of rows) {
    const parsed = changeEventSchema.safeParse(entityOf<unknown>(row.data));
    if (!parsed.success) continue;
    const change = { subscriptionId: row.entity_id, at: row.at, before: parsed.data.before, after: parsed.data.after };
    const ofOrg = changes.get(row.org_id);
    if (ofOrg === undefined) changes.set(row.org_id, [change]);
    else ofOrg.push(change);
  }
  return changes;
}

/** One organization's seat and plan changes that can prorate onto the invoice of the period starting `periodStart` (subscriptionChangesByOrg). */
export function subscriptionChanges(db: CacheDatabase, orgId: string, periodStart: string): SubscriptionChangeEvent[] {
  return subscriptionChangesByOrg(db, new Map([[orgId, periodStart]])).get(orgId) ?? [];
}

/**
 * The organization's next invoice as it would be issued now: the period after its latest invoice
 * (the month of `now` when it has none), a line per subscription billable in that period and the
 * proration lines of its seat and plan changes in it (subscriptionChanges), with per_active_user
 * lines counting the organization's active users in the view (so pending
 * activations and deactivations show) and fixed_quantity lines their quantity. One total per
 * currency, taxed at the organization's rate, rounded half-even (shared/money taxOf), as the
 * billing run issues one invoice per currency. An organization not in the cache projects nothing.
 */
export function projectedInvoice(db: CacheDatabase, orgId: string, now: Date = new Date()): ProjectedInvoice {
  const org = one<{ tax_rate: number }>(db, "SELECT json_extract(data, '$.taxRate') AS tax_rate FROM organizations WHERE id = ?", [orgId]);
  const latest = one<{ period_end: string | null }>(db, "SELECT max(json_extract(data, '$.periodEnd')) AS period_end FROM invoices WHERE org_id = ?", [orgId]);
  const latestPeriodEnd = latest?.period_end ?? null;
  if (org === undefined) {
    const period = projectionPeriod(latestPeriodEnd, now);
    return { orgId, periodStart: period.periodStart, periodEnd: period.periodEnd, lines: [], totals: [], activeSeats: 0 };
  }
  const activeSeats = one<{ n: number }>(db, "SELECT count(*) AS n FROM users WHERE org_id = ? AND status = 'active'", [orgId])?.n ?? 0;
  const subscriptions = all<{ data: string }>(db, 'SELECT data FROM subscriptions WHERE org_id = ?', [orgId]).map((row) => entityOf<Subscription>(row.data));
  const changes = subscriptionChanges(db, orgId, projectionPeriod(latestPeriodEnd, now).periodStart);
  return projectInvoice({ orgId, taxRate: org.tax_rate, latestPeriodEnd, activeSeats }, subscriptions, now, changes);
}
