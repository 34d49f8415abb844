import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Sql } from '../db/store';

/**
 * Pokes for /v1/sync/events: after a change commits, every connected client whose scope
 * includes the changed organization is told to pull. A poke carries no data.
 *
 * PGlite runs in one process, so the in-process notifier is all it needs. On PostgreSQL the
 * service runs as several instances, and a change made through one must poke the clients of
 * all: each instance keeps one LISTEN connection, and changed() sends a NOTIFY after commit.
 */
export interface SyncNotifier {
  subscribe(scope: ReadonlySet<string>, poke: () => void): () => void;
  /** Called after the change committed. */
  changed(orgIds: Iterable<string>): void;
  /** Number of open subscriptions (for tests and health). */
  size(): number;
  /** Whether pokes from other instances arrive: the LISTEN connection is up (always true in-process). */
  connected(): boolean;
  close(): Promise<void>;
}

interface LocalFanOut {
  subscribe: SyncNotifier['subscribe'];
  poke(orgIds: readonly string[] | 'all'): void;
  size(): number;
}

function localFanOut(): LocalFanOut {
  const subscribers = new Set<{ scope: ReadonlySet<string>; poke: () => void }>();
  return {
    subscribe(scope, poke) {
      const entry = { scope, poke };
      subscribers.add(entry);
      return () => subscribers.delete(entry);
    },
    poke(orgIds) {
      for (const entry of subscribers) if (orgIds === 'all' || orgIds.some((id) => entry.scope.has(id))) entry.poke();
    },
    size: () => subscribers.size,
  };
}

export function createSyncNotifier(): SyncNotifier {
  const local = localFanOut();
  return {
    subscribe: local.subscribe,
    changed: (orgIds) => local.poke([...orgIds]),
    size: local.size,
    connected: () => true,
    close: async () => undefined,
  };
}

export const POKE_CHANNEL = 'seatdesk_sync';
/** pg_notify refuses a payload of 8,000 bytes or more; ids are ASCII, so characters are bytes. */
export const NOTIFY_PAYLOAD_MAX = 7_999;
/**
 * Above this many NOTIFYs for one change (about 1,700 organizations), one "everything" poke is
 * sent instead: a change that large (a billing run) concerns most clients anyway.
 */
export const MAX_NOTIFY_CHUNKS = 8;

const ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * NOTIFY payloads for one change: `1;<instance>;<id>,<id>,...` in chunks under the payload
 * limit, or `1;<instance>;*` (poke every client) when the change is too large or an id is not
 * plain. The instance id lets an instance skip its own notifications: it poked its clients already.
 */
export function encodePokes(instance: string, orgIds: Iterable<string>): string[] {
  const ids = [...new Set(orgIds)];
  const prefix = `1;${instance};`;
  const everything = [`${prefix}*`];
  if (ids.length === 0) return [];
  if (!ids.every((id) => ID.test(id))) return everything;
  const payloads: string[] = [];
  let current: string[] = [];
  let length = prefix.length;
  for (const id of ids) {
    if (current.length > 0 && length + 1 + id.length > NOTIFY_PAYLOAD_MAX) {
      payloads.push(prefix + current.join(','));
      if (payloads.length >= MAX_NOTIFY_CHUNKS) return everything;
      current = [];
      length = prefix.length;
    }
    length += (current.length > 0 ? 1 : 0) + id.length;
    current.push(id);
  }
  payloads.push(prefix + current.join(','));
  return payloads.length > MAX_NOTIFY_CHUNKS ? everything : payloads;
}

export type DecodedPoke = { instance: string; orgIds: string[] | 'all' };

/** A payload from encodePokes, or null for anything else on the channel. */
export function decodePoke(payload: string): DecodedPoke | null {
  const [version, instance, body, ...rest] = payload.split(';');
  if (version !== '1' || instance === undefined || instance === '' || body === undefined || rest.length > 0) return null;
  if (body === '*') return { instance, orgIds: 'all' };
  const orgIds = body.split(',');
  return orgIds.every((id) => ID.test(id)) ? { instance, orgIds } : null;
}

