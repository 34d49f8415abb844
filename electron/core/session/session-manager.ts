import { randomUUID } from 'node:crypto';
import { isSeatdeskError, SeatdeskError, validationErrorFromZod } from '@shared/errors';
import { signInSchema, type SessionStatus } from '@shared/ipc/channels';
import type { z } from 'zod';
import { createAuthorizedApi, type AuthorizedApi, type SyncTransportShape } from '../api/authorized';
import { createApiClient, type ApiClient } from '../api/client';
import { DEFAULT_TIMEOUT_MS, normalizeServiceUrl, withoutSecret } from '../api/http';
import type { LoginResponse, MeResponse } from '../api/schemas';
import type { EventBus } from '../events/event-bus';
import { sessionAccount, type SecretStore } from '../secrets/secret-store';
import { accountDatabaseFile, deleteSessionFile, readSessionFile, writeSessionFile, type SessionFile } from './session-file';

/** An access token this close to its expiry is refreshed before use. */
export const REFRESH_MARGIN_MS = 60_000;
/** Signing out must not hang on a dead network: the courtesy logout gets at most this long. */
const LOGOUT_TIMEOUT_MS = 5_000;

export type SignInInput = z.input<typeof signInSchema>;

export interface SessionManagerOptions {
  /** The app's data folder: session.json and accounts/*.sqlite live here. */
  dataDir: string;
  /** Where the refresh token lives; nothing else ever holds it on disk. */
  secretStore: SecretStore;
  /** Offered on the sign-in screen while signed out. */
  defaultServiceUrl: string | null;
  /** Receives {type: 'session.changed'} whenever status() changes. */
  events?: Pick<EventBus, 'emit'>;
  /** The clock used to judge access-token expiry. */
  now?: () => Date;
  /** Per request to the service (default 15 s). */
  timeoutMs?: number;
}

/** The signed-in account, as the sync engine and the handlers use it. */
export interface ActiveSession {
  readonly serviceUrl: string;
  readonly userId: string;
  readonly email: string;
  readonly orgId: string;
  /** This account's offline cache (dataDir/accounts/<hash>.sqlite; the folder exists). */
  readonly databaseFile: string;
  /** False once this session was signed out, replaced or revoked; its calls then fail with UNAUTHENTICATED. */
  isActive(): boolean;
  /** A valid access token (refreshed first when it expires within a minute). */
  accessToken(): Promise<string>;
  /** GET /v1/me. */
  me(): Promise<MeResponse>;
  /** pull / push / pokes for the sync engine, bound to this account: they never run with another account's token. */
  readonly transport: SyncTransportShape;
}

export interface SessionManager {
  status(): SessionStatus;
  /** On start: session.json plus its secret in the keychain → signed in (no network needed). */
  restore(): Promise<SessionStatus>;
  signIn(input: SignInInput): Promise<SessionStatus>;
  /** Logs out on the service when reachable, forgets the secret and session.json; keeps the account's cache. */
  signOut(): Promise<SessionStatus>;
  current(): ActiveSession | null;
  /** current()'s, or UNAUTHENTICATED when signed out. */
  accessToken(): Promise<string>;
  me(): Promise<MeResponse>;
  transport(): SyncTransportShape;
}

interface AccessToken {
  token: string;
  expiresAtMs: number;
}

interface LiveSession extends ActiveSession {
  readonly secretAccount: string;
  /** Ends the session: optionally a logout on the service first, then the secret and session.json go. */
  close(options: { logout: boolean }): Promise<void>;
}

const signedOutError = () => new SeatdeskError('UNAUTHENTICATED', 'You are signed out. Sign in to continue.');

/** session.json with the client id every refresh presents. */
type AccountFile = SessionFile & { clientId: string };

/**
 * Only the service saying so ends a session: a refresh answered 401 with details.sessionEnded
 * (revoked, expired, reused, user deactivated). A bare 401 (a proxy's page) is not that answer.
 */
function sessionEnded(error: unknown): boolean {
  if (!isSeatdeskError(error) || error.code !== 'UNAUTHENTICATED') return false;
  const details = error.details;
  return typeof details === 'object' && details !== null && (details as { sessionEnded?: unknown }).sessionEnded === true;
}

