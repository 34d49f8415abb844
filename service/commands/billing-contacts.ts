import { randomUUID } from 'node:crypto';
import type { CommandArgs } from '@shared/commands/catalogue';
import { emailKey } from '@shared/email';
import { contactTakenRefusal, pickedUserRefusal, type BillingContact } from '@shared/domain/billing-contact';
import { refuseIf } from '@shared/domain/refusal';
import { toBillingContact, toRole, toUser, type Row } from '../db/rows';
import { checkVersion, notFound, recordAudit, type AuditEntry, type CommandContext } from './context';
import { assertIdFree } from './users';

async function loadContactForUpdate(ctx: CommandContext, orgId: string, contactId: string): Promise<BillingContact> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM billing_contacts WHERE id = $1 AND org_id = $2 FOR UPDATE', [contactId, orgId]);
  if (row === undefined) throw notFound('billing contact');
  return toBillingContact(row);
}

/** A contact picked from the users: the shared rule over the user and their roles. */
async function assertPickableUser(ctx: CommandContext, orgId: string, userId: string, email: string): Promise<void> {
  const [row] = await ctx.tx.query<Row>('SELECT * FROM users WHERE id = $1 AND org_id = $2', [userId, orgId]);
  const user = row === undefined ? undefined : toUser(row);
  const roles =
    user === undefined || user.roleIds.length === 0
      ? []
      : (await ctx.tx.query<Row>('SELECT * FROM roles WHERE org_id = $1 AND id = ANY ($2::uuid[])', [orgId, user.roleIds])).map(toRole);
  refuseIf(pickedUserRefusal(user, roles, email));
}

/** Each address is a billing contact of an organization at most once; its kinds say what it receives. */
async function assertEmailNotAContact(ctx: CommandContext, orgId: string, email: string, exceptId: string | null): Promise<void> {
  const taken = await ctx.tx.query<{ email: string }>('SELECT email FROM billing_contacts WHERE org_id = $1 AND lower(email) = $2 AND id IS DISTINCT FROM $3', [
    orgId,
    emailKey(email),
    exceptId,
  ]);
  refuseIf(contactTakenRefusal(email, taken.map((row) => row.email)));
}