export interface NotifierLog {
  info(message: string): void;
  warn(error: unknown, message: string): void;
}

export interface PostgresNotifierOptions {
  connectionString: string;
  /** Where NOTIFY is sent from: the store's pool (so sending does not depend on the listener being up). */
  sql: Sql;
  log: NotifierLog;
  /** Back-off before reconnecting: a random delay up to min(maxMs, baseMs * 2^failures). */
  reconnect?: { baseMs: number; maxMs: number };
  /** How often the idle listener checks its connection still answers (a silent network drop). */
  pingMs?: number;
}

const LISTENER_NAME = 'seatdesk sync listener';

/**
 * The PostgreSQL notifier: local subscribers are poked at once, other instances through NOTIFY.
 * Resolves once the first LISTEN attempt settled; when it failed, it keeps retrying with
 * jittered exponential back-off (connected() says false meanwhile, and /readyz with it).
 */
export async function createPostgresSyncNotifier(options: PostgresNotifierOptions): Promise<SyncNotifier> {
  const local = localFanOut();
  const instance = randomBytes(9).toString('base64url');
  const { baseMs, maxMs } = options.reconnect ?? { baseMs: 250, maxMs: 10_000 };
  const pingMs = options.pingMs ?? 30_000;
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let everConnected = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== POKE_CHANNEL || message.payload === undefined) return;
    const poke = decodePoke(message.payload);
    if (poke === null || poke.instance === instance) return;
    local.poke(poke.orgIds);
  };

  const lost = (which: pg.Client, error: unknown) => {
    if (client !== which) return;
    client = null;
    listening = false;
    if (pingTimer !== null) clearInterval(pingTimer);
    pingTimer = null;
    which.removeAllListeners('notification');
    // Ends the socket if it is still open; errors after this one are expected and ignored.
    which.on('error', () => undefined);
    void which.end().catch(() => undefined);
    if (closed) return;
    options.log.warn(error, 'sync listener: connection lost; pokes from other instances wait until it is back');
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer !== null) return;
    const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** failures);
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
    retryTimer.unref();
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.connectionString, application_name: LISTENER_NAME, keepAlive: true });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the connection ended')));
    next.on('notification', onNotification);
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${POKE_CHANNEL}`);
    } catch (error) {
      if (client === next) lost(next, error);
      return;
    }
    if (client !== next || closed) return;
    listening = true;
    failures = 0;
    pingTimer = setInterval(() => {
      const ping = next.query('SELECT 1');
      const timeout = setTimeout(() => lost(next, new Error('the connection stopped answering')), Math.min(pingMs, 10_000));
      void ping.then(
        () => clearTimeout(timeout),
        (error: unknown) => {
          clearTimeout(timeout);
          lost(next, error);
        },
      );
    }, pingMs);
    pingTimer.unref();
    // Notifications sent while it was away are lost: its clients pull once to catch up.
    if (everConnected) {
      options.log.info('sync listener: connected again; poking every client to catch up');
      local.poke('all');
    }
    everConnected = true;
  }

  await connect();

  return {
    subscribe: local.subscribe,
    changed(orgIds) {
      const ids = [...orgIds];
      local.poke(ids);
      const payloads = encodePokes(instance, ids);
      if (payloads.length === 0 || closed) return;
      // After commit, on the pool: other instances' clients pull data that is already visible.
      options.sql.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [POKE_CHANNEL, payloads]).catch((error: unknown) => {
        options.log.warn(error, 'sync notifier: NOTIFY failed; clients of other instances will see the change at their next poll');
      });
    },
    size: local.size,
    connected: () => listening,
    async close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      if (pingTimer !== null) clearInterval(pingTimer);
      const current = client;
      client = null;
      listening = false;
      if (current !== null) {
        current.on('error', () => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}
