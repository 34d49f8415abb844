import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Prng } from '../../service/seed/prng';

/**
 * What the proxy did to an exchange. drop: the connection is cut before the service sees the
 * request; reset: the service answered and the answer is cut halfway with a TCP reset; delay:
 * held, then passed on; swallow: the service handled the request (committed) and the client
 * never hears; gateway: the service handled it and the client gets a gateway's 502 page instead
 * of the answer; offline: refused while the client is cut off (a partition); cut-stream: an open
 * event stream is cut.
 */
export type FaultKind = 'drop' | 'reset' | 'delay' | 'swallow-push' | 'swallow-refresh' | 'swallow-other' | 'gateway' | 'offline' | 'cut-stream';
export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'reset', 'delay', 'swallow-push', 'swallow-refresh', 'swallow-other', 'gateway', 'offline', 'cut-stream'];

/** The requests the proxy tells apart (the rest is `other`). */
export type ExchangeKind = 'push' | 'pull' | 'refresh' | 'login' | 'events' | 'other';

export function exchangeKind(method: string, path: string): ExchangeKind {
  const route = path.split('?')[0] ?? '';
  if (method === 'POST' && route === '/v1/sync/push') return 'push';
  if (method === 'GET' && route === '/v1/sync/pull') return 'pull';
  if (method === 'POST' && route === '/v1/auth/refresh') return 'refresh';
  if (method === 'POST' && route === '/v1/auth/login') return 'login';
  if (method === 'GET' && route === '/v1/sync/events') return 'events';
  return 'other';
}

/** Chances per request; every one is a probability in [0, 1]. */
export interface FaultRates {
  drop: number;
  reset: number;
  delay: number;
  /** Swallowing applies to pushes, refreshes and pulls (the answers that carry state). */
  swallow: number;
  /** A 502 from "the gateway" after the service answered. */
  gateway: number;
  /** An open event stream is cut after a while. */
  cutStream: number;
}

/**
 * Told when the service's answer to a request is in the proxy's hands (the service committed it)
 * and before the client gets it: answer 'kill-before' and the client is never told (the harness
 * kills it), 'kill-after' and it is told first. The harness decides from its own seeded stream.
 */
export type AnswerHook = (exchange: { kind: ExchangeKind; status: number }) => 'kill-before' | 'kill-after' | null;

export interface FaultProxy {
  readonly url: string;
  /** Faults injected so far, by kind. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Answers the service gave, by status (every one, whatever the proxy did with it). */
  readonly statuses: ReadonlyMap<number, number>;
  /** Requests seen. */
  requests(): number;
  /** The last exchanges, oldest first (`refresh swallow 200`), for a failure message. */
  history(): string[];
  /** Refuses every request for `ms` (a partition: the client works offline). */
  partition(ms: number): void;
  /** Faults begin (a proxy starts calm, so that the first sign-in is not part of the chaos). */
  arm(): void;
  /** From now on, every request passes untouched (the healing phase). */
  heal(): void;
  healed(): boolean;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The real service, http://127.0.0.1:port. */
  target: string;
  /** The proxy's own stream: every decision is drawn from it, the same number of draws per request. */
  random: Prng;
  rates: FaultRates;
  /** Longest delay (ms) for a delayed request. */
  maxDelayMs?: number;
  onAnswer?: AnswerHook;
  /** Called with the proxy's own failures (never the injected ones). */
  log?: (message: string) => void;
}

