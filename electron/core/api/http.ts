import type { z } from 'zod';
import { apiErrorBodySchema, isSeatdeskError, SeatdeskError, type ErrorCode } from '@shared/errors';

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The service address as Seatdesk keeps it: the origin of an http(s) URL ("https://billing.example.com").
 * Anything else is refused with VALIDATION, so a typo never reaches fetch.
 */
export function normalizeServiceUrl(serviceUrl: string): string {
  let url: URL;
  try {
    url = new URL(serviceUrl.trim());
  } catch {
    throw new SeatdeskError('VALIDATION', 'Enter the service address, starting with https://.', [
      { path: 'serviceUrl', message: 'This is not a web address.' },
    ]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SeatdeskError('VALIDATION', 'Enter the service address, starting with https://.', [
      { path: 'serviceUrl', message: `Seatdesk connects over https (or http), not ${url.protocol.replace(/:$/, '')}.` },
    ]);
  }
  return url.origin;
}

/** Whether trying the same request again later can succeed: the sync engine backs off and retries these. */
export function isRetryable(error: unknown): boolean {
  if (!isSeatdeskError(error)) return false;
  if (error.code === 'OFFLINE' || error.code === 'RATE_LIMITED') return true;
  const details = error.details;
  return typeof details === 'object' && details !== null && (details as { retryable?: unknown }).retryable === true;
}

export interface HttpRequest<T> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  token?: string;
  body?: unknown;
  response: z.ZodType<T>;
}

/** Fallback codes for an error answer without the API's error body (a proxy's HTML page, say). */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_TRANSITION',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** What a request sends; `response` parses a 2xx body (requestJson). */
export type HttpSend = Omit<HttpRequest<unknown>, 'response'>;

/**
 * One request to the service, answered with the 2xx body as bytes, undecoded (a large pull page is
 * decoded, parsed and checked where it is applied: decoding 0.5 MB into a string on the event
 * loop stalled it for up to 30 ms), or a SeatdeskError: the service's error body as is; 5xx as
 * INTERNAL with details.retryable; 429 as RATE_LIMITED with the Retry-After header in details
 * (retryAfter, retryAfterSeconds, retryAfterMs); no answer at all (refused, DNS, reset, timeout)
 * as OFFLINE. The bytes own their buffer, so it can be transferred to another thread.
 */
export async function requestBytes(serviceUrl: string, timeoutMs: number, request: HttpSend): Promise<Uint8Array> {
  const url = new URL(request.path, serviceUrl);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';

  let status: number;
  let body: Uint8Array;
  let retryAfter: string | null;
  try {
    // The timeout covers the whole exchange, body included.
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw offlineError(serviceUrl, error, timeoutMs);
  }
  if (status < 200 || status > 299) throw errorFromAnswer(status, parseJson(new TextDecoder().decode(body)), retryAfter);
  return body;
}

/** One request to the service, answered with the 2xx body as text (requestBytes, decoded). */
async function requestText(serviceUrl: string, timeoutMs: number, request: HttpSend): Promise<string> {
  return new TextDecoder().decode(await requestBytes(serviceUrl, timeoutMs, request));
}

/** A 2xx body of the wrong shape: the service speaks another version (the sync transport contract). */
export function unreadableAnswer(what: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): SeatdeskError {
  return new SeatdeskError('SCHEMA_MISMATCH', `The billing service answered ${what} in a form this version of Seatdesk does not understand.`, {
    retryable: false,
    // Paths and zod's messages only: never the received values (they can hold tokens).
    issues: issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

/** One JSON request to the service: requestText, then the body parsed with `request.response` (else SCHEMA_MISMATCH). */
export async function requestJson<T>(serviceUrl: string, timeoutMs: number, request: HttpRequest<T>): Promise<T> {
  const parsed = request.response.safeParse(parseJson(await requestText(serviceUrl, timeoutMs, request)));
  if (!parsed.success) throw unreadableAnswer(`${request.method} ${request.path}`, parsed.error.issues);
  return parsed.data;
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Maps a non-2xx answer (status, parsed body if it was JSON) to the error the app shows. */
export function errorFromAnswer(status: number, json: unknown, retryAfter: string | null): SeatdeskError {
  const body = apiErrorBodySchema.safeParse(json);
  const answered = body.success ? body.data.error : null;
  if (status >= 500) {
    return new SeatdeskError(
      'INTERNAL',
      answered?.message ?? `The billing service failed to answer (HTTP ${status}). Seatdesk will try again.`,
      { status, retryable: true },
    );
  }
  if (status === 429) {
    const seconds = retryAfterSeconds(retryAfter);
    return new SeatdeskError('RATE_LIMITED', answered?.message, {
      ...(isPlainObject(answered?.details) ? answered.details : {}),
      status,
      retryable: true,
      ...(retryAfter === null ? {} : { retryAfter }),
      ...(seconds === null ? {} : { retryAfterSeconds: seconds, retryAfterMs: seconds * 1000 }),
    });
  }
  if (answered !== null) return new SeatdeskError(answered.code, answered.message, answered.details);
  return new SeatdeskError(CODE_BY_STATUS[status] ?? 'INTERNAL', undefined, { status });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Retry-After is either delay-seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** fetch failed without an HTTP answer: say, in a sentence, why the service could not be reached. */
export function offlineError(serviceUrl: string, error: unknown, timeoutMs: number): SeatdeskError {
  const reason = offlineReason(error, timeoutMs);
  return new SeatdeskError('OFFLINE', `Seatdesk cannot reach the billing service at ${serviceUrl}: ${reason.text}.`, {
    retryable: true,
    reason: reason.code,
  });
}

function offlineReason(error: unknown, timeoutMs: number): { code: string; text: string } {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { code: 'TIMEOUT', text: `it did not answer within ${formatSeconds(timeoutMs)}` };
  }
  // Node's fetch wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') {
      const text = SOCKET_ERRORS[code];
      if (text !== undefined) return { code, text };
      if (code.startsWith('ERR_TLS') || code.includes('CERT')) return { code, text: 'its security certificate is not trusted' };
      return { code, text: `the connection failed (${code})` };
    }
    cause = cause.cause;
  }
  return { code: 'NETWORK', text: 'the network request failed' };
}

const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused (is the service running?)',
  ENOTFOUND: 'the server name could not be found',
  EAI_AGAIN: 'the server name could not be looked up (no network?)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was cut',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the server cannot be reached from this network',
  ENETUNREACH: 'there is no network',
  ENETDOWN: 'there is no network',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was cut',
  UND_ERR_CLOSED: 'the connection was closed',
};

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The same error with a secret (a refresh token, a password) cut out of its message and details,
 * for errors raised by requests that carried one. The original is not kept as a cause.
 */
export function withoutSecret(error: unknown, secret: string): unknown {
  if (secret === '') return error;
  if (isSeatdeskError(error)) {
    const details = error.details === undefined ? undefined : redactJson(error.details, secret);
    if (!error.message.includes(secret) && details === error.details) return error;
    return new SeatdeskError(error.code, error.message.replaceAll(secret, '[redacted]'), details);
  }
  if (error instanceof Error) {
    if (!error.message.includes(secret) && !String(error.stack).includes(secret)) return error;
    return new SeatdeskError('INTERNAL', error.message.replaceAll(secret, '[redacted]'));
  }
  return error;
}

function redactJson(value: unknown, secret: string): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined || !json.includes(secret)) return value;
  return JSON.parse(json.replaceAll(secret, '[redacted]')) as unknown;
}
