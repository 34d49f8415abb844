import { SeatdeskError } from '@shared/errors';
import { pullResponseSchema, pushResponseSchema, type PullResponse, type PushResponse } from '@shared/sync/protocol';
import { errorFromAnswer, offlineError as offlineAnswer } from '../../electron/core/api/http';
import type { SyncTransport } from '../../electron/core/sync/transport';

/** A 2xx answer whose body does not have the protocol's shape. */
function unreadableAnswer(what: string, cause: unknown): SeatdeskError {
  return new SeatdeskError('SCHEMA_MISMATCH', `The billing service's ${what} answer does not match this version of Seatdesk.`, undefined, { cause });
}

function staleSocket(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/**
 * A plain fetch SyncTransport with a bearer token, for tests against the real service: answers
 * parsed with the shared zod schemas, failures mapped to SeatdeskError the way the engine expects
 * (OFFLINE, RATE_LIMITED with Retry-After, INTERNAL for 5xx, UNAUTHENTICATED, SCHEMA_MISMATCH
 * for an unreadable answer), and pokes read from the server-sent events of GET /v1/sync/events.
 */
export function fetchSyncTransport(options: { url: string; token: string | (() => string); timeoutMs?: number }): SyncTransport {
  const token = () => (typeof options.token === 'string' ? options.token : options.token());
  const timeoutMs = options.timeoutMs ?? 30_000;
  // The production client's error mapping, so the engine sees the same errors in tests.
  const offlineError = (error: unknown) => offlineAnswer(options.url, error, timeoutMs);

  async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const send = () =>
      fetch(options.url + path, {
        method,
        headers: {
          authorization: `Bearer ${token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      // A pooled keep-alive socket the server closed meanwhile fails at once; one fresh attempt
      // tells that apart from a service that is really gone (both requests are safe to repeat:
      // a pull reads, and a push is exactly-once by mutation id).
      if (!staleSocket(error)) throw offlineError(error);
      try {
        response = await send();
      } catch (again) {
        throw offlineError(again);
      }
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw offlineError(error);
    }
    let json: unknown = null;
    try {
      json = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      if (response.ok) throw unreadableAnswer(path, new Error('not JSON'));
    }
    if (!response.ok) throw errorFromAnswer(response.status, json, response.headers.get('retry-after'));
    return json;
  }

  const pullPath = (query: { cursor: number; limit: number; clientId: string }) =>
    `/v1/sync/pull?${new URLSearchParams({ cursor: String(query.cursor), limit: String(query.limit), clientId: query.clientId })}`;

  return {
    // Unchecked, for the writer thread to decode and check (its JSON re-serialized: the same values).
    pullBytes: async (query) => new TextEncoder().encode(JSON.stringify(await request('GET', pullPath(query)))),
    async pull(query): Promise<PullResponse> {
      const parsed = pullResponseSchema.safeParse(await request('GET', pullPath(query)));
      if (!parsed.success) throw unreadableAnswer('pull', parsed.error);
      return parsed.data;
    },
    async push(body): Promise<PushResponse> {
      const parsed = pushResponseSchema.safeParse(await request('POST', '/v1/sync/push', body));
      if (!parsed.success) throw unreadableAnswer('push', parsed.error);
      return parsed.data;
    },
    async *pokes(signal) {
      let response: Response;
      try {
        response = await fetch(`${options.url}/v1/sync/events`, {
          headers: { authorization: `Bearer ${token()}`, accept: 'text/event-stream' },
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw offlineError(error);
      }
      if (!response.ok || response.body === null) {
        const text = await response.text().catch(() => '');
        let json: unknown = null;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          // not JSON: the status decides
        }
        throw errorFromAnswer(response.status, json, response.headers.get('retry-after'));
      }
      // Connected: whatever changed while the stream was down is pulled now.
      yield;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let event: string | null = null;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
            const line = buffer.slice(0, end).replace(/\r$/, '');
            buffer = buffer.slice(end + 1);
            if (line === '') {
              if (event === 'poke') yield;
              event = null;
            } else if (line.startsWith('event:')) {
              event = line.slice('event:'.length).trim();
            }
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error instanceof SeatdeskError ? error : offlineError(error);
      } finally {
        reader.cancel().catch(() => undefined);
      }
    },
  };
}

/** Signs in through the service's login route and answers a transport with that user's token. */
export async function signedInTransport(
  service: { url: string; signIn(email: string): Promise<{ accessToken: string; user: { id: string } }> },
  email: string,
): Promise<{ transport: SyncTransport; token: string; userId: string }> {
  const session = await service.signIn(email);
  return { transport: fetchSyncTransport({ url: service.url, token: session.accessToken }), token: session.accessToken, userId: session.user.id };
}