export async function addBillingContact(ctx: CommandContext, args: CommandArgs<'addBillingContact'>): Promise<BillingContact> {
  const id = args.id ?? randomUUID();
  if (args.id !== undefined) await assertIdFree(ctx, 'billing_contacts', id);
  if (args.userId !== null) await assertPickableUser(ctx, args.orgId, args.userId, args.email);
  // The address check rides with the insert (one round trip, as a bulk push adds hundreds):
  // nothing is inserted when a contact's address has the same key, and only then is the rule
  // asked for its refusal (which, should it find none, lets the plain insert go ahead).
  const values = [id, args.orgId, args.email, args.userId, args.kinds, ctx.now];
  let [row] = await ctx.tx.query<Row>(
    `INSERT INTO billing_contacts (id, org_id, email, user_id, kinds, created_at, updated_at)
     SELECT $1, $2, $3, $4, $5, $6, $6
     WHERE NOT EXISTS (SELECT 1 FROM billing_contacts WHERE org_id = $2 AND lower(email) = $7) RETURNING *`,
    [...values, emailKey(args.email)],
  );
  if (row === undefined) {
    await assertEmailNotAContact(ctx, args.orgId, args.email, null);
    [row] = await ctx.tx.query<Row>(
      `INSERT INTO billing_contacts (id, org_id, email, user_id, kinds, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      values,
    );
  }
  const contact = toBillingContact(row!);
  await recordAudit(ctx, contactAdded(contact));
  return contact;
}

/** A contact the set-based form can add: no picked user (whose roles the rule must read). */
export function addableAtOnce(args: CommandArgs<'addBillingContact'>): boolean {
  return args.userId === null;
}

/** What makes two contacts of one run collide: the same id, or the same address in one organization. */
export function contactKeys(args: CommandArgs<'addBillingContact'>): string[] {
  return [`org:${args.orgId}:${emailKey(args.email)}`, ...(args.id === undefined ? [] : [`id:${args.id}`])];
}

/**
 * addBillingContact for a run of contacts at once, in one INSERT (a sync push's set-based form,
 * sync/push-batches.ts, which records each one's audit entry, contactAdded): each is inserted only if its id is free and its address is not a contact
 * of its organization yet, as the one-at-a-time command checks. The run must hold only
 * addableAtOnce contacts whose contactKeys do not repeat. Answers the contacts added, in the run's
 * order; fewer than asked means some were taken, and the run must be applied one at a time instead
 * (where each such contact gets its refusal).
 */
export async function addBillingContactsAtOnce(ctx: CommandContext, run: readonly CommandArgs<'addBillingContact'>[]): Promise<BillingContact[]> {
  const wanted = run.map((args, n) => ({ n, id: args.id ?? randomUUID(), org_id: args.orgId, email: args.email, kinds: args.kinds, key: emailKey(args.email) }));
  const rows = await ctx.tx.query<Row>(
    `INSERT INTO billing_contacts (id, org_id, email, user_id, kinds, created_at, updated_at)
     SELECT r.id, r.org_id, r.email, NULL, ARRAY(SELECT jsonb_array_elements_text(r.kinds)), $2, $2
     FROM jsonb_to_recordset($1::jsonb) AS r(n integer, id uuid, org_id uuid, email text, kinds jsonb, key text)
     WHERE NOT EXISTS (SELECT 1 FROM billing_contacts b WHERE b.org_id = r.org_id AND lower(b.email) = r.key)
       AND NOT EXISTS (SELECT 1 FROM billing_contacts b WHERE b.id = r.id)
     ORDER BY r.n
     RETURNING *`,
    [JSON.stringify(wanted), ctx.now],
  );
  const added = new Map(rows.map((row) => [String(row['id']), toBillingContact(row)]));
  return wanted.flatMap((contact) => added.get(contact.id) ?? []);
}

/** The audit entry of a contact added. */
export function contactAdded(contact: BillingContact): AuditEntry {
  return { orgId: contact.orgId, entity: 'billing_contact', entityId: contact.id, action: 'addBillingContact', before: null, after: contact };
}

export async function updateBillingContact(ctx: CommandContext, args: CommandArgs<'updateBillingContact'>): Promise<BillingContact> {
  const before = await loadContactForUpdate(ctx, args.orgId, args.contactId);
  checkVersion(ctx, before, args.version, before);
  if (args.email !== undefined) {
    if (before.userId !== null) await assertPickableUser(ctx, args.orgId, before.userId, args.email);
    await assertEmailNotAContact(ctx, args.orgId, args.email, before.id);
  }
  const [row] = await ctx.tx.query<Row>(
    `UPDATE billing_contacts SET email = coalesce($2, email), kinds = coalesce($3::text[], kinds), version = version + 1, updated_at = $4
     WHERE id = $1 RETURNING *`,
    [before.id, args.email ?? null, args.kinds ?? null, ctx.now],
  );
  const after = toBillingContact(row!);
  await recordAudit(ctx, { orgId: after.orgId, entity: 'billing_contact', entityId: after.id, action: 'updateBillingContact', before, after });
  return after;
}

export async function removeBillingContact(ctx: CommandContext, args: CommandArgs<'removeBillingContact'>): Promise<BillingContact> {
  const before = await loadContactForUpdate(ctx, args.orgId, args.contactId);
  checkVersion(ctx, before, undefined, before);
  await ctx.tx.query('DELETE FROM billing_contacts WHERE id = $1', [before.id]);
  await recordAudit(ctx, { orgId: before.orgId, entity: 'billing_contact', entityId: before.id, action: 'removeBillingContact', before, after: null });
  return before;
}
