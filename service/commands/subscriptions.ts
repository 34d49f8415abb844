import { randomUUID } from 'node:crypto';
import type { CommandArgs } from '@shared/commands/catalogue';
import { recipientsFor } from '@shared/domain/billing-contact';
import { refuseIf } from '@shared/domain/refusal';
import {
  cancelRefusal,
  cancellationOutcome,
  reactivateRefusal,
  removeScheduledCancellationRefusal,
  statusBeforeCancellation,
  type Subscription,
} from '@shared/domain/subscription';
import { planChangeEffect, planChangeRefusal, quantityChangeRefusal } from '@shared/domain/subscription-change';
import { prorate } from '@shared/domain/proration';
import { formatMoney } from '@shared/money';
import { toBillingContact, toSubscription, type Row } from '../db/rows';
import { queueMail } from '../mail/outbox';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';

async function loadSubscriptionForUpdate(ctx: CommandContext, orgId: string, subscriptionId: string): Promise<Subscription> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM subscriptions WHERE id = $1 AND org_id = $2 FOR UPDATE', [subscriptionId, orgId]);
  if (row === undefined) throw notFound('subscription');
  return toSubscription(row);
}

/** Tells the contacts that take subscription changes, in the same transaction as the change. */
async function notifyContacts(ctx: CommandContext, subscription: Subscription, what: string): Promise<void> {
  const contacts = (await ctx.tx.query<Row>('SELECT * FROM billing_contacts WHERE org_id = $1 ORDER BY created_at, id', [subscription.orgId])).map(toBillingContact);
  const [org] = await ctx.tx.query<{ name: string }>('SELECT name FROM orgs WHERE id = $1', [subscription.orgId]);
  const subject = `${subscription.product} (${subscription.plan}) ${what}`;
  for (const to of recipientsFor('subscription_changes', contacts, null)) {
    await queueMail(
      ctx.tx,
      {
        orgId: subscription.orgId,
        to,
        kind: 'subscription_change',
        subject,
        body: `Hello,\n\nThe subscription ${subscription.product} (${subscription.plan}) of ${org?.name ?? 'your organization'} ${what}.\n` +
          `License key: ${subscription.licenseKey}\n`,
      },
      ctx.now,
    );
  }
}

async function save(
  ctx: CommandContext,
  before: Subscription,
  change: { status: Subscription['status']; cancelAt: Date | string | null; environmentId?: string },
  action: string,
  what: string,
): Promise<Subscription> {
  const [row] = await ctx.tx.query<Row>(
    `UPDATE subscriptions SET status = $2, cancel_at = $3, environment_id = coalesce($4::uuid, environment_id),
       version = version + 1, updated_at = $5
     WHERE id = $1 RETURNING *`,
    [before.id, change.status, change.cancelAt, change.environmentId ?? null, ctx.now],
  );
  const after = toSubscription(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'subscription', entityId: after.id, action, before, after });
  await notifyContacts(ctx, after, what);
  return after;
}

/** Under a running contract or trial it ends at the contract (or trial) end; otherwise now. */
export async function cancelSubscription(ctx: CommandContext, args: CommandArgs<'cancelSubscription'>): Promise<Subscription> {
  const before = await loadSubscriptionForUpdate(ctx, args.orgId, args.subscriptionId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(cancelRefusal(before));
  const outcome = cancellationOutcome(before, ctx.now.toISOString());
  if (outcome.status === 'cancel_scheduled') {
    return save(ctx, before, { status: 'cancel_scheduled', cancelAt: outcome.cancelAt }, 'cancelSubscription', `will be cancelled on ${outcome.cancelAt.slice(0, 10)}`);
  }
  return save(ctx, before, { status: 'cancelled', cancelAt: ctx.now }, 'cancelSubscription', 'was cancelled');
}

/** Back to the status it had (trial or active); nothing else changes. */
export async function removeScheduledCancellation(ctx: CommandContext, args: CommandArgs<'removeScheduledCancellation'>): Promise<Subscription> {
  const before = await loadSubscriptionForUpdate(ctx, args.orgId, args.subscriptionId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(removeScheduledCancellationRefusal(before));
  const status = statusBeforeCancellation(before, ctx.now.toISOString());
  return save(ctx, before, { status, cancelAt: null }, 'removeScheduledCancellation', 'will no longer be cancelled');
}

/** A cancelled subscription's data is gone, so it comes back in a new environment. */
export async function reactivateSubscription(ctx: CommandContext, args: CommandArgs<'reactivateSubscription'>): Promise<Subscription> {
  const before = await loadSubscriptionForUpdate(ctx, args.orgId, args.subscriptionId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(reactivateRefusal(before));
  return save(ctx, before, { status: 'active', cancelAt: null, environmentId: randomUUID() }, 'reactivateSubscription', 'was reactivated');
}

function seats(count: number): string {
  return `${count} ${count === 1 ? 'seat' : 'seats'}`;
}

/** Active users of the organization: the seats a per_active_user plan is billed for. */
async function activeUserCount(ctx: CommandContext, orgId: string): Promise<number> {
  const [row] = await ctx.tx.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE org_id = $1 AND status = 'active'", [orgId]);
  return Number(row?.n ?? 0);
}

/**
 * Seats or plan: the row changes now, and the next invoice charges (or credits) the difference
 * for the rest of the period (prorate, shared with the app). The audit event's before and after
 * and its time are what the billing run prorates from.
 */
async function saveChange(
  ctx: CommandContext,
  before: Subscription,
  change: { quantity: number; plan: string; unitPrice: number },
  action: 'changeSubscriptionQuantity' | 'changeSubscriptionPlan',
  what: string,
): Promise<Subscription> {
  const proration = prorate(before, change, ctx.now.toISOString(), await activeUserCount(ctx, before.orgId));
  const [row] = await ctx.tx.query<Row>(
    'UPDATE subscriptions SET quantity = $2, plan = $3, unit_price = $4, version = version + 1, updated_at = $5 WHERE id = $1 RETURNING *',
    [before.id, change.quantity, change.plan, change.unitPrice, ctx.now],
  );
  const after = toSubscription(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'subscription', entityId: after.id, action, before, after });
  const amount = proration.amount.amount;
  const effect =
    amount === 0
      ? ''
      : ` The next invoice ${amount > 0 ? 'charges' : 'credits'} ${formatMoney({ ...proration.amount, amount: Math.abs(amount) }, 'en')} for ${proration.from} to ${proration.to}.`;
  await notifyContacts(ctx, after, `${what}.${effect}`.replace(/\.$/, ''));
  return after;
}

export async function changeSubscriptionQuantity(ctx: CommandContext, args: CommandArgs<'changeSubscriptionQuantity'>): Promise<Subscription> {
  const before = await loadSubscriptionForUpdate(ctx, args.orgId, args.subscriptionId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(quantityChangeRefusal(before, args.quantity));
  return saveChange(ctx, before, { quantity: args.quantity, plan: before.plan, unitPrice: before.unitPrice }, 'changeSubscriptionQuantity', `now has ${seats(args.quantity)} (was ${before.quantity})`);
}

export async function changeSubscriptionPlan(ctx: CommandContext, args: CommandArgs<'changeSubscriptionPlan'>): Promise<Subscription> {
  const before = await loadSubscriptionForUpdate(ctx, args.orgId, args.subscriptionId);
  checkVersion(ctx, before, undefined, before);
  refuseIf(planChangeRefusal(before, args.plan));
  const effect = planChangeEffect(before, args.plan);
  return saveChange(ctx, before, { quantity: before.quantity, ...effect }, 'changeSubscriptionPlan', `moved to the ${args.plan} plan`);
}
