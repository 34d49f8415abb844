import type { FastifyInstance } from 'fastify';

/**
 * The service's drain: on SIGTERM (or close) it stops being ready, ends its event streams with
 * a reconnect hint, stops accepting, lets requests in flight finish, then stops its workers.
 */
export interface ServiceLifecycle {
  /** True once draining started: /readyz answers 503 so a load balancer stops sending requests. */
  readonly draining: boolean;
  /** Runs fn when draining starts (at once if it already has); returns a function that unregisters it. */
  onDrain(fn: () => void): () => void;
  startDraining(): void;
}

export function createLifecycle(): ServiceLifecycle {
  const handlers = new Set<() => void>();
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    onDrain(fn) {
      if (draining) {
        fn();
        return () => undefined;
      }
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
    startDraining() {
      if (draining) return;
      draining = true;
      for (const fn of [...handlers]) fn();
      handlers.clear();
    },
  };
}

/** How long a drain waits for requests in flight before it cuts their connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

/**
 * Stops accepting connections, closes idle keep-alive ones, and waits for requests in flight
 * (their transactions commit or roll back as they would); after timeoutMs what is still open is cut.
 */
export async function closeServer(app: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => {
    app.log.warn(`drain: requests still running after ${timeoutMs} ms; closing their connections`);
    app.server.closeAllConnections();
  }, timeoutMs);
  // A keep-alive connection whose request finishes during the drain turns idle afterwards: close
  // it then, instead of waiting out the keep-alive timeout.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
  }
}
