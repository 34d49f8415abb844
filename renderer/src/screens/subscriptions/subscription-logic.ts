import { intervalAmount, seatCount, type Subscription } from '@shared/domain/subscription';
import type { Money } from '@shared/money';

/** Pure helpers of the subscriptions screen (tested). */

export interface SubscriptionFigures {
  seats: number;
  amount: Money;
}

/** Seats billed and the amount of one billing interval, from the organization's active users. */
export function figuresOf(subscription: Pick<Subscription, 'basis' | 'quantity' | 'unitPrice' | 'currency'>, activeUsers: number): SubscriptionFigures {
  return { seats: seatCount(subscription, activeUsers), amount: intervalAmount(subscription, activeUsers) };
}

/** Totals per currency and interval of the subscriptions still billed (not cancelled, not in trial). */
export function totalsByCurrency(
  rows: readonly (Pick<Subscription, 'status' | 'interval' | 'currency'> & { amount: number })[],
): { interval: Subscription['interval']; currency: string; amount: number }[] {
  const totals = new Map<string, { interval: Subscription['interval']; currency: string; amount: number }>();
  for (const row of rows) {
    if (row.status === 'cancelled' || row.status === 'trial') continue;
    const key = `${row.interval}:${row.currency}`;
    const total = totals.get(key) ?? { interval: row.interval, currency: row.currency, amount: 0 };
    total.amount += row.amount;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => a.interval.localeCompare(b.interval) || a.currency.localeCompare(b.currency));
}

export function matchesText(subscription: Pick<Subscription, 'product' | 'plan' | 'licenseKey'> & { orgName: string }, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter((word) => word !== '');
  const haystack = `${subscription.product} ${subscription.plan} ${subscription.orgName} ${subscription.licenseKey}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}
