import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { isSeatdeskError } from '@shared/errors';

/**
 * When the engine syncs: one sync at a time (a request during one runs another after it), the
 * fallback poll, retries with one back-off, the event stream kept connected (a poke or a
 * reconnect asks for a sync), and the one way the engine ends: stopped, or signed out.
 */

export class Aborted extends Error {
  constructor() {
    super('The sync engine stopped.');
    this.name = 'Aborted';
  }
}

export interface SchedulerOptions {
  /** One sync: bootstrap or push, then pull. */
  cycle(): Promise<void>;
  /** The event stream (SyncTransport.pokes). */
  pokes(signal: AbortSignal): AsyncIterable<void>;
  /** The stream (re)connected, or a poke came: told before the sync it asks for. */
  onPoke(): void;
  /** The stream dropped: whether to sync now to find out if the service is still there. */
  checkOnDrop(): boolean;
  /** The service no longer takes the session: told once, after everything has stopped. */
  onSignedOut(error: unknown): void;
  /** After a run of syncs ends (the writer thread may stop when idle). */
  afterRun(): void;
  pollIntervalMs: number;
  /** The sync back-off after failures: exponential from baseMs to maxMs, jittered. */
  backoff: { baseMs: number; maxMs: number };
  /** The event stream's reconnection while the service cannot be reached. */
  reconnect: { baseMs: number; maxMs: number };
  random: () => number;
}

export interface Scheduler {
  readonly signal: AbortSignal;
  readonly started: boolean;
  readonly stopped: boolean;
  readonly signedOut: boolean;
  /** Whether a sync is running. */
  readonly busy: boolean;
  start(): void;
  /** A sync now, or right after the one running. */
  request(): void;
  /** Resolves when no sync runs (the one running, and those asked for meanwhile, are done). */
  settled(): Promise<void>;
  /** Backs off after a failed sync (or push): a sync is armed after the delay, which is answered. */
  retryAfter(error: unknown): number;
  /** A sync after `delay` ms, unless one is already armed. */
  retryIn(delay: number): void;
  /** The last sync worked: the next failure backs off from the start. */
  succeeded(): void;
  /** A transport call that gives up (for the engine, not the socket) when the engine stops. */
  call<T>(request: () => Promise<T>): Promise<T>;
  /** Lets the event loop run between slices of work; throws Aborted once stopped. */
  pause(): Promise<void>;
  /** The one sign-out path: everything stops, then onSignedOut is told. */
  signOut(error: unknown): void;
  /** Stops everything and waits for the sync and the stream to end. */
  stop(): Promise<void>;
}

export function isUnauthenticated(error: unknown): boolean {
  return isSeatdeskError(error) && error.code === 'UNAUTHENTICATED';
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const abort = new AbortController();
  let started = false;
  let stopped = false;
  let signedOut = false;
  let running: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let pokeLoop: Promise<void> | null = null;

  /** Exponential from `base` to `max`, half of it random ("equal jitter"). */
  function jittered(base: number, max: number, attempt: number): number {
    const exponential = Math.min(max, base * 2 ** Math.min(attempt - 1, 16));
    return exponential / 2 + (options.random() * exponential) / 2;
  }

  /** The back-off for the `attempt`-th failure in a row, or what the service's Retry-After says. */
  function backoffDelay(error: unknown, attempt: number): number {
    const details = isSeatdeskError(error) ? (error.details as { retryAfterMs?: unknown } | undefined) : undefined;
    if (typeof details?.retryAfterMs === 'number') return details.retryAfterMs + options.random() * 250;
    return jittered(options.backoff.baseMs, options.backoff.maxMs, attempt);
  }

  function clearRetry(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function arm(delay: number): void {
    if (stopped || signedOut || !started) return;
    clearRetry();
    retryTimer = setTimeout(() => {
      retryTimer = null;
      request();
    }, delay);
    retryTimer.unref();
  }

  function request(): void {
    if (stopped || signedOut) return;
    if (running !== null) {
      again = true;
      return;
    }
    clearRetry();
    running = (async () => {
      do {
        again = false;
        await options.cycle();
      } while (again && !stopped && !signedOut);
    })().finally(() => {
      running = null;
      options.afterRun();
    });
  }

  /** Stops the timers and the event stream. */
  function halt(): void {
    clearRetry();
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
    abort.abort();
  }

  function signOut(error: unknown): void {
    if (signedOut) return;
    signedOut = true;
    halt();
    options.onSignedOut(error);
  }

  function sleep(delay: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      timer.unref();
      abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /**
   * The event stream, reconnected for as long as the engine runs. While the service cannot be
   * reached the stream is tried again soon (250 ms doubling to 2 s, jittered, so many clients do not
   * come back in step): the app is online within about 2 s of the service's return. A service that
   * answers but refuses (5xx, 429) gets the sync back-off, or what its Retry-After says.
   */
  async function keepConnected(): Promise<void> {
    let attempt = 0;
    while (!abort.signal.aborted && !signedOut) {
      let refusal: unknown = null;
      try {
        for await (const _poke of options.pokes(abort.signal)) {
          attempt = 0;
          options.onPoke();
          request();
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        if (isUnauthenticated(error)) {
          signOut(error);
          return;
        }
        if (!isSeatdeskError(error) || error.code !== 'OFFLINE') refusal = error;
      }
      if (abort.signal.aborted) return;
      // The stream dropped: the connection may be gone. A sync now tells (and says offline at
      // once) instead of the status saying online until the next poll.
      if (options.checkOnDrop()) request();
      attempt += 1;
      await sleep(refusal === null ? jittered(options.reconnect.baseMs, options.reconnect.maxMs, attempt) : backoffDelay(refusal, attempt));
    }
  }

  return {
    signal: abort.signal,
    get started() {
      return started;
    },
    get stopped() {
      return stopped;
    },
    get signedOut() {
      return signedOut;
    },
    get busy() {
      return running !== null;
    },
    start() {
      if (started || stopped) return;
      started = true;
      pokeLoop = keepConnected();
      pollTimer = setInterval(request, options.pollIntervalMs);
      pollTimer.unref();
      request();
    },
    request,
    async settled() {
      await running;
    },
    retryAfter(error) {
      failures += 1;
      const delay = backoffDelay(error, failures);
      arm(delay);
      return delay;
    },
    retryIn(delay) {
      if (retryTimer === null) arm(delay);
    },
    succeeded() {
      failures = 0;
    },
    async call<T>(send: () => Promise<T>): Promise<T> {
      if (stopped) throw new Aborted();
      const pending = send();
      pending.catch(() => undefined);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(new Aborted());
        abort.signal.addEventListener('abort', onAbort, { once: true });
        pending.then(
          (value) => {
            abort.signal.removeEventListener('abort', onAbort);
            if (stopped) reject(new Aborted());
            else resolve(value);
          },
          (error: unknown) => {
            abort.signal.removeEventListener('abort', onAbort);
            reject(stopped ? new Aborted() : error);
          },
        );
      });
    },
    async pause() {
      await yieldToEventLoop();
      if (stopped) throw new Aborted();
    },
    signOut,
    async stop() {
      if (stopped) return;
      stopped = true;
      halt();
      await running;
      await pokeLoop;
    },
  };
}