/**
 * The desktop session. Refresh tokens rotate and reusing one (outside the service's grace window
 * for the same client) revokes the whole family, so every refresh of a session goes through one
 * promise: concurrent callers share it, never race it.
 * restore() is lazy: it trusts session.json and the keychain, and the first call refreshes.
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { dataDir, secretStore } = options;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let active: LiveSession | null = null;

  // signIn, signOut and restore run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  function serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  const changed = () => options.events?.emit({ type: 'session.changed' });

  /** Keychain failures as a SeatdeskError whose message never carries the secret. */
  async function keychain<T>(action: string, task: () => Promise<T>, secret?: string): Promise<T> {
    try {
      return await task();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const safe = secret === undefined || secret === '' ? reason : reason.replaceAll(secret, '[redacted]');
      throw new SeatdeskError('INTERNAL', `Seatdesk could not ${action} in the system keychain (${safe}).`);
    }
  }

  function startSession(account: AccountFile, initial: AccessToken | null): LiveSession {
    const api = createApiClient(account.serviceUrl, { timeoutMs });
    const quickApi = createApiClient(account.serviceUrl, { timeoutMs: Math.min(timeoutMs, LOGOUT_TIMEOUT_MS) });
    const secretAccount = sessionAccount(account.serviceUrl, account.userId);
    let access = initial;
    let refreshing: Promise<string> | null = null;
    /** A successor the keychain would not take: the live refresh token until it is saved. */
    let unsaved: string | null = null;
    /** signOut (or a new sign-in) has begun: no new calls. */
    let closing = false;
    /** The secret is gone; nothing more happens in this session. */
    let ended = false;

    const usable = (token: AccessToken | null): token is AccessToken =>
      token !== null && token.expiresAtMs - REFRESH_MARGIN_MS > now().getTime();

    /**
     * One refresh. Crash-safe in every step: until the successor is in the keychain, the keychain
     * holds the token just presented, and presenting it again (same clientId, within the service's
     * grace window) answers the same successor; so the new access token is used only after the
     * keychain has the new refresh token. Only a definite "session ended" signs out.
     */
    async function rotate(client: ApiClient): Promise<string> {
      const refreshToken = unsaved ?? (await keychain('read the saved session', () => secretStore.get(secretAccount)));
      if (ended) throw signedOutError();
      if (refreshToken === null) {
        await end();
        throw new SeatdeskError('UNAUTHENTICATED', 'The saved session is no longer in the system keychain. Sign in again.');
      }
      let answer: LoginResponse;
      try {
        answer = await client.refresh(refreshToken, account.clientId);
      } catch (error) {
        if (sessionEnded(error)) {
          // Revoked, expired, reused or the user deactivated: sign out, keep the account's data.
          await end();
          throw new SeatdeskError('UNAUTHENTICATED', 'Your session has ended on the billing service. Sign in again to continue.');
        }
        if (isSeatdeskError(error) && error.code === 'UNAUTHENTICATED') {
          // A 401 that does not say the session ended: still signed in; the next call tries again.
          throw new SeatdeskError('INTERNAL', 'The billing service refused to renew the session without saying why. Seatdesk will try again.', {
            status: 401,
            retryable: true,
          });
        }
        // OFFLINE (the answer may have been lost), RATE_LIMITED, INTERNAL: still signed in; the next call tries again.
        throw withoutSecret(error, refreshToken);
      }
      if (ended) {
        await client.logout(answer.accessToken).catch(() => undefined);
        throw signedOutError();
      }
      try {
        await keychain('save the session', () => secretStore.set(secretAccount, answer.refreshToken), answer.refreshToken);
      } catch (error) {
        // The old token is spent; keep the live one in memory and save it on the next refresh.
        unsaved = answer.refreshToken;
        throw error;
      }
      unsaved = null;
      access = { token: answer.accessToken, expiresAtMs: Date.parse(answer.expiresAt) };
      return answer.accessToken;
    }

    function refreshOnce(client: ApiClient = api): Promise<string> {
      if (refreshing === null) {
        const run = rotate(client);
        refreshing = run;
        const clear = () => {
          if (refreshing === run) refreshing = null;
        };
        run.then(clear, clear);
      }
      return refreshing;
    }

    async function end(): Promise<void> {
      if (ended) return;
      ended = true;
      access = null;
      // A newer session of the same account owns the keychain entry and session.json now.
      const replaced = active !== null && active !== self;
      if (!replaced || active?.secretAccount !== secretAccount) {
        await secretStore.delete(secretAccount).catch(() => false);
      }
      if (!replaced) {
        await deleteSessionFile(dataDir).catch(() => undefined);
        if (active === self) {
          active = null;
          changed();
        }
      }
    }

    const tokens = {
      async current() {
        if (closing || ended) throw signedOutError();
        return usable(access) ? access.token : refreshOnce();
      },
      async renew(rejected: string) {
        if (closing || ended) throw signedOutError();
        // Another caller may have refreshed while this call was out: use its token.
        if (usable(access) && access.token !== rejected) return access.token;
        if (access?.token === rejected) access = null;
        return refreshOnce();
      },
    };
    const authorized: AuthorizedApi = createAuthorizedApi(api, tokens);

    const self: LiveSession = {
      serviceUrl: account.serviceUrl,
      userId: account.userId,
      email: account.email,
      orgId: account.orgId,
      databaseFile: accountDatabaseFile(dataDir, account.serviceUrl, account.userId),
      secretAccount,
      isActive: () => !closing && !ended,
      accessToken: () => tokens.current(),
      me: () => authorized.me(),
      transport: { pull: authorized.pull, push: authorized.push, pokes: authorized.pokes },
      async close({ logout }) {
        if (closing || ended) return;
        closing = true;
        // A refresh in flight rotates the token: wait, so the logout revokes the current family.
        if (refreshing !== null) await refreshing.catch(() => undefined);
        if (ended) return;
        if (logout) {
          try {
            const token = usable(access) ? access.token : await refreshOnce(quickApi);
            await quickApi.logout(token);
          } catch {
            // Offline or already revoked: signing out locally is what matters.
          }
        }
        await end();
      },
    };
    return self;
  }

  function status(): SessionStatus {
    if (active === null) return { state: 'signed-out', defaultServiceUrl: options.defaultServiceUrl };
    return { state: 'signed-in', serviceUrl: active.serviceUrl, userId: active.userId, email: active.email };
  }

  function currentOrThrow(): ActiveSession {
    if (active === null) throw signedOutError();
    return active;
  }

  return {
    status,

    restore: () =>
      serialize(async () => {
        if (active !== null) return status();
        const file = await readSessionFile(dataDir).catch(() => null);
        if (file === null) return status();
        let secret: string | null;
        try {
          secret = await secretStore.get(sessionAccount(file.serviceUrl, file.userId));
        } catch {
          // The keychain is locked or unavailable: signed out for now, but keep session.json for the next start.
          return status();
        }
        if (secret === null) {
          await deleteSessionFile(dataDir);
          return status();
        }
        let account: AccountFile;
        if (file.clientId === undefined) {
          // A session.json from before client ids: give it one, saved before any refresh presents it.
          account = { ...file, clientId: randomUUID() };
          await writeSessionFile(dataDir, account).catch(() => undefined);
        } else {
          account = { ...file, clientId: file.clientId };
        }
        active = startSession(account, null);
        changed();
        return status();
      }),

    signIn(input) {
      const parsed = signInSchema.safeParse(input);
      if (!parsed.success) return Promise.reject(validationErrorFromZod(parsed.error));
      let serviceUrl: string;
      try {
        serviceUrl = normalizeServiceUrl(parsed.data.serviceUrl);
      } catch (error) {
        return Promise.reject(error);
      }
      const { email, password } = parsed.data;
      return serialize(async () => {
        const api = createApiClient(serviceUrl, { timeoutMs });
        // A refused sign-in throws here, before anything is stored or the current session is touched.
        const answer = await api.login({ email, password });
        const account: AccountFile = {
          version: 1,
          serviceUrl,
          userId: answer.user.id,
          email: answer.user.email,
          orgId: answer.user.orgId,
          clientId: randomUUID(),
        };
        if (active !== null) await active.close({ logout: true });
        const secretAccount = sessionAccount(serviceUrl, account.userId);
        try {
          await keychain('save the session', () => secretStore.set(secretAccount, answer.refreshToken), answer.refreshToken);
          await writeSessionFile(dataDir, account);
        } catch (error) {
          // Nothing half-stored: no secret without session.json, and the service forgets the session too.
          await secretStore.delete(secretAccount).catch(() => false);
          await deleteSessionFile(dataDir).catch(() => undefined);
          await api.logout(answer.accessToken).catch(() => undefined);
          throw withoutSecret(error, answer.refreshToken);
        }
        active = startSession(account, { token: answer.accessToken, expiresAtMs: Date.parse(answer.expiresAt) });
        changed();
        return status();
      });
    },

    signOut: () =>
      serialize(async () => {
        if (active !== null) await active.close({ logout: true });
        return status();
      }),

    current: () => active,
    accessToken: async () => currentOrThrow().accessToken(),
    me: async () => currentOrThrow().me(),
    transport: () => currentOrThrow().transport,
  };
}
