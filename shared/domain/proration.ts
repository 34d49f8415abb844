/**
 * Proration: what changing a subscription's seats or plan part-way through a billing period adds
 * to (or takes off) the next invoice. Service (the change commands) and app (the dialog's "Next
 * invoice" line and the optimistic effect) both call prorate(), so they agree to the minor unit.
 *
 * Rules:
 * - The period is the calendar month (monthly) or calendar year (annual) holding the change, UTC.
 * - The change counts from the UTC day it is made to the period's last day, both included; a
 *   trial still running counts from its trial end instead (nothing is billed before it).
 * - amount = (new interval amount - old interval amount) x days counted / days in the period,
 *   rounded to the nearest minor unit, ties to even (the same rounding as tax). An increase is a
 *   charge (positive), a decrease a credit (negative).
 * - For per_active_user plans the seats are the active users now (their count is not changed).
 */
import { money, multiplyMoney, roundHalfEven, type Money } from '../money';
import type { InvoiceLine } from './invoice';
import type { Subscription } from './subscription';
import { seatCount } from './subscription';

const DAY_MS = 86_400_000;

export type ProratedSubscription = Pick<Subscription, 'basis' | 'quantity' | 'unitPrice' | 'currency' | 'interval' | 'status' | 'trialEnd'>;

/** Seats (fixed_quantity only) and/or a new plan's unit price. */
export interface SubscriptionChange {
  readonly quantity?: number;
  readonly unitPrice?: number;
}

export interface Proration {
  /** Signed: positive is charged on the next invoice, negative credited. */
  readonly amount: Money;
  /** The first day charged (YYYY-MM-DD) and the period's last day. */
  readonly from: string;
  readonly to: string;
  readonly daysCharged: number;
  readonly daysInPeriod: number;
  /** One interval before and after the change, at `activeUsers` for per-seat plans. */
  readonly intervalBefore: Money;
  readonly intervalAfter: Money;
}

function dayStartMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 instant: ${JSON.stringify(instant)}`);
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The billing period holding `dayMs`: [first day, day after the last) in ms. */
function periodAround(interval: Subscription['interval'], dayMs: number): { startMs: number; endMs: number } {
  const date = new Date(dayMs);
  const year = date.getUTCFullYear();
  if (interval === 'annual') return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1) };
  const month = date.getUTCMonth();
  return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
}

export function prorate(subscription: ProratedSubscription, change: SubscriptionChange, at: string, activeUsers = 0): Proration {
  const after = { ...subscription, quantity: change.quantity ?? subscription.quantity, unitPrice: change.unitPrice ?? subscription.unitPrice };
  const intervalBefore = multiplyMoney(money(subscription.unitPrice, subscription.currency), seatCount(subscription, activeUsers));
  const intervalAfter = multiplyMoney(money(after.unitPrice, after.currency), seatCount(after, activeUsers));
  const changeDayMs = dayStartMs(at);
  const { startMs, endMs } = periodAround(subscription.interval, changeDayMs);
  const trialEndMs = subscription.status === 'trial' && subscription.trialEnd !== null ? dayStartMs(subscription.trialEnd) : -Infinity;
  const fromMs = Math.min(endMs, Math.max(changeDayMs, trialEndMs));
  const daysInPeriod = Math.round((endMs - startMs) / DAY_MS);
  const daysCharged = Math.round((endMs - fromMs) / DAY_MS);
  const delta = BigInt(intervalAfter.amount) - BigInt(intervalBefore.amount);
  return {
    amount: money(roundHalfEven(delta * BigInt(daysCharged), BigInt(daysInPeriod)), subscription.currency),
    from: dayText(fromMs),
    to: dayText(endMs - DAY_MS),
    daysCharged,
    daysInPeriod,
    intervalBefore,
    intervalAfter,
  };
}

/** A change of seats or plan (changeSubscriptionQuantity / changeSubscriptionPlan), from its audit event. */
export interface SubscriptionChangeEvent {
  /** The subscription changed, and when: the audit event's entityId and at. */
  subscriptionId: string;
  at: string;
  before: ProratedSubscription & Pick<Subscription, 'plan'>;
  after: Pick<Subscription, 'quantity' | 'unitPrice' | 'plan'>;
}

/**
 * The proration lines of an invoice. Lines are billed in arrears at the seats and price at period
 * close, so each change of seats or plan made within the period gets a line correcting that to
 * the shared proration rule (@shared/domain/proration): the old amount until the change, the new
 * one from its day. The line is prorate(change) minus the whole-period difference, so the invoice
 * charges exactly what the app showed before the change was confirmed (for per-user plans, at the
 * active users counted now). Only changes in this period of a subscription billed on `lines`.
 * The service's billing run and the app's projection of the next invoice both call it.
 */
export function prorationLines(
  changes: readonly SubscriptionChangeEvent[],
  lines: readonly InvoiceLine[],
  activeUserCount: number,
  period: { readonly periodEnd: string },
): InvoiceLine[] {
  const billed = new Set(lines.map((line) => line.subscriptionId));
  const out: InvoiceLine[] = [];
  for (const change of [...changes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (!billed.has(change.subscriptionId)) continue;
    const proration = prorate(change.before, { quantity: change.after.quantity, unitPrice: change.after.unitPrice }, change.at, activeUserCount);
    if (proration.to !== period.periodEnd || proration.daysCharged === 0) continue;
    const wholePeriod = proration.intervalAfter.amount - proration.intervalBefore.amount;
    const amount = proration.amount.amount - wholePeriod;
    if (amount === 0) continue;
    const what =
      change.before.plan !== change.after.plan
        ? `${change.before.plan} to ${change.after.plan} plan`
        : `${change.before.quantity} to ${change.after.quantity} ${change.after.quantity === 1 ? 'seat' : 'seats'}`;
    out.push({
      subscriptionId: change.subscriptionId,
      description: `Proration: ${what} from ${proration.from} (${proration.daysCharged} of ${proration.daysInPeriod} days)`,
      quantity: 1,
      unitPrice: amount,
      amount,
    });
  }
  return out;
}
