/**
 * The billing lifecycle: what happens by itself as time passes. Trials end on their date,
 * scheduled cancellations take effect at cancelAt, open invoices past their due date become
 * overdue, and a subscription is billed for every period it ran in. The service's lifecycle
 * scheduler applies these changes (service/lifecycle/); the app uses the same functions to show
 * a row as it stands now when its cache has not heard of the change yet.
 *
 * Each change is one function answering what it does (the audit action, the new status, a
 * sentence) or null when nothing is due. Instants are compared parsed, never as text.
 */
import type { Invoice, InvoiceStatus } from './invoice';
import type { Subscription, SubscriptionStatus } from './subscription';

const DAY_MS = 86_400_000;

function ms(instant: string): number {
  return Date.parse(instant);
}

function day(instant: string): string {
  return new Date(ms(instant)).toISOString().slice(0, 10);
}

/** A subscription change the lifecycle makes when its date comes. */
export interface SubscriptionLifecycleChange {
  /** The audit action: endTrial (a trial converted to a paid subscription) or applyScheduledCancellation. */
  readonly action: 'endTrial' | 'applyScheduledCancellation';
  readonly status: SubscriptionStatus;
  /** When it was due (the trial end, or cancelAt). */
  readonly dueAt: string;
  /** For people: "Seatdesk Pro (Business): the trial ended on 2026-12-09; it is now active." */
  readonly message: string;
}

type LifecycleSubscription = Pick<Subscription, 'product' | 'plan' | 'status' | 'trialEnd' | 'cancelAt'>;

/**
 * What the subscription becomes by `now`, or null when nothing is due. The subscription's own
 * fields decide how a trial ends: one whose cancellation was asked for during the trial is
 * cancel_scheduled with cancelAt at the trial end, so it is cancelled then; a trial nobody
 * cancelled converts to active (it is billed from its trial end on). A cancellation scheduled at
 * a contract end takes effect at cancelAt.
 */
export function dueSubscriptionChange(subscription: LifecycleSubscription, now: string): SubscriptionLifecycleChange | null {
  const name = `${subscription.product} (${subscription.plan})`;
  if (subscription.status === 'cancel_scheduled' && subscription.cancelAt !== null && ms(subscription.cancelAt) <= ms(now)) {
    return {
      action: 'applyScheduledCancellation',
      status: 'cancelled',
      dueAt: subscription.cancelAt,
      message: `${name}: the cancellation scheduled for ${day(subscription.cancelAt)} took effect; it is now cancelled.`,
    };
  }
  if (subscription.status === 'trial' && subscription.trialEnd !== null && ms(subscription.trialEnd) <= ms(now)) {
    return {
      action: 'endTrial',
      status: 'active',
      dueAt: subscription.trialEnd,
      message: `${name}: the trial ended on ${day(subscription.trialEnd)}; it is now active.`,
    };
  }
  return null;
}

/** The status the subscription has at `now`, with any change that is due applied. */
export function subscriptionStatusAt(subscription: LifecycleSubscription, now: string): SubscriptionStatus {
  return dueSubscriptionChange(subscription, now)?.status ?? subscription.status;
}

/** An invoice change the lifecycle makes: open past its due date becomes overdue. */
export interface InvoiceLifecycleChange {
  readonly action: 'markInvoiceOverdue';
  readonly status: 'overdue';
  readonly dueAt: string;
  /** For people: "Invoice SD-2026-000123 was due on 2026-11-15 and is now overdue." */
  readonly message: string;
}

/** An open invoice becomes overdue once its due instant has passed; paid and void ones never do. */
export function dueInvoiceChange(invoice: Pick<Invoice, 'number' | 'status' | 'dueAt'>, now: string): InvoiceLifecycleChange | null {
  if (invoice.status !== 'open' || ms(invoice.dueAt) > ms(now)) return null;
  return {
    action: 'markInvoiceOverdue',
    status: 'overdue',
    dueAt: invoice.dueAt,
    message: `Invoice ${invoice.number} was due on ${day(invoice.dueAt)} and is now overdue.`,
  };
}

/** The status the invoice has at `now`, overdue when it is open past its due date. */
export function invoiceStatusAt(invoice: Pick<Invoice, 'number' | 'status' | 'dueAt'>, now: string): InvoiceStatus {
  return dueInvoiceChange(invoice, now)?.status ?? invoice.status;
}

/** A billing period in calendar days, both ends inclusive (UTC). */
export interface BillablePeriod {
  periodStart: string;
  periodEnd: string;
}

export type BillableFacts = Pick<Subscription, 'status' | 'createdAt' | 'trialEnd' | 'cancelAt' | 'interval'>;

/**
 * Whether a subscription gets a line on the invoice of `period`. It is billed for every period in
 * which it ran paid, from its trial end (or creation) until its cancellation took effect:
 * - it existed, and any trial had ended, before the period closed (00:00Z the day after its last
 *   day); a trial that never ends is never billed;
 * - it was not cancelled before the period started: cancelAt (of a scheduled or an applied
 *   cancellation) after the period's first instant, and after the trial end, so a trial cancelled
 *   at its end is never billed;
 * - an interval of it ends with the period: any month for monthly subscriptions, the period
 *   ending on 31 December for annual ones.
 * No proration: a subscription that ran for part of the period is billed for all of it, so the
 * month a cancellation takes effect is billed, and so is the month a trial converts. The status
 * alone does not decide: a run after the lifecycle applied a cancellation still bills the period
 * the subscription ran in.
 */
export function isBillableIn(subscription: BillableFacts, period: BillablePeriod): boolean {
  const startMs = ms(`${period.periodStart}T00:00:00Z`);
  const closesMs = ms(`${period.periodEnd}T00:00:00Z`) + DAY_MS;
  if (subscription.status === 'trial' && subscription.trialEnd === null) return false;
  const paidFromMs = Math.max(ms(subscription.createdAt), subscription.trialEnd === null ? -Infinity : ms(subscription.trialEnd));
  // Without a date (the service always writes one) a cancelled subscription is not billed and a
  // scheduled cancellation is taken as still ahead.
  const paidUntilMs =
    subscription.status === 'cancelled'
      ? subscription.cancelAt === null ? -Infinity : ms(subscription.cancelAt)
      : subscription.status === 'cancel_scheduled' && subscription.cancelAt !== null ? ms(subscription.cancelAt) : Infinity;
  if (paidFromMs >= closesMs || paidUntilMs <= startMs || paidUntilMs <= paidFromMs) return false;
  if (subscription.interval === 'annual') return period.periodEnd.endsWith('-12-31');
  return true;
}
