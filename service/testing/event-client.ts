/** A client of /v1/sync/events: counts pokes, keeps the raw text, knows when the stream ended. */
export interface EventClient {
  status: number;
  contentType: string | null;
  pokes(): number;
  text(): string;
  /** Resolves true once the poke count reaches n, false after the timeout. */
  waitForPokes(n: number, timeoutMs: number): Promise<boolean>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function connectEvents(url: string, token: string | null): Promise<EventClient> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/sync/events`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  let received = '';
  const ended = (async () => {
    if (response.body === null || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      received = await response.text();
      return;
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) received += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // aborted by close(), or the connection was cut
    }
  })();
  const pokes = () => received.split('\n\n').filter((event) => event.split('\n').includes('event: poke')).length;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    pokes,
    text: () => received,
    async waitForPokes(n, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (pokes() < n) {
        if (Date.now() > until) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return true;
    },
    ended,
    close: () => controller.abort(),
  };
}
