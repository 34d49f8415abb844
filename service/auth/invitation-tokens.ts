import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/store';
import { hashToken } from './tokens';

export const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** A single-use token for the emailed link (invitation or first password); only its hash is kept. */
export async function issueInvitationToken(tx: Sql, userId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  // A new link replaces any earlier unused one for the same user.
  await tx.query('DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL', [userId]);
  await tx.query('INSERT INTO invitations (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    userId,
    new Date(now.getTime() + INVITATION_TTL_MS),
    now,
  ]);
  return token;
}

export function invitationLink(token: string): string {
  return `seatdesk://accept-invitation?token=${token}`;
}
