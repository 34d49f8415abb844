/**
 * The price list: every plan a subscription can be on, with its billing basis, interval and
 * unit price per currency (integer minor units). The service checks plan changes and new
 * organizations' first subscriptions against it; the app offers the same choices.
 */
import { refusal, orList, type Refusal } from './refusal';
import type { BillingBasis, BillingInterval, Subscription } from './subscription';

export interface PlanOffer {
  readonly product: string;
  readonly plan: string;
  readonly basis: BillingBasis;
  readonly interval: BillingInterval;
  /** Unit price per seat and interval, in minor units, per currency. */
  readonly prices: Readonly<Record<string, number>>;
}

export const PLAN_OFFERS: readonly PlanOffer[] = [
  { product: 'Seatdesk Pro', plan: 'Standard', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 890, GBP: 790 } },
  { product: 'Seatdesk Pro', plan: 'Partner', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 950, GBP: 850 } },
  { product: 'Seatdesk Pro', plan: 'Business', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 1250, GBP: 1100 } },
  { product: 'Seatdesk Backup', plan: 'Business', basis: 'fixed_quantity', interval: 'monthly', prices: { EUR: 300, GBP: 260 } },
  { product: 'Seatdesk Backup', plan: 'Enterprise', basis: 'fixed_quantity', interval: 'monthly', prices: { EUR: 450, GBP: 390 } },
  { product: 'Seatdesk Endpoint Protection', plan: 'Essentials', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 290, GBP: 250 } },
  { product: 'Seatdesk Endpoint Protection', plan: 'Advanced', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 420, GBP: 370 } },
  { product: 'Seatdesk Mail Security', plan: 'Standard', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 275, GBP: 240 } },
  { product: 'Seatdesk Mail Security', plan: 'Advanced', basis: 'per_active_user', interval: 'monthly', prices: { EUR: 390, GBP: 340 } },
  { product: 'Seatdesk Archive', plan: 'Enterprise', basis: 'fixed_quantity', interval: 'annual', prices: { EUR: 48000, GBP: 42000 } },
];

/** The currencies the price list sells in. */
export const PLAN_CURRENCIES = ['EUR', 'GBP'] as const;

/** "Seatdesk Pro (Business)": how plans are named to people and in commands. */
export function planLabel(offer: Pick<PlanOffer, 'product' | 'plan'>): string {
  return `${offer.product} (${offer.plan})`;
}

export function findPlan(product: string, plan: string): PlanOffer | undefined {
  return PLAN_OFFERS.find((offer) => offer.product === product && offer.plan === plan);
}

/**
 * The plans a subscription may move to: the same product, basis and interval (so the billing
 * period and the meaning of its seats stay), sold in its currency, other than its own.
 */
export function planChoicesFor(subscription: Pick<Subscription, 'product' | 'plan' | 'basis' | 'interval' | 'currency'>): PlanOffer[] {
  return PLAN_OFFERS.filter(
    (offer) =>
      offer.product === subscription.product &&
      offer.plan !== subscription.plan &&
      offer.basis === subscription.basis &&
      offer.interval === subscription.interval &&
      offer.prices[subscription.currency] !== undefined,
  );
}

/** A new organization's first subscription must be a plan on the price list, sold in the chosen currency. */
export function planOfferRefusal(choice: { product: string; plan: string; currency: string }): Refusal<'VALIDATION'> | null {
  const offer = findPlan(choice.product, choice.plan);
  if (offer === undefined) {
    return refusal('VALIDATION', `${choice.product} (${choice.plan}) is not on the price list.`, [{ path: 'subscription.plan', message: 'Choose a plan from the list' }]);
  }
  if (offer.prices[choice.currency] !== undefined) return null;
  const sold = Object.keys(offer.prices);
  return refusal('VALIDATION', `${planLabel(offer)} is sold in ${orList(sold)}, not in ${choice.currency}.`, [
    { path: 'subscription.currency', message: `Choose ${orList(sold)}` },
  ]);
}
