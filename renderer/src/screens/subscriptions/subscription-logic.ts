import { contractEndsWithin, trialEndsWithin } from '@shared/domain/attention';
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

/**
 * "Ending within N days", as the Home screen's links open the screen: trials ending (or past their
 * end, still on trial) and contracts ending or renewing, by the shared rules Home counts with.
 */
export type DueFilter = { kind: 'trial' | 'contract'; days: number };

/** The due filter a link's parameters ask for ({due: 'trial', days: '14'}), or null. */
export function dueFilterFrom(params: Readonly<Record<string, string>>): DueFilter | null {
  const kind = params['due'];
  const days = Number(params['days']);
  if ((kind !== 'trial' && kind !== 'contract') || !Number.isInteger(days) || days < 1 || days > 3650) return null;
  return { kind, days };
}

export function matchesDue(subscription: Pick<Subscription, 'status' | 'trialEnd' | 'contractEnd'>, due: DueFilter | null, now: Date): boolean {
  if (due === null) return true;
  return due.kind === 'trial' ? trialEndsWithin(subscription, now, due.days) : contractEndsWithin(subscription, now, due.days);
}

export function dueFilterLabel(due: DueFilter): string {
  return due.kind === 'trial' ? `Trials ending within ${due.days} days` : `Contracts ending or renewing within ${due.days} days`;
}
