import { isSeatdeskError } from '@shared/errors';
import type { PullResponse, PushRequest, PushResponse } from '@shared/sync/protocol';
import type { ApiClient, PullParams } from './client';
import type { MeResponse } from './schemas';

/**
 * What the sync engine needs from the network. Structurally the same as SyncTransport in
 * electron/core/sync/transport.ts (declared there by the sync engine; not imported here).
 */
export interface SyncTransportShape {
  pull(query: PullParams): Promise<PullResponse>;
  pullBytes?(query: PullParams): Promise<Uint8Array>;
  push(request: PushRequest): Promise<PushResponse>;
  /** One item on (re)connecting, then one per poke; ends when the signal aborts or the stream breaks (then reconnect). */
  pokes(signal: AbortSignal): AsyncIterable<void>;
}

/** Where an authorized client gets its access token (the session manager). */
export interface AccessTokenSource {
  /** A usable access token, refreshed first when it is about to expire. */
  current(): Promise<string>;
  /** The service refused `rejected` with 401: a fresh token (one shared refresh), or a thrown error. */
  renew(rejected: string): Promise<string>;
}

export interface AuthorizedApi extends SyncTransportShape {
  me(): Promise<MeResponse>;
  /** Ends this session on the service (its whole refresh-token family). */
  logout(): Promise<void>;
}

/** The API with the session's token: on a 401 the token is renewed once and the call retried once. */
export function createAuthorizedApi(api: ApiClient, tokens: AccessTokenSource): AuthorizedApi {
  async function authorized<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await tokens.current();
    try {
      return await call(token);
    } catch (error) {
      if (!isSeatdeskError(error) || error.code !== 'UNAUTHENTICATED') throw error;
      return call(await tokens.renew(token));
    }
  }

  return {
    me: () => authorized((token) => api.me(token)),
    pull: (query) => authorized((token) => api.pull(token, query)),
    pullBytes: (query) => authorized((token) => api.pullBytes(token, query)),
    push: (request) => authorized((token) => api.push(token, request)),
    async *pokes(signal) {
      if (signal.aborted) return;
      yield* await authorized((token) => api.openPokes(token, signal));
    },
    logout: () => tokens.current().then((token) => api.logout(token)),
  };
}
