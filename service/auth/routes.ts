import { z } from 'zod';
import { SeatdeskError } from '@shared/errors';
import { emailKey } from '@shared/email';
import { text, trimmedText } from '@shared/text';
import type { User } from '@shared/domain/user';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import { loginResponseSchema, logoutResponseSchema, meResponseSchema } from '@shared/api/session';
import { uuidSchema } from '@shared/domain/ids';
import type { ServiceDeps } from '../deps';
import { defineRoute } from '../http/route';
import { toUser, type Row } from '../db/rows';
import { providerTreeOf } from '../db/trees';
import { permissionsAndScope } from './actor';
import { LOGIN_PASSWORD_CHECKS, verifyLogin } from './passwords';

/** The session answers, shared with the desktop's client (shared/api/session.ts). */
export const sessionResponseSchema = loginResponseSchema;

const BAD_LOGIN = 'The email or password is not right.';

/** "45 seconds", "3 minutes": how long a refused sign-in waits, in the message. */
function waitInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * The active account with this email whose password matches, or null. The cost is the same for
 * an email with no, one or many accounts (verifyLogin); with more than it checks, the most
 * recently active accounts are the ones checked.
 */
async function checkPassword(deps: ServiceDeps, account: string, password: string): Promise<User | null> {
  const candidates = await deps.store.query<Row>(
    "SELECT * FROM users WHERE email_key = $1 AND status = 'active' ORDER BY last_active_at DESC NULLS LAST, created_at LIMIT $2",
    [account, LOGIN_PASSWORD_CHECKS],
  );
  const hashes = candidates.map((row) => (typeof row['password_hash'] === 'string' ? row['password_hash'] : null));
  const index = await verifyLogin(deps.passwords, hashes, password);
  return index === null ? null : toUser(candidates[index]!);
}

export const authRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/auth/login',
    summary: 'Sign in with email and password',
    tag: 'auth',
    auth: 'none',
    body: z.strictObject({ email: trimmedText('Email addresses').min(1).max(254), password: text('Passwords').min(1).max(1024) }),
    response: sessionResponseSchema,
    errors: ['UNAUTHENTICATED', 'RATE_LIMITED'],
    handler: async ({ body, deps, request, reply }) => {
      const now = deps.now();
      const key = { account: emailKey(body.email), address: request.ip };
      const decision = await deps.loginLimiter.attempt(key, now.getTime());
      if (!decision.allowed) {
        const seconds = decision.retryAfterSeconds;
        void reply.header('retry-after', String(seconds));
        throw new SeatdeskError('RATE_LIMITED', `Too many sign-in attempts. Try again in ${waitInWords(seconds)}.`, { retryAfterSeconds: seconds });
      }
      let user: User | null;
      try {
        user = await checkPassword(deps, key.account, body.password);
      } catch (error) {
        await deps.loginLimiter.released(key, now.getTime());
        throw error;
      }
      if (user === null) {
        await deps.loginLimiter.failed(key, now.getTime());
        throw new SeatdeskError('UNAUTHENTICATED', BAD_LOGIN);
      }
      await deps.loginLimiter.succeeded(key, now.getTime());
      const signedIn = user;
      // last_active_at is a synced column: the write is in the user's provider tree.
      const tokens = await deps.store.write(async (tx) => {
        await tx.query('UPDATE users SET last_active_at = $2 WHERE id = $1', [signedIn.id, now]);
        return deps.tokens.issue(tx, signedIn.id, now);
      }, [await providerTreeOf(deps.store, signedIn.orgId)]);
      return { ...tokens, user: signedIn };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/auth/refresh',
    summary:
      'Rotate the refresh token. The same client (clientId) presenting a just-rotated token again within 60 s, before its successor was used, gets that successor again; any other reuse revokes the session',
    tag: 'auth',
    auth: 'none',
    body: z.strictObject({
      refreshToken: z.string().min(1).max(200),
      /** The install's id: only the client that rotated a token gets the grace window for it. */
      clientId: uuidSchema.optional(),
    }),
    response: sessionResponseSchema,
    errors: ['UNAUTHENTICATED'],
    handler: async ({ body, deps }) => {
      const now = deps.now();
      const result = await deps.store.write(async (tx) => {
        const refreshed = await deps.tokens.refresh(tx, body.refreshToken, now, body.clientId ?? null);
        if (!refreshed.ok) return refreshed;
        const [row] = await tx.query<Row>("SELECT * FROM users WHERE id = $1 AND status = 'active'", [refreshed.userId]);
        return { ...refreshed, row };
      }, []);
      // details.sessionEnded: a definite answer, which the desktop signs out on (a bare 401 from a proxy is not one).
      if (!result.ok || result.row === undefined) {
        throw new SeatdeskError('UNAUTHENTICATED', 'The session has ended. Sign in again.', { sessionEnded: true });
      }
      return { ...result.tokens, user: toUser(result.row) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/auth/logout',
    summary: 'End this session',
    tag: 'auth',
    auth: 'bearer',
    response: logoutResponseSchema,
    handler: async ({ actor, deps }) => {
      await deps.store.write((tx) => deps.tokens.revokeSession(tx, actor.sessionId, deps.now()), []);
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/me',
    summary: 'The signed-in user and the organizations in scope',
    tag: 'auth',
    auth: 'bearer',
    response: meResponseSchema,
    handler: async ({ actor, deps }) => {
      const { permissions } = await permissionsAndScope(deps.store, actor.user);
      const orgs = await deps.store.query<{ id: string; name: string; kind: string; parent_id: string | null }>(
        'SELECT id, name, kind, parent_id FROM orgs WHERE id = ANY ($1::uuid[]) ORDER BY name',
        [[...actor.scope]],
      );
      return {
        user: actor.user,
        schemaVersion: SCHEMA_VERSION,
        orgs: orgs.map((o) => ({ id: o.id, name: o.name, kind: o.kind, parentId: o.parent_id, permissions })),
      };
    },
  }),
];
