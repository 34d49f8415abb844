import { randomBytes, randomUUID } from 'node:crypto';
import type { CommandArgs } from '@shared/commands/catalogue';
import { emailKey } from '@shared/email';
import { childOrgRefusal, primaryContactRefusal, type Organization } from '@shared/domain/organization';
import { findPlan, planOfferRefusal } from '@shared/domain/plans';
import { refuseIf } from '@shared/domain/refusal';
import { toSubscription } from '../db/rows';
import { toOrganization, toUser, type Row } from '../db/rows';
import type { Subscription } from '@shared/domain/subscription';
import { invitationLink, issueInvitationToken } from '../auth/invitation-tokens';
import { queueMail } from '../mail/outbox';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';
import { insertBuiltInRoles } from './roles';
import { assertIdFree } from './users';

async function loadOrg(ctx: CommandContext, orgId: string, forUpdate: boolean): Promise<Organization> {
  const [row] = await ctx.tx.query<Row>(`SELECT * FROM orgs WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [orgId]);
  if (row === undefined) throw notFound('organization');
  return toOrganization(row);
}

/**
 * A child organization with the built-in roles and its first person as its active Administrator
 * and primary contact; they choose a password through the emailed link. It takes its parent's tax
 * rate until its account details say otherwise.
 */
export async function createOrg(ctx: CommandContext, args: CommandArgs<'createOrg'>): Promise<Organization> {
  const parent = await loadOrg(ctx, args.parentId, false);
  refuseIf(childOrgRefusal(parent, args.kind), args.subscription === null ? null : planOfferRefusal(args.subscription));
  const id = args.id ?? randomUUID();
  if (args.id !== undefined) await assertIdFree(ctx, 'orgs', id);
  const adminId = randomUUID();
  const [orgRow] = await ctx.tx.query<Row>(
    `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, billing_email, billing_address, primary_contact_user_id, tax_rate, created_at, updated_at)
     VALUES ($1, $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $10) RETURNING *`,
    [id, parent.id, args.kind, args.name, args.accountEmail, args.billingEmail, args.billingAddress === null ? null : JSON.stringify(args.billingAddress), adminId, parent.taxRate, ctx.now],
  );
  const org = toOrganization(orgRow!);
  const roles = await insertBuiltInRoles(ctx.tx, org.id, ctx.now);
  const administrator = roles.find((role) => role.builtInKey === 'administrator')!;

  const { admin } = args;
  const [userRow] = await ctx.tx.query<Row>(
    `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, permissions,
                        password_hash, must_reset_password, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, '{}', NULL, true, $8, $8) RETURNING *`,
    [adminId, org.id, admin.firstName, admin.lastName, admin.email, emailKey(admin.email), [administrator.id], ctx.now],
  );
  const user = toUser(userRow!);
  const token = await issueInvitationToken(ctx.tx, user.id, ctx.now);
  await queueMail(
    ctx.tx,
    {
      orgId: org.id,
      to: user.email,
      kind: 'invitation',
      subject: `${org.name} is ready on Seatdesk`,
      body:
        `Hello ${user.firstName},\n\n${parent.name} set up ${org.name} on Seatdesk with you as its Administrator.\n` +
        `Choose your password here: ${invitationLink(token)}\n`,
    },
    ctx.now,
  );

  await recordAudit(ctx, { orgId: org.id, entity: 'organization', entityId: org.id, action: 'createOrg', before: null, after: org });
  for (const role of roles) {
    await recordAudit(ctx, { orgId: org.id, entity: 'role', entityId: role.id, action: 'createOrg', before: null, after: role });
  }
  await recordAudit(ctx, { orgId: org.id, entity: 'user', entityId: user.id, action: 'createOrg', before: null, after: user });
  if (args.subscription !== null) {
    const subscription = await insertFirstSubscription(ctx, org.id, args.subscription);
    await recordAudit(ctx, { orgId: org.id, entity: 'subscription', entityId: subscription.id, action: 'createOrg', before: null, after: subscription });
  }
  // The parent's people see the new organization: their scope changed.
  ctx.changedOrgs.add(parent.id);
  return org;
}

const LICENSE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function licenseKey(): string {
  const group = () => Array.from(randomBytes(4), (byte) => LICENSE_ALPHABET[byte % LICENSE_ALPHABET.length]).join('');
  return `SD-${group()}-${group()}-${group()}`;
}

/** The plan chosen when the organization was made: active from now, at the price list's price. */
async function insertFirstSubscription(
  ctx: CommandContext,
  orgId: string,
  choice: NonNullable<CommandArgs<'createOrg'>['subscription']>,
): Promise<Subscription> {
  const offer = findPlan(choice.product, choice.plan)!;
  const [row] = await ctx.tx.query<Row>(
    `INSERT INTO subscriptions (id, org_id, product, plan, basis, quantity, unit_price, currency, interval, license_key, environment_id, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $12) RETURNING *`,
    [
      randomUUID(),
      orgId,
      offer.product,
      offer.plan,
      offer.basis,
      // A per-user plan counts its active users: the new administrator alone.
      offer.basis === 'fixed_quantity' ? choice.quantity : 1,
      offer.prices[choice.currency],
      choice.currency,
      offer.interval,
      licenseKey(),
      randomUUID(),
      ctx.now,
    ],
  );
  return toSubscription(row!);
}

type OrgChanges = Omit<CommandArgs<'updateOrg'>, 'orgId' | 'version'>;

/** Each changeable field and its column; jsonb columns take their value as JSON text. */
const COLUMNS: { [K in keyof Required<OrgChanges>]: { column: string; json?: true } } = {
  name: { column: 'name' },
  accountEmail: { column: 'account_email' },
  billingEmail: { column: 'billing_email' },
  vatNumber: { column: 'vat_number' },
  billingAddress: { column: 'billing_address', json: true },
  shippingAddress: { column: 'shipping_address', json: true },
  primaryContactUserId: { column: 'primary_contact_user_id' },
};

export async function updateOrg(ctx: CommandContext, args: CommandArgs<'updateOrg'>): Promise<Organization> {
  const before = await loadOrg(ctx, args.orgId, true);
  checkVersion(ctx, before, args.version, before);
  if (args.primaryContactUserId !== undefined && args.primaryContactUserId !== null) {
    const [user] = await ctx.tx.query('SELECT 1 FROM users WHERE id = $1 AND org_id = $2', [args.primaryContactUserId, args.orgId]);
    refuseIf(primaryContactRefusal(user !== undefined));
  }
  const params: unknown[] = [before.id, ctx.now];
  const sets = ['version = version + 1', 'updated_at = $2'];
  for (const [field, { column, json }] of Object.entries(COLUMNS)) {
    const value = args[field as keyof OrgChanges];
    if (value === undefined) continue;
    params.push(json === true && value !== null ? JSON.stringify(value) : value);
    sets.push(`${column} = $${params.length}${json === true ? '::jsonb' : ''}`);
  }
  const [row] = await ctx.tx.query<Row>(`UPDATE orgs SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params);
  const after = toOrganization(row!);
  await recordAudit(ctx, { orgId: after.id, entity: 'organization', entityId: after.id, action: 'updateOrg', before, after });
  return after;
}
