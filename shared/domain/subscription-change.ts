/**
 * Changing a subscription's seats (fixed_quantity plans) or plan: the rules (what may change,
 * refusals in plain words) and the effect (the new fields). The service's commands and the
 * app's optimistic mutators both use these, and prorate() (./proration.ts) for the money.
 */
import { refusal, orList, type Refusal } from './refusal';
import { planChoicesFor, findPlan } from './plans';
import { SUBSCRIPTION_STATUS_WORDS, type Subscription } from './subscription';

/** The most seats one subscription holds. */
export const MAX_SEATS = 100_000;

type Changeable = Pick<Subscription, 'product' | 'plan' | 'status' | 'basis' | 'quantity' | 'interval' | 'currency'>;

function nameOf(subscription: Pick<Subscription, 'product' | 'plan'>): string {
  return `${subscription.product} (${subscription.plan})`;
}

/** Only a running subscription (trial or active) changes; one ending or ended keeps what it had. */
function runningRefusal(subscription: Changeable, what: string): Refusal<'INVALID_TRANSITION'> | null {
  if (subscription.status === 'trial' || subscription.status === 'active') return null;
  const hint = subscription.status === 'cancel_scheduled' ? ' Remove the scheduled cancellation first.' : ' Reactivate it first.';
  return refusal('INVALID_TRANSITION', `${nameOf(subscription)} is ${SUBSCRIPTION_STATUS_WORDS[subscription.status]}, so its ${what} cannot change.${hint}`, {
    status: subscription.status,
  });
}

export function quantityChangeRefusal(subscription: Changeable, quantity: number): Refusal<'INVALID_TRANSITION' | 'VALIDATION'> | null {
  if (subscription.basis !== 'fixed_quantity') {
    return refusal('INVALID_TRANSITION', `${nameOf(subscription)} is billed per active user: its seats follow the active users and cannot be set.`, {
      basis: subscription.basis,
    });
  }
  const notRunning = runningRefusal(subscription, 'seats');
  if (notRunning !== null) return notRunning;
  if (quantity === subscription.quantity) {
    return refusal('VALIDATION', `${nameOf(subscription)} already has ${quantity} ${quantity === 1 ? 'seat' : 'seats'}.`, [
      { path: 'quantity', message: `Already ${quantity}; enter a different number of seats.` },
    ]);
  }
  return null;
}

export function planChangeRefusal(subscription: Changeable, plan: string): Refusal<'INVALID_TRANSITION' | 'VALIDATION'> | null {
  const notRunning = runningRefusal(subscription, 'plan');
  if (notRunning !== null) return notRunning;
  const choices = planChoicesFor(subscription).map((offer) => offer.plan);
  if (choices.includes(plan)) return null;
  const message =
    plan === subscription.plan
      ? `${nameOf(subscription)} is already on the ${plan} plan.`
      : choices.length === 0
        ? `${nameOf(subscription)} has no other plan to move to.`
        : `${subscription.product} can move to ${orList(choices)}, not to ${plan}.`;
  return refusal('VALIDATION', message, [{ path: 'plan', message: choices.length === 0 ? 'No other plan' : `Choose ${orList(choices)}` }]);
}

/** The fields a plan change sets (call after planChangeRefusal answered null). */
export function planChangeEffect(subscription: Pick<Subscription, 'product' | 'currency'>, plan: string): { plan: string; unitPrice: number } {
  const offer = findPlan(subscription.product, plan);
  const unitPrice = offer?.prices[subscription.currency];
  if (unitPrice === undefined) throw new RangeError(`No price for ${subscription.product} (${plan}) in ${subscription.currency}.`);
  return { plan, unitPrice };
}
