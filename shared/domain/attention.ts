import type { Invoice } from './invoice';
import type { Subscription } from './subscription';
import type { User } from './user';

/**
 * What needs an administrator's attention, as of an instant: the rules of the Home screen's list
 * and of the filtered screens its links open. The core answers the Home screen with SQL that
 * follows these functions (electron/core/reads/home.ts, whose test holds the two together).
 */

/** Trials that end within this many days (or have already ended and not yet been converted). */
export const TRIAL_ENDING_DAYS = 14;
/** The windows in which contracts end or renew, in days from now, each counting those before it. */
export const CONTRACT_WINDOWS_DAYS = [30, 60, 90] as const;
/** A pending invitation not sent (or resent) for this many days has likely been missed. */
export const STALE_INVITATION_DAYS = 7;

const DAY_MS = 86_400_000;

/** Instants are parsed, not compared as text: "…00Z" and "…00.000Z" are the same instant but sort apart. */
const ms = (instant: string) => Date.parse(instant);

/** A trial whose end falls within `days` of now, or is already past while the subscription still shows trial. */
export function trialEndsWithin(subscription: Pick<Subscription, 'status' | 'trialEnd'>, now: Date, days: number = TRIAL_ENDING_DAYS): boolean {
  return subscription.status === 'trial' && subscription.trialEnd !== null && ms(subscription.trialEnd) <= now.getTime() + days * DAY_MS;
}

/**
 * A running subscription whose contract ends after now and within `days`: it renews (active) or
 * ends (cancel_scheduled, the cancellation taking effect at the contract end).
 */
export function contractEndsWithin(subscription: Pick<Subscription, 'status' | 'contractEnd'>, now: Date, days: number): boolean {
  if (subscription.status !== 'active' && subscription.status !== 'cancel_scheduled') return false;
  if (subscription.contractEnd === null) return false;
  const end = ms(subscription.contractEnd);
  return end > now.getTime() && end <= now.getTime() + days * DAY_MS;
}

/** Whether a contract ending in the window renews or ends. */
export function contractOutcome(subscription: Pick<Subscription, 'status'>): 'ends' | 'renews' {
  return subscription.status === 'cancel_scheduled' ? 'ends' : 'renews';
}

export function isScheduledCancellation(subscription: Pick<Subscription, 'status'>): boolean {
  return subscription.status === 'cancel_scheduled';
}

/**
 * Billed now and recurring: active, or scheduled to be cancelled but not yet; a trial still
 * running is free, and a cancellation already due is no longer revenue (whatever the cached status).
 */
export function isRecurringNow(subscription: Pick<Subscription, 'status' | 'trialEnd' | 'cancelAt'>, now: Date): boolean {
  if (subscription.status !== 'active' && subscription.status !== 'cancel_scheduled') return false;
  if (subscription.trialEnd !== null && ms(subscription.trialEnd) > now.getTime()) return false;
  return subscription.cancelAt === null || ms(subscription.cancelAt) > now.getTime();
}

/** Unpaid: open or overdue (void and paid invoices are settled). */
export function isOutstanding(invoice: Pick<Invoice, 'status'>): boolean {
  return invoice.status === 'open' || invoice.status === 'overdue';
}

/**
 * Overdue as the service marks it. The service is the authority on an invoice's status (its
 * lifecycle marks invoices past their due date), so the cache's status is taken as it is.
 */
export function isOverdue(invoice: Pick<Invoice, 'status'>): boolean {
  return invoice.status === 'overdue';
}

/**
 * A pending invitation last sent (created, or resent: `lastSentAt`) more than
 * STALE_INVITATION_DAYS before now.
 */
export function isStaleInvitation(user: Pick<User, 'status' | 'createdAt'> & { lastSentAt?: string | null }, now: Date, days: number = STALE_INVITATION_DAYS): boolean {
  if (user.status !== 'pending') return false;
  const sent = Math.max(ms(user.createdAt), user.lastSentAt == null ? Number.NEGATIVE_INFINITY : ms(user.lastSentAt));
  return sent <= now.getTime() - days * DAY_MS;
}
