import type { Subscription } from '@shared/domain/subscription';
import type { ProjectedInvoice } from '@shared/ipc/models';
import { addMoney, money, multiplyMoney, sumMoney, taxOf } from '@shared/money';
import type { CacheDatabase } from '../db/open';
import { monthPeriod, type MonthPeriod } from './months';
import { all, entityOf, one } from './sql';

const DAY_MS = 86_400_000;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const instant = (text: string) => Date.parse(text);

/**
 * Whether the subscription gets a line on the invoice of `period`, by the billing run's rule
 * (service/billing/invoice-math isBillableIn, which core may not import): active or
 * cancel_scheduled (trials are free, cancelled subscriptions are not billed), existing when the
 * period closed, any trial ended by then, a scheduled cancellation not in effect before the period
 * started, and annual subscriptions charged only on the period ending 31 December.
 */
function isBillableIn(subscription: Subscription, period: MonthPeriod): boolean {
  if (subscription.status !== 'active' && subscription.status !== 'cancel_scheduled') return false;
  const closes = instant(`${period.periodEnd}T00:00:00Z`) + DAY_MS;
  if (instant(subscription.createdAt) >= closes) return false;
  if (subscription.trialEnd !== null && instant(subscription.trialEnd) >= closes) return false;
  if (subscription.cancelAt !== null && instant(subscription.cancelAt) <= instant(`${period.periodStart}T00:00:00Z`)) return false;
  return subscription.interval === 'monthly' || period.periodEnd.endsWith('-12-31');
}

/** The line text the billing run writes, e.g. "Seatdesk Endpoint — Pro plan, 12 active users, November 2026". */
function describe(subscription: Subscription, quantity: number, period: MonthPeriod): string {
  const perSeat = subscription.basis === 'per_active_user';
  const seats = `${quantity} ${perSeat ? (quantity === 1 ? 'active user' : 'active users') : quantity === 1 ? 'seat' : 'seats'}`;
  const year = period.month.slice(0, 4);
  const label = subscription.interval === 'annual' ? year : `${MONTH_NAMES[Number(period.month.slice(5, 7)) - 1] ?? ''} ${year}`;
  return `${subscription.product} — ${subscription.plan} plan, ${seats}, ${label}`;
}

/**
 * The organization's next invoice as it would be issued now: the period after its latest invoice
 * (the month of `now` when it has none), a line per subscription billable in that period, with
 * per_active_user lines counting the organization's active users in the view (so pending
 * activations and deactivations show) and fixed_quantity lines their quantity. One total per
 * currency, taxed at the organization's rate, rounded half-even (shared/money taxOf), as the
 * billing run issues one invoice per currency. An organization not in the cache projects nothing.
 */
export function projectedInvoice(db: CacheDatabase, orgId: string, now: Date = new Date()): ProjectedInvoice {
  const org = one<{ tax_rate: number }>(db, "SELECT json_extract(data, '$.taxRate') AS tax_rate FROM organizations WHERE id = ?", [orgId]);
  const latest = one<{ period_end: string | null }>(db, "SELECT max(json_extract(data, '$.periodEnd')) AS period_end FROM invoices WHERE org_id = ?", [orgId]);
  const period =
    latest?.period_end === null || latest?.period_end === undefined
      ? monthPeriod(now.toISOString())
      : monthPeriod(new Date(instant(`${latest.period_end}T00:00:00Z`) + DAY_MS).toISOString());
  const empty: ProjectedInvoice = { orgId, periodStart: period.periodStart, periodEnd: period.periodEnd, lines: [], totals: [], activeSeats: 0 };
  if (org === undefined) return empty;

  const activeSeats = one<{ n: number }>(db, "SELECT count(*) AS n FROM users WHERE org_id = ? AND status = 'active'", [orgId])?.n ?? 0;
  const subscriptions = all<{ data: string }>(db, 'SELECT data FROM subscriptions WHERE org_id = ?', [orgId])
    .map((row) => entityOf<Subscription>(row.data))
    .filter((subscription) => isBillableIn(subscription, period))
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : instant(a.createdAt) - instant(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));

  const lines = subscriptions.map((subscription) => {
    const quantity = subscription.basis === 'per_active_user' ? activeSeats : subscription.quantity;
    return {
      subscriptionId: subscription.id,
      description: describe(subscription, quantity, period),
      quantity,
      unitPrice: subscription.unitPrice,
      amount: multiplyMoney(money(subscription.unitPrice, subscription.currency), quantity).amount,
      currency: subscription.currency,
    };
  });
  const currencies = [...new Set(lines.map((line) => line.currency))];
  const totals = currencies.map((currency) => {
    const subtotal = sumMoney(
      lines.filter((line) => line.currency === currency).map((line) => money(line.amount, currency)),
      currency,
    );
    const tax = taxOf(subtotal, org.tax_rate);
    return { currency, subtotal: subtotal.amount, tax: tax.amount, total: addMoney(subtotal, tax).amount };
  });
  return { ...empty, lines, totals, activeSeats };
}
