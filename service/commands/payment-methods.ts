import type { CommandArgs } from '@shared/commands/catalogue';
import { removePaymentMethodRefusal, type PaymentMethod } from '@shared/domain/payment-method';
import { refuseIf } from '@shared/domain/refusal';
import { toPaymentMethod, type Row } from '../db/rows';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';

async function loadMethodForUpdate(ctx: CommandContext, orgId: string, paymentMethodId: string): Promise<PaymentMethod> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM payment_methods WHERE id = $1 AND org_id = $2 FOR UPDATE', [paymentMethodId, orgId]);
  if (row === undefined) throw notFound('payment method');
  return toPaymentMethod(row);
}

/** Exactly one default per organization afterwards; the previous default changes too. Already the default: nothing changes. */
export async function setDefaultPaymentMethod(ctx: CommandContext, args: CommandArgs<'setDefaultPaymentMethod'>): Promise<PaymentMethod> {
  const chosen = await loadMethodForUpdate(ctx, args.orgId, args.paymentMethodId);
  checkVersion(ctx, chosen, undefined, chosen);
  const previous = (
    await ctx.tx.query<Row>('SELECT * FROM payment_methods WHERE org_id = $1 AND is_default AND id <> $2 FOR UPDATE', [args.orgId, chosen.id])
  ).map(toPaymentMethod);
  if (chosen.isDefault && previous.length === 0) return chosen;
  for (const before of previous) {
    const [row] = await ctx.tx.query<Row>(
      'UPDATE payment_methods SET is_default = false, version = version + 1, updated_at = $2 WHERE id = $1 RETURNING *',
      [before.id, ctx.now],
    );
    const after = toPaymentMethod(row!);
    await recordAudit(ctx, { orgId: after.orgId, entity: 'payment_method', entityId: after.id, action: 'setDefaultPaymentMethod', before, after });
  }
  if (chosen.isDefault) return chosen;
  const [row] = await ctx.tx.query<Row>(
    'UPDATE payment_methods SET is_default = true, version = version + 1, updated_at = $2 WHERE id = $1 RETURNING *',
    [chosen.id, ctx.now],
  );
  const after = toPaymentMethod(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'payment_method', entityId: after.id, action: 'setDefaultPaymentMethod', before: chosen, after });
  return after;
}

/** The default goes last: with others left, one of them must become the default first. */
export async function removePaymentMethod(ctx: CommandContext, args: CommandArgs<'removePaymentMethod'>): Promise<PaymentMethod> {
  const before = await loadMethodForUpdate(ctx, args.orgId, args.paymentMethodId);
  checkVersion(ctx, before, undefined, before);
  if (before.isDefault) {
    const [others] = await ctx.tx.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_methods WHERE org_id = $1 AND id <> $2', [args.orgId, before.id]);
    refuseIf(removePaymentMethodRefusal(before, others?.n ?? 0));
  }
  await ctx.tx.query('DELETE FROM payment_methods WHERE id = $1', [before.id]);
  await recordAudit(ctx, { orgId: before.orgId, entity: 'payment_method', entityId: before.id, action: 'removePaymentMethod', before, after: null });
  return before;
}
