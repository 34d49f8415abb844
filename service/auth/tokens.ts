import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/store';

export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const claimsSchema = z.object({ sub: z.string(), sid: z.string(), exp: z.number() });
export type AccessClaims = z.infer<typeof claimsSchema>;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}

export type RefreshResult =
  | { ok: true; userId: string; tokens: IssuedTokens }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

export interface TokenService {
  /** Starts a session (a refresh-token family) for a user. */
  issue(tx: Sql, userId: string, now: Date): Promise<IssuedTokens>;
  /** Rotates a refresh token; presenting an already-rotated one revokes its whole family. */
  refresh(tx: Sql, refreshToken: string, now: Date): Promise<RefreshResult>;
  revokeSession(tx: Sql, sessionId: string, now: Date): Promise<void>;
  verifyAccess(token: string, now: Date): AccessClaims | null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Access tokens are short-lived HMAC-signed claims (no database read to check the signature);
 * refresh tokens are random, stored only as hashes, rotated on use.
 */
export function createTokenService(secret: Buffer = randomBytes(32)): TokenService {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

  function accessToken(userId: string, sessionId: string, now: Date): { token: string; expiresAt: string } {
    const exp = now.getTime() + ACCESS_TOKEN_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ sub: userId, sid: sessionId, exp })).toString('base64url');
    return { token: `sd1.${payload}.${sign(payload)}`, expiresAt: new Date(exp).toISOString() };
  }

  async function storeRefresh(tx: Sql, userId: string, familyId: string, now: Date): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await tx.query(
      `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), familyId, userId, hashToken(token), new Date(now.getTime() + REFRESH_TOKEN_TTL_MS), now],
    );
    return token;
  }

  return {
    async issue(tx, userId, now) {
      const familyId = randomUUID();
      const refreshToken = await storeRefresh(tx, userId, familyId, now);
      const access = accessToken(userId, familyId, now);
      return { accessToken: access.token, refreshToken, expiresAt: access.expiresAt };
    },

    async refresh(tx, refreshToken, now) {
      const [row] = await tx.query<{ id: string; family_id: string; user_id: string; expires_at: Date; rotated_at: Date | null; revoked_at: Date | null }>(
        'SELECT id, family_id, user_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
        [hashToken(refreshToken)],
      );
      if (row === undefined) return { ok: false, reason: 'unknown' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.rotated_at !== null) {
        await this.revokeSession(tx, row.family_id, now);
        return { ok: false, reason: 'reused' };
      }
      if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      await tx.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1', [row.id, now]);
      const next = await storeRefresh(tx, row.user_id, row.family_id, now);
      const access = accessToken(row.user_id, row.family_id, now);
      return { ok: true, userId: row.user_id, tokens: { accessToken: access.token, refreshToken: next, expiresAt: access.expiresAt } };
    },

    async revokeSession(tx, sessionId, now) {
      await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [sessionId, now]);
    },

    verifyAccess(token, now) {
      const [prefix, payload, signature] = token.split('.');
      if (prefix !== 'sd1' || payload === undefined || signature === undefined) return null;
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      const claims = claimsSchema.safeParse(json);
      if (!claims.success || claims.data.exp <= now.getTime()) return null;
      return claims.data;
    },
  };
}
