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