/**
 * A loopback HTTP proxy between one client and the real service, faulting on a seeded schedule.
 * It speaks HTTP (not just TCP) so that it knows when the service has answered: a swallowed
 * answer is one the service committed and the client never received, the case that exactly-once
 * pushes and refresh-token rotation must survive.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const maxDelayMs = options.maxDelayMs ?? 800;
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const statuses = new Map<number, number>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const sockets = new Set<Socket>();
  /** Open event streams' client sockets: a partition cuts them too. */
  const streams = new Set<Socket>();
  let seen = 0;
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };
  let offlineUntil = 0;
  let armed = false;
  let healed = false;

  const count = (kind: FaultKind) => {
    faults[kind] += 1;
  };

  const server = http.createServer((req, res) => {
    seen += 1;
    const number = seen;
    const kind = exchangeKind(req.method ?? 'GET', req.url ?? '/');
    // A fixed number of draws per request, so one request's fate never shifts the next one's.
    const roll = options.random.next();
    const where = options.random.next();
    const delayMs = Math.floor(options.random.next() * maxDelayMs);
    const plan = healed || !armed ? 'pass' : Date.now() < offlineUntil ? 'offline' : decide(kind, roll);

    remember(`#${number} ${kind} ${req.method} ${(req.url ?? '').split('?')[0]}: ${plan}`);
    if (plan === 'offline' || plan === 'drop') {
      count(plan);
      req.socket.destroy();
      return;
    }
    const forward = () => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          agent: kind === 'events' ? false : agent,
        },
        (answer) => {
          const status = answer.statusCode ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          remember(`#${number} ${kind} answered ${status}`);
          if (kind === 'events') {
            res.writeHead(status, answer.headers);
            res.flushHeaders();
            answer.pipe(res);
            streams.add(req.socket);
            res.on('close', () => {
              streams.delete(req.socket);
              answer.destroy();
            });
            if (plan === 'cut-stream') {
              const timer = setTimeout(() => {
                if (healed || !armed || res.destroyed) return;
                count('cut-stream');
                req.socket.destroy();
                answer.destroy();
              }, 200 + delayMs * 4);
              res.on('close', () => clearTimeout(timer));
            }
            return;
          }
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', () => req.socket.destroy());
          answer.on('end', () => {
            // The whole answer is here: the service has committed whatever the request did.
            const body = Buffer.concat(chunks);
            const hook = healed || !armed ? null : (options.onAnswer?.({ kind, status }) ?? null);
            if (hook !== null) remember(`#${number} ${kind}: ${hook}`);
            if (hook === 'kill-before') {
              req.socket.destroy();
              return;
            }
            if (plan === 'swallow') {
              count(kind === 'push' ? 'swallow-push' : kind === 'refresh' ? 'swallow-refresh' : 'swallow-other');
              req.socket.destroy();
              return;
            }
            if (plan === 'gateway') {
              count('gateway');
              res.writeHead(502, { 'content-type': 'text/html' });
              res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
              return;
            }
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            headers['content-length'] = String(body.length);
            if (plan === 'reset' && body.length > 1) {
              count('reset');
              res.writeHead(status, headers);
              res.write(body.subarray(0, Math.max(1, Math.floor(body.length * where))), () => req.socket.resetAndDestroy());
              return;
            }
            res.writeHead(status, headers);
            res.end(body);
          });
        },
      );
      upstream.on('error', (error) => {
        options.log?.(`fault proxy: upstream ${req.method} ${req.url?.split('?')[0]} failed: ${error.message}`);
        req.socket.destroy();
      });
      req.pipe(upstream);
    };
    if (plan === 'delay') {
      count('delay');
      setTimeout(forward, delayMs);
    } else {
      forward();
    }
  });

  /** What to do with one request, from its roll; the events stream and logins are only delayed or cut. */
  function decide(kind: ExchangeKind, roll: number): 'pass' | 'drop' | 'reset' | 'delay' | 'swallow' | 'gateway' | 'cut-stream' {
    const { rates } = options;
    if (kind === 'events') return roll < rates.cutStream ? 'cut-stream' : 'pass';
    let edge = rates.drop;
    if (roll < edge) return 'drop';
    edge += rates.reset;
    if (roll < edge) return 'reset';
    if (kind === 'push' || kind === 'refresh' || kind === 'pull') {
      edge += rates.swallow;
      if (roll < edge) return 'swallow';
    }
    edge += rates.gateway;
    if (roll < edge) return 'gateway';
    edge += rates.delay;
    if (roll < edge) return 'delay';
    return 'pass';
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Cut on purpose: the client may write into a socket the proxy already destroyed.
    socket.on('error', () => undefined);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    statuses,
    requests: () => seen,
    history: () => [...recent],
    arm() {
      armed = true;
    },
    partition(ms) {
      if (healed || !armed) return;
      offlineUntil = Math.max(offlineUntil, Date.now() + ms);
      for (const socket of streams) socket.destroy();
    },
    heal() {
      healed = true;
      offlineUntil = 0;
    },
    healed: () => healed,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
