import { SeatdeskError } from '@shared/errors';
import { errorFromAnswer, offlineError } from './http';

/** The service writes a comment every 25 s (service/sync/events.ts); this much silence means the stream is dead. */
export const DEFAULT_EVENTS_IDLE_MS = 60_000;

export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events (the WHATWG format: field lines, comment lines starting
 * with ':', a blank line ends an event). An event with a type but no data is still delivered,
 * because a poke needs no data.
 */
export async function* serverSentEvents(chunks: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let buffer = '';
  let type = '';
  let data: string[] = [];
  for await (const chunk of chunks) {
    buffer += chunk;
    for (;;) {
      const end = /\r\n|\r|\n/.exec(buffer);
      if (end === null) break;
      // A lone '\r' at the very end may be the first half of a '\r\n' split across chunks.
      if (end[0] === '\r' && end.index === buffer.length - 1) break;
      const line = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      if (line === '') {
        if (type !== '' || data.length > 0) yield { event: type === '' ? 'message' : type, data: data.join('\n') };
        type = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const raw = colon === -1 ? '' : line.slice(colon + 1);
      const value = raw.startsWith(' ') ? raw.slice(1) : raw;
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
  }
}

export interface PokeStreamOptions {
  serviceUrl: string;
  token: string;
  signal: AbortSignal;
  /** How long to wait for the stream to open. */
  connectTimeoutMs: number;
  /** Silence after which the stream counts as broken. */
  idleMs: number;
}

/**
 * Opens GET /v1/sync/events. Resolves once the service accepted the stream (an HTTP error or an
 * unreachable service rejects, with the same errors as any request, so a 401 can be refreshed).
 * The iterable yields once at once (connected: pull to catch up on what happened while the stream
 * was down), then once per "poke" event. It ends, without an error, when the signal aborts, the
 * service ends the stream, the connection breaks or goes silent: the caller reconnects.
 */
export async function openPokeStream(options: PokeStreamOptions): Promise<AsyncIterable<void>> {
  const { serviceUrl, token, signal } = options;
  if (signal.aborted) return noPokes();
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const connectTimer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.connectTimeoutMs);

  let response: Response;
  try {
    response = await fetch(new URL('/v1/sync/events', serviceUrl), {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
  } catch (error) {
    clearTimeout(connectTimer);
    signal.removeEventListener('abort', stop);
    if (signal.aborted) return noPokes();
    const timeout = new Error('timeout');
    timeout.name = 'TimeoutError';
    throw offlineError(serviceUrl, timedOut ? timeout : error, options.connectTimeoutMs);
  }
  clearTimeout(connectTimer);

  const contentType = response.headers.get('content-type') ?? '';
  if (!response.ok || !contentType.startsWith('text/event-stream') || response.body === null) {
    let text = '';
    try {
      text = await response.text();
    } catch {
      // the answer broke off; the status still says enough
    } finally {
      signal.removeEventListener('abort', stop);
      controller.abort();
    }
    if (!response.ok) throw errorFromAnswer(response.status, parseJsonOrUndefined(text), response.headers.get('retry-after'));
    throw new SeatdeskError('INTERNAL', 'The billing service did not answer /v1/sync/events with an event stream.', { retryable: true });
  }
  return pokesFrom(response.body, controller, () => signal.removeEventListener('abort', stop), options.idleMs);
}

async function* pokesFrom(
  body: ReadableStream<Uint8Array>,
  controller: AbortController,
  release: () => void,
  idleMs: number,
): AsyncGenerator<void> {
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const watchIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => controller.abort(), idleMs);
    // A stream nobody reads any more must not keep the process alive.
    idleTimer.unref();
  };
  const reader = body.getReader();
  async function* text(): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    for (;;) {
      watchIdle();
      const { done, value } = await reader.read();
      if (done) return;
      yield decoder.decode(value, { stream: true });
    }
  }
  try {
    yield;
    for await (const event of serverSentEvents(text())) {
      if (event.event === 'poke') yield;
    }
  } catch {
    // Aborted, reset or gone silent: the stream is over either way, and the caller reconnects.
  } finally {
    clearTimeout(idleTimer);
    release();
    controller.abort();
  }
}

// eslint-disable-next-line require-yield -- an empty stream: the signal was aborted before it opened
async function* noPokes(): AsyncGenerator<void> {
  return;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
