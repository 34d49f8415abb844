import { randomUUID } from 'node:crypto';
import { SeatdeskError } from '@shared/errors';
import type { CommandArgs } from '@shared/commands/catalogue';
import { emailKey } from '@shared/email';
import { idInUseRefusal } from '@shared/domain/ids';
import { refuseIf } from '@shared/domain/refusal';
import { invitationEmailsRefusal, namesFromEmail, resendInvitationRefusal, type User } from '@shared/domain/user';
import { toUser, type Row } from '../db/rows';
import { invitationLink, issueInvitationToken } from '../auth/invitation-tokens';
import { queueMail } from '../mail/outbox';
import { checkVersion, notFound, recordAudit, type CommandContext } from './context';
import { assertRolesInOrg } from './rules';
import { assertCanGrant, loadUserForUpdate } from './users';



async function orgName(ctx: CommandContext, orgId: string): Promise<string> {
  const [org] = await ctx.tx.query<{ name: string }>('SELECT name FROM orgs WHERE id = $1', [orgId]);
  if (org === undefined) throw notFound('organization');
  return org.name;
}

async function sendInvitation(ctx: CommandContext, user: User, organization: string): Promise<void> {
  const token = await issueInvitationToken(ctx.tx, user.id, ctx.now);
  await queueMail(
    ctx.tx,
    {
      orgId: user.orgId,
      to: user.email,
      kind: 'invitation',
      subject: `You are invited to ${organization} on Seatdesk`,
      body:
        `Hello,\n\n${ctx.actor.user.firstName} ${ctx.actor.user.lastName} invited you to ${organization} on Seatdesk.\n` +
        `Accept the invitation and choose your password here: ${invitationLink(token)}\n\n` +
        'The link works once and expires in 14 days.\n',
    },
    ctx.now,
  );
}

/** Every address must be new to the organization and listed once; otherwise nothing is invited. */
async function assertEmailsFree(ctx: CommandContext, orgId: string, emails: readonly string[]): Promise<void> {
  const taken = await ctx.tx.query<{ email: string }>('SELECT email FROM users WHERE org_id = $1 AND email_key = ANY ($2::text[])', [
    orgId,
    emails.map(emailKey),
  ]);
  refuseIf(invitationEmailsRefusal(emails, taken.map((row) => row.email)));
}

async function assertIdsFree(ctx: CommandContext, ids: readonly string[]): Promise<void> {
  const repeated = ids.findIndex((id, index) => ids.indexOf(id) !== index);
  if (repeated >= 0) {
    throw new SeatdeskError('VALIDATION', 'Each invited user needs its own id.', [{ path: `ids.${repeated}`, message: 'Listed twice' }]);
  }
  const taken = await ctx.tx.query<{ id: string }>('SELECT id FROM users WHERE id = ANY ($1::uuid[])', [ids]);
  if (taken.length > 0) refuseIf(idInUseRefusal(true, `ids.${ids.indexOf(taken[0]!.id)}`));
}

/** One pending user per address, each sent a single-use link; all of them or none. */
export async function inviteUsers(ctx: CommandContext, args: CommandArgs<'inviteUsers'>): Promise<User[]> {
  const organization = await orgName(ctx, args.orgId);
  await assertEmailsFree(ctx, args.orgId, args.emails);
  if (args.ids !== undefined) await assertIdsFree(ctx, args.ids);
  await assertRolesInOrg(ctx.tx, args.orgId, args.roleIds);
  await assertCanGrant(ctx, args.orgId, args.roleIds, []);
  const users: User[] = [];
  for (const [index, email] of args.emails.entries()) {
    const { firstName, lastName } = namesFromEmail(email);
    const [row] = await ctx.tx.query<Row>(
      `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, permissions, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, '{}', $8, $8) RETURNING *`,
      [args.ids?.[index] ?? randomUUID(), args.orgId, firstName, lastName, email, emailKey(email), args.roleIds, ctx.now],
    );
    const user = toUser(row!);
    await sendInvitation(ctx, user, organization);
    await recordAudit(ctx, { orgId: user.orgId, entity: 'user', entityId: user.id, action: 'inviteUsers', before: null, after: user });
    users.push(user);
  }
  return users;
}

/** A new link replaces the old one (issueInvitationToken drops it); the user row itself is unchanged. */
export async function resendInvitation(ctx: CommandContext, args: CommandArgs<'resendInvitation'>): Promise<User> {
  const user = await loadUserForUpdate(ctx, args.orgId, args.userId);
  checkVersion(ctx, user, undefined, user);
  refuseIf(resendInvitationRefusal(user));
  await sendInvitation(ctx, user, await orgName(ctx, args.orgId));
  await recordAudit(ctx, { orgId: user.orgId, entity: 'user', entityId: user.id, action: 'resendInvitation', before: user, after: user });
  return user;
}
