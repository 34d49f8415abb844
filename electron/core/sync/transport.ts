import { ERROR_CODES, SeatdeskError, apiErrorBodySchema } from '@shared/errors';
import type { PullResponse, PushRequest, PushResponse } from '@shared/sync/protocol';

/**
 * How the sync engine talks to the billing service. Implementations throw SeatdeskError only:
 * OFFLINE (the service could not be reached), RATE_LIMITED (details.retryAfterMs when the service
 * said), INTERNAL (5xx), UNAUTHENTICATED (after the session layer could not refresh),
 * SCHEMA_MISMATCH (the service speaks another protocol version, or answered a shape this app
 * cannot read), or the service's own code for other refusals (409 INVALID_TRANSITION with
 * details.reason 'gap' and details.expected, PAYLOAD_TOO_LARGE, FORBIDDEN, ...).
 */
export interface SyncTransport {
  pull(query: { cursor: number; limit: number; clientId: string }): Promise<PullResponse>;
  push(request: PushRequest): Promise<PushResponse>;
  /**
   * Yields once when the event stream (re)connects, so the engine catches up on what it missed,
   * then once per poke. Ends (or throws) when the stream drops; the engine reconnects with
   * backoff. Stops when the signal aborts.
   */
  pokes(signal: AbortSignal): AsyncIterable<void>;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: Date = new Date()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The SeatdeskError an HTTP answer means, for transports to share: the service's own error body
 * where it sent one, else a code from the status (5xx INTERNAL, 429 RATE_LIMITED, 401
 * UNAUTHENTICATED).
 */
export function errorFromResponse(status: number, body: unknown, retryAfter?: string | null): SeatdeskError {
  const parsed = apiErrorBodySchema.safeParse(body);
  if (status === 429) {
    const ms = retryAfterMs(retryAfter);
    return new SeatdeskError('RATE_LIMITED', parsed.success ? parsed.data.error.message : undefined, ms === undefined ? undefined : { retryAfterMs: ms });
  }
  if (status === 401) return new SeatdeskError('UNAUTHENTICATED', parsed.success ? parsed.data.error.message : undefined);
  if (status >= 500) {
    return new SeatdeskError('INTERNAL', parsed.success ? parsed.data.error.message : `The billing service answered ${status}. ${ERROR_CODES.INTERNAL.summary}`, { status });
  }
  if (parsed.success) return new SeatdeskError(parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  return new SeatdeskError('INTERNAL', `The billing service answered ${status} with a body this app cannot read.`, { status });
}

/** A request that never got an answer (refused, reset, DNS, timeout). */
export function offlineError(cause: unknown): SeatdeskError {
  return new SeatdeskError('OFFLINE', undefined, undefined, { cause });
}

/** A 2xx answer whose body does not have the protocol's shape. */
export function unreadableAnswer(what: string, cause: unknown): SeatdeskError {
  return new SeatdeskError('SCHEMA_MISMATCH', `The billing service's ${what} answer does not match this version of Seatdesk.`, undefined, { cause });
}
