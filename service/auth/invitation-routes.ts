import { z } from 'zod';
import { SeatdeskError } from '@shared/errors';
import { text } from '@shared/text';
import { toUser, type Row } from '../db/rows';
import type { Sql } from '../db/store';
import { providerTreeOf } from '../db/trees';
import { defineRoute } from '../http/route';
import { recordAudit, type CommandContext } from '../commands/context';
import { hashPassword } from './passwords';
import { sessionResponseSchema } from './routes';
import { hashToken } from './tokens';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * Unknown, used, replaced (resent) and expired links all answer 404 NOT_FOUND alike: the link
 * names no invitation that can still be accepted, and the answer does not tell which case it is.
 */
const LINK_NOT_VALID = 'This link is not valid: it was already used, replaced by a newer one, or has expired. Ask an administrator to send a new one.';

async function openInvitation(sql: Sql, token: string, now: Date, lock: boolean): Promise<Row | undefined> {
  const [row] = await sql.query<Row>(
    `SELECT u.* FROM invitations i JOIN users u ON u.id = i.user_id
     WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2${lock ? ' FOR UPDATE OF i, u' : ''}`,
    [hashToken(token), now],
  );
  return row;
}

export const invitationRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/invitations/accept',
    summary:
      'Redeem the emailed single-use link: set the password, activate a pending invitee, and start a session. ' +
      'An unknown, used, replaced or expired link is NOT_FOUND; a deactivated account is INVALID_TRANSITION (the link stays usable once it is activated).',
    tag: 'auth',
    auth: 'none',
    body: z.strictObject({
      token: text('Invitation links').min(1).max(200),
      password: text('Passwords')
        .min(MIN_PASSWORD_LENGTH, `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
        .max(1024, 'A password has at most 1024 characters.'),
    }),
    response: sessionResponseSchema,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    handler: async ({ body, deps }) => {
      const now = deps.now();
      // Checked before hashing too, so a bad link does not cost an argon2 hash.
      const invitee = await openInvitation(deps.store, body.token, now, false);
      if (invitee === undefined) throw new SeatdeskError('NOT_FOUND', LINK_NOT_VALID);
      // Hashed before the write: argon2 never runs under a tree's lock.
      const passwordHash = await hashPassword(body.password);
      const changedOrgs = new Set<string>();
      const session = await deps.store.write(async (tx) => {
        const row = await openInvitation(tx, body.token, now, true);
        if (row === undefined) throw new SeatdeskError('NOT_FOUND', LINK_NOT_VALID);
        const before = toUser(row);
        if (before.status === 'deactivated') {
          throw new SeatdeskError('INVALID_TRANSITION', 'This account is deactivated. Ask an administrator to activate it, then use the link again.');
        }
        const [updated] = await tx.query<Row>(
          before.status === 'pending'
            ? `UPDATE users SET status = 'active', password_hash = $2, must_reset_password = false, last_active_at = $3,
                 version = version + 1, updated_at = $3 WHERE id = $1 RETURNING *`
            : 'UPDATE users SET password_hash = $2, must_reset_password = false, last_active_at = $3 WHERE id = $1 RETURNING *',
          [before.id, passwordHash, now],
        );
        const after = toUser(updated!);
        await tx.query('UPDATE invitations SET used_at = $2 WHERE token_hash = $1', [hashToken(body.token), now]);
        // Any other link still open for this user is void now that the password is set.
        await tx.query('DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL', [after.id]);
        const ctx: CommandContext = {
          tx,
          actor: { user: after, sessionId: '', permissions: [], scope: new Set([after.orgId]) },
          now,
          origin: { kind: 'online' },
          changedOrgs,
        };
        await recordAudit(ctx, { orgId: after.orgId, entity: 'user', entityId: after.id, action: 'acceptInvitation', before, after });
        return { ...(await deps.tokens.issue(tx, after.id, now)), user: after };
      }, [await providerTreeOf(deps.store, String(invitee['org_id']))]);
      deps.notifier.changed(changedOrgs);
      return session;
    },
  }),
];
