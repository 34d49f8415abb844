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
  /**
   * Optional: the same page with its body undecoded, for the writer thread to decode, parse and
   * check with pullResponseSchema off the event loop (a 1,000-row page is ~0.5 MB of JSON, and
   * only decoding it into a string stalled the event loop for up to 30 ms). The bytes are
   * transferred to the thread: they must not be used after. Same errors as pull.
   */
  pullBytes?(query: { cursor: number; limit: number; clientId: string }): Promise<Uint8Array>;
  push(request: PushRequest): Promise<PushResponse>;
  /**
   * Yields once when the event stream (re)connects, so the engine catches up on what it missed,
   * then once per poke. Ends (or throws) when the stream drops; the engine reconnects with
   * backoff. Stops when the signal aborts.
   */
  pokes(signal: AbortSignal): AsyncIterable<void>;
}
