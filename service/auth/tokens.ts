import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/store';

export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * A just-rotated refresh token presented again by the client that rotated it, before its
 * successor was used, answers the same successor: the first answer was lost (a dropped
 * connection, or the app killed before it saved the token), not stolen. There is no time bound:
 * an app killed between the answer and the keychain write may be started again days later, and
 * "successor unused, same client" already tells a lost answer from a second holder (a thief
 * presents another client id, or uses the successor, and either revokes the family).
 */

const claimsSchema = z.object({ sub: z.string(), sid: z.string(), exp: z.number() });
export type AccessClaims = z.infer<typeof claimsSchema>;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}

export type RefreshResult =
  /** replayed: the grace window answered the successor a previous rotation already issued. */
  | { ok: true; userId: string; tokens: IssuedTokens; replayed: boolean }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

export interface TokenService {
  /** Starts a session (a refresh-token family) for a user. */
  issue(tx: Sql, userId: string, now: Date): Promise<IssuedTokens>;
  /**
   * Rotates a refresh token. An already-rotated one answers its successor again when the same
   * client (clientId) presents it while the successor is unused; any other
   * reuse revokes the whole family. Without a clientId there is no grace.
   */
  refresh(tx: Sql, refreshToken: string, now: Date, clientId?: string | null): Promise<RefreshResult>;
  revokeSession(tx: Sql, sessionId: string, now: Date): Promise<void>;
  verifyAccess(token: string, now: Date): AccessClaims | null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/*
 * How the grace window answers "the same successor" when tokens are stored only as hashes: at
 * rotation the successor is sealed (AES-256-GCM) under a key derived (HKDF) from the presented
 * token itself, and kept on the rotated row. Only whoever presents the old token can open it, so
 * the database alone reveals no usable token, and any instance can answer the replay without a
 * shared secret or surviving a restart (an HMAC of the token under the service secret would stop
 * working whenever that secret is not configured and the service restarts).
 */
const SEAL_SALT = Buffer.from('seatdesk refresh successor v1');

function sealKey(presented: string, rowId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(presented, 'utf8'), SEAL_SALT, Buffer.from(rowId, 'utf8'), 32));
}

function sealSuccessor(presented: string, rowId: string, successor: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(presented, rowId), iv);
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function openSuccessor(presented: string, rowId: string, sealed: string): string | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(presented, rowId), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

interface RefreshRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
  rotated_by_client: string | null;
  successor_id: string | null;
  successor_sealed: string | null;
}

/**
 * Access tokens are short-lived HMAC-signed claims (no database read to check the signature);
 * refresh tokens are random, stored only as hashes, rotated on use.
 */
export function createTokenService(secret: Buffer = randomBytes(32)): TokenService {
  // One key object for every signature (a Buffer key is prepared again on each createHmac).
  const key = createSecretKey(secret);
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  function accessToken(userId: string, sessionId: string, now: Date): { token: string; expiresAt: string } {
    const exp = now.getTime() + ACCESS_TOKEN_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ sub: userId, sid: sessionId, exp })).toString('base64url');
    return { token: `sd1.${payload}.${sign(payload)}`, expiresAt: new Date(exp).toISOString() };
  }

  async function storeRefresh(tx: Sql, userId: string, familyId: string, now: Date): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    await tx.query(
      `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, familyId, userId, hashToken(token), new Date(now.getTime() + REFRESH_TOKEN_TTL_MS), now],
    );
    return { id, token };
  }

  const answer = (row: RefreshRow, refreshToken: string, now: Date, replayed: boolean): RefreshResult => {
    const access = accessToken(row.user_id, row.family_id, now);
    return { ok: true, userId: row.user_id, replayed, tokens: { accessToken: access.token, refreshToken, expiresAt: access.expiresAt } };
  };

  /** The successor a previous rotation issued, when this presentation is a replay the grace window allows. */
  async function graceSuccessor(tx: Sql, row: RefreshRow, presented: string, clientId: string | null, now: Date): Promise<string | null> {
    if (clientId === null || row.rotated_by_client === null || row.rotated_by_client !== clientId) return null;
    if (row.rotated_at === null) return null;
    if (row.successor_id === null || row.successor_sealed === null) return null;
    const [successor] = await tx.query<{ token_hash: string; rotated_at: Date | null; revoked_at: Date | null; expires_at: Date }>(
      'SELECT token_hash, rotated_at, revoked_at, expires_at FROM refresh_tokens WHERE id = $1',
      [row.successor_id],
    );
    // A used (rotated) successor means two holders of this family: that is theft, not a lost answer.
    if (successor === undefined || successor.rotated_at !== null || successor.revoked_at !== null) return null;
    if (new Date(successor.expires_at).getTime() <= now.getTime()) return null;
    const token = openSuccessor(presented, row.id, row.successor_sealed);
    return token !== null && hashToken(token) === successor.token_hash ? token : null;
  }

  return {
    async issue(tx, userId, now) {
      const familyId = randomUUID();
      const refresh = await storeRefresh(tx, userId, familyId, now);
      const access = accessToken(userId, familyId, now);
      return { accessToken: access.token, refreshToken: refresh.token, expiresAt: access.expiresAt };
    },

    async refresh(tx, refreshToken, now, clientId = null) {
      // FOR UPDATE: a concurrent refresh with the same token waits here, then sees the rotation and takes the grace path.
      const [row] = await tx.query<RefreshRow>(
        `SELECT id, family_id, user_id, expires_at, rotated_at, revoked_at, rotated_by_client, successor_id, successor_sealed
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [hashToken(refreshToken)],
      );
      if (row === undefined) return { ok: false, reason: 'unknown' };
      if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (row.rotated_at !== null) {
        const successor = await graceSuccessor(tx, row, refreshToken, clientId, now);
        if (successor !== null) return answer(row, successor, now, true);
        await this.revokeSession(tx, row.family_id, now);
        return { ok: false, reason: 'reused' };
      }
      if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      const next = await storeRefresh(tx, row.user_id, row.family_id, now);
      await tx.query(
        'UPDATE refresh_tokens SET rotated_at = $2, rotated_by_client = $3, successor_id = $4, successor_sealed = $5 WHERE id = $1',
        [row.id, now, clientId, next.id, clientId === null ? null : sealSuccessor(refreshToken, row.id, next.token)],
      );
      return answer(row, next.token, now, false);
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
