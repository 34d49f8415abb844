import {
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '@shared/sync/protocol';
import { validationErrorFromZod } from '@shared/errors';
import { DEFAULT_EVENTS_IDLE_MS, openPokeStream } from './events';
import { DEFAULT_TIMEOUT_MS, normalizeServiceUrl, requestBytes, requestJson, withoutSecret } from './http';
import {
  healthzResponseSchema,
  loginResponseSchema,
  logoutResponseSchema,
  meResponseSchema,
  type Healthz,
  type LoginResponse,
  type MeResponse,
} from './schemas';

export interface ApiClientOptions {
  /** Per request, body included (default 15 s); for the event stream, until it opens. */
  timeoutMs?: number;
  /** Silence after which the event stream counts as broken (default 60 s; the service writes every 25 s). */
  eventsIdleMs?: number;
}

/** GET /v1/sync/pull's query; limit defaults to the service's 500. */
export interface PullParams {
  cursor: number;
  limit?: number;
  clientId: string;
}

/**
 * The v1 API, one method per route the desktop uses. Stateless: the caller passes the access
 * token (see authorized.ts for the client that keeps and refreshes it). Every answer is parsed
 * with zod; every failure is a SeatdeskError (see http.ts for the mapping).
 */
export interface ApiClient {
  /** The service origin every request goes to. */
  readonly serviceUrl: string;
  healthz(): Promise<Healthz>;
  login(credentials: { email: string; password: string }): Promise<LoginResponse>;
  /**
   * Rotates the refresh token. With this install's clientId, presenting the same token again
   * within the service's grace window (a lost answer) gets the same successor; without one, or
   * later, a second try revokes the session.
   */
  refresh(refreshToken: string, clientId?: string): Promise<LoginResponse>;
  logout(accessToken: string): Promise<void>;
  me(accessToken: string): Promise<MeResponse>;
  pull(accessToken: string, query: PullParams): Promise<PullResponse>;
  /** The same page as pull, its body undecoded: the writer thread decodes it and parses it with pullResponseSchema. */
  pullBytes(accessToken: string, query: PullParams): Promise<Uint8Array>;
  push(accessToken: string, request: PushRequest): Promise<PushResponse>;
  /** Opens the event stream; rejects when it cannot (OFFLINE, UNAUTHENTICATED, ...). */
  openPokes(accessToken: string, signal: AbortSignal): Promise<AsyncIterable<void>>;
  /**
   * One item when the stream opens, then one per poke; ends when the signal aborts or the stream
   * breaks. Opening errors (OFFLINE, UNAUTHENTICATED, ...) are thrown by the first next().
   */
  pokes(accessToken: string, signal: AbortSignal): AsyncIterable<void>;
}

export function createApiClient(serviceUrl: string, options: ApiClientOptions = {}): ApiClient {
  const origin = normalizeServiceUrl(serviceUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleMs = options.eventsIdleMs ?? DEFAULT_EVENTS_IDLE_MS;

  const openPokes = (token: string, signal: AbortSignal) =>
    openPokeStream({ serviceUrl: origin, token, signal, connectTimeoutMs: timeoutMs, idleMs });

  return {
    serviceUrl: origin,

    healthz: () => requestJson(origin, timeoutMs, { method: 'GET', path: '/healthz', response: healthzResponseSchema }),

    async login({ email, password }) {
      try {
        return await requestJson(origin, timeoutMs, {
          method: 'POST',
          path: '/v1/auth/login',
          body: { email, password },
          response: loginResponseSchema,
        });
      } catch (error) {
        throw withoutSecret(error, password);
      }
    },

    async refresh(refreshToken, clientId) {
      try {
        return await requestJson(origin, timeoutMs, {
          method: 'POST',
          path: '/v1/auth/refresh',
          body: clientId === undefined ? { refreshToken } : { refreshToken, clientId },
          response: loginResponseSchema,
        });
      } catch (error) {
        throw withoutSecret(error, refreshToken);
      }
    },

    async logout(accessToken) {
      await requestJson(origin, timeoutMs, { method: 'POST', path: '/v1/auth/logout', token: accessToken, response: logoutResponseSchema });
    },

    me: (accessToken) => requestJson(origin, timeoutMs, { method: 'GET', path: '/v1/me', token: accessToken, response: meResponseSchema }),

    pull(accessToken, params) {
      const query = pullQuerySchema.safeParse(params);
      if (!query.success) return Promise.reject(validationErrorFromZod(query.error));
      return requestJson(origin, timeoutMs, {
        method: 'GET',
        path: '/v1/sync/pull',
        query: query.data,
        token: accessToken,
        response: pullResponseSchema,
      });
    },

    pullBytes(accessToken, params) {
      const query = pullQuerySchema.safeParse(params);
      if (!query.success) return Promise.reject(validationErrorFromZod(query.error));
      return requestBytes(origin, timeoutMs, { method: 'GET', path: '/v1/sync/pull', query: query.data, token: accessToken });
    },

    push(accessToken, request) {
      const body = pushRequestSchema.safeParse(request);
      if (!body.success) return Promise.reject(validationErrorFromZod(body.error));
      return requestJson(origin, timeoutMs, {
        method: 'POST',
        path: '/v1/sync/push',
        body: body.data,
        token: accessToken,
        response: pushResponseSchema,
      });
    },

    openPokes,

    async *pokes(accessToken, signal) {
      yield* await openPokes(accessToken, signal);
    },
  };
}
