import { z } from 'zod';
import { text, trimmedText } from '../text';
import { currencyCodeSchema, minorUnitsSchema, money, multiplyMoney, type Money } from '../money';
import { entityBaseShape, isoDateTimeSchema } from './ids';
import { refusal, type Refusal } from './refusal';

export const BILLING_BASES = ['per_active_user', 'fixed_quantity'] as const;
export const billingBasisSchema = z.enum(BILLING_BASES);
export type BillingBasis = z.infer<typeof billingBasisSchema>;

export const BILLING_INTERVALS = ['monthly', 'annual'] as const;
export const billingIntervalSchema = z.enum(BILLING_INTERVALS);
export type BillingInterval = z.infer<typeof billingIntervalSchema>;

export const SUBSCRIPTION_STATUSES = ['trial', 'active', 'cancel_scheduled', 'cancelled'] as const;
export const subscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

export const subscriptionSchema = z.object({
  ...entityBaseShape,
  product: trimmedText('Product names').min(1).max(200),
  plan: trimmedText('Plan names').min(1).max(200),
  basis: billingBasisSchema,
  quantity: z.int().min(0),
  unitPrice: minorUnitsSchema.min(0),
  currency: currencyCodeSchema,
  interval: billingIntervalSchema,
  contractEnd: isoDateTimeSchema.nullable(),
  trialEnd: isoDateTimeSchema.nullable(),
  cancelAt: isoDateTimeSchema.nullable(),
  licenseKey: trimmedText('License keys').min(1).max(200),
  environmentId: trimmedText('Environment ids').min(1).max(200),
  status: subscriptionStatusSchema,
  /** The owning company's name; only in lists that include child organizations. */
  orgName: text('Organization names').optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

type Dates = Pick<Subscription, 'status' | 'contractEnd' | 'trialEnd'>;

// Parsed, not compared as text: "…00Z" and "…00.000Z" are the same instant but sort apart.
function isAfter(instant: string | null, now: string): instant is string {
  return instant !== null && Date.parse(instant) > Date.parse(now);
}

export function canCancel(status: SubscriptionStatus): boolean {
  return status === 'trial' || status === 'active';
}

export function canReactivate(status: SubscriptionStatus): boolean {
  return status === 'cancelled';
}

export function canRemoveScheduledCancellation(status: SubscriptionStatus): boolean {
  return status === 'cancel_scheduled';
}

/** Each status in a sentence: "Backup (Pro) is scheduled to be cancelled". */
export const SUBSCRIPTION_STATUS_WORDS: Readonly<Record<SubscriptionStatus, string>> = {
  trial: 'on trial',
  active: 'active',
  cancel_scheduled: 'scheduled to be cancelled',
  cancelled: 'cancelled',
};

type Named = Pick<Subscription, 'product' | 'plan' | 'status'>;

function transitionRefusal(subscription: Named, rule: string): Refusal<'INVALID_TRANSITION'> {
  return refusal('INVALID_TRANSITION', `${subscription.product} (${subscription.plan}) is ${SUBSCRIPTION_STATUS_WORDS[subscription.status]}; ${rule}.`, {
    status: subscription.status,
  });
}

export function cancelRefusal(subscription: Named): Refusal<'INVALID_TRANSITION'> | null {
  return canCancel(subscription.status) ? null : transitionRefusal(subscription, 'only a trial or active subscription can be cancelled');
}

export function reactivateRefusal(subscription: Named): Refusal<'INVALID_TRANSITION'> | null {
  return canReactivate(subscription.status) ? null : transitionRefusal(subscription, 'only a cancelled subscription can be reactivated');
}

export function removeScheduledCancellationRefusal(subscription: Named): Refusal<'INVALID_TRANSITION'> | null {
  return canRemoveScheduledCancellation(subscription.status) ? null : transitionRefusal(subscription, 'there is no scheduled cancellation to remove');
}

export type CancellationOutcome = { status: 'cancel_scheduled'; cancelAt: string } | { status: 'cancelled' };

/**
 * What cancelling does (the caller checks canCancel first): a running trial ends at the trial
 * end, since the contract term only starts after it; otherwise a contract still running ends at
 * the contract end; with neither the subscription is cancelled now.
 */
export function cancellationOutcome(subscription: Dates, now: string): CancellationOutcome {
  if (subscription.status === 'trial' && isAfter(subscription.trialEnd, now)) {
    return { status: 'cancel_scheduled', cancelAt: subscription.trialEnd };
  }
  if (isAfter(subscription.contractEnd, now)) {
    return { status: 'cancel_scheduled', cancelAt: subscription.contractEnd };
  }
  return { status: 'cancelled' };
}

/**
 * The status a cancel_scheduled subscription returns to when the cancellation is removed. The row
 * keeps no earlier status, so it is derived: trial while the trial end is still ahead, else active.
 */
export function statusBeforeCancellation(subscription: Pick<Subscription, 'trialEnd'>, now: string): 'trial' | 'active' {
  return isAfter(subscription.trialEnd, now) ? 'trial' : 'active';
}

/** Seats billed: the active users for per_active_user, the fixed quantity otherwise. */
export function seatCount(subscription: Pick<Subscription, 'basis' | 'quantity'>, activeUsers: number): number {
  return subscription.basis === 'per_active_user' ? activeUsers : subscription.quantity;
}

/** The amount one billing interval costs at the given number of active users. */
export function intervalAmount(
  subscription: Pick<Subscription, 'basis' | 'quantity' | 'unitPrice' | 'currency'>,
  activeUsers: number,
): Money {
  return multiplyMoney(money(subscription.unitPrice, subscription.currency), seatCount(subscription, activeUsers));
}
