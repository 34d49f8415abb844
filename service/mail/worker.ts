import type { Store } from '../db/store';
import { renderMail } from './render';

/*
 * The mail worker delivers mail_outbox rows over SMTP, on every instance at once.
 *
 * A row is claimed in one short statement (its own transaction): `FOR UPDATE SKIP LOCKED` picks a
 * due row no other worker is claiming, and the same statement marks it 'sending' with a lease
 * (next_attempt_at = now + lease) and counts the attempt. The mail is sent outside any
 * transaction, then marked sent only if the row still carries this attempt (the attempt number
 * fences out a worker whose lease ran out). Two workers never send a row at the same time.
 *
 * Exactly once holds unless the process dies (or loses the database) between the SMTP server's
 * "250 accepted" and the mark: the row stays 'sending' until its lease ends, and then another
 * worker sends it again. That is at-least-once, and no design can do better over SMTP: marking
 * before sending would instead lose the mail when the process dies mid-send. A duplicate carries
 * the same Message-ID (<row id@seatdesk>), so a receiving system or a person can tell.
 */

export type MailState = 'queued' | 'sending' | 'sent' | 'dead';

export interface OutgoingMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where mail goes: SMTP (smtp.ts) in the service. */
export interface MailSender {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

export interface MailWorkerLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface MailWorkerTuning {
  /** How often an idle worker looks for due mail. */
  pollMs: number;
  /** Rows sent at once per instance (each claimed on its own, with its own lease). */
  concurrency: number;
  /** How long a claimed row is this worker's before another may take it (well over a send's timeouts). */
  leaseMs: number;
  /** Back-off after a temporary failure: about baseMs * 2^(attempt-1), at most maxMs, jittered. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** After this many attempts a row is dead-lettered even if its failures were temporary. */
  maxAttempts: number;
}

export const DEFAULT_MAIL_TUNING: MailWorkerTuning = {
  pollMs: 2_000,
  concurrency: 4,
  leaseMs: 5 * 60_000,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  maxAttempts: 10,
};

export interface MailWorker {
  start(): void;
  /** Looks for due mail now instead of at the next poll. */
  wake(): void;
  /** Stops claiming, lets sends in flight finish and be marked, then resolves. */
  stop(): Promise<void>;
  /** Claims and sends due mail until none is left (tests; the loop calls it too). Resolves with the number sent. */
  drain(): Promise<number>;
  /** What this worker did since it started. */
  stats(): { sent: number; failed: number };
}

interface ClaimedRow {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  attempts: number;
  org_name: string | null;
}

export type FailureKind = 'temporary' | 'permanent';

/**
 * Whether an SMTP failure may pass: a 4xx reply, a connection, DNS, TLS or timeout problem are
 * temporary; a 5xx reply to this mail is permanent. Authentication and configuration failures
 * are the server's or the operator's, not the mail's: retried, so mail flows again once fixed.
 */
export function classifyFailure(error: unknown): FailureKind {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'ECONFIG' || code === 'ETLS') return 'temporary';
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600 ? 'permanent' : 'temporary';
  // No reply code: the connection failed, timed out, or the address cannot be used at all.
  return code === 'EENVELOPE' ? 'permanent' : 'temporary';
}

/** The reason kept for operators: one line, bounded. */
export function failureText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const { responseCode } = (error ?? {}) as { responseCode?: unknown };
  const line = message.replace(/\s+/g, ' ').trim();
  const text = typeof responseCode === 'number' && !line.includes(String(responseCode)) ? `${responseCode} ${line}` : line;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

export function retryDelayMs(attempts: number, tuning: Pick<MailWorkerTuning, 'retryBaseMs' | 'retryMaxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(tuning.retryMaxMs, tuning.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  // Between half and all of it: workers retrying a server that was down do not all return at once.
  return Math.round(ceiling * (0.5 + random() / 2));
}

export interface MailWorkerOptions {
  store: Pick<Store, 'query'>;
  sender: MailSender;
  from: string;
  log: MailWorkerLog;
  tuning?: Partial<MailWorkerTuning>;
}

export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const tuning = { ...DEFAULT_MAIL_TUNING, ...options.tuning };
  const { store, sender, log } = options;
  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<number> | null = null;
  const counts = { sent: 0, failed: 0 };

  async function claim(): Promise<ClaimedRow | null> {
    const [row] = await store.query<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM mail_outbox
         WHERE state IN ('queued', 'sending') AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE mail_outbox m
         SET state = 'sending', attempts = m.attempts + 1, last_attempt_at = now(),
             next_attempt_at = now() + make_interval(secs => $1::double precision)
         FROM due WHERE m.id = due.id
         RETURNING m.id, m.org_id, m.recipient, m.subject, m.body, m.attempts
       )
       SELECT claimed.id, claimed.recipient, claimed.subject, claimed.body, claimed.attempts, orgs.name AS org_name
       FROM claimed LEFT JOIN orgs ON orgs.id = claimed.org_id`,
      [tuning.leaseMs / 1000],
    );
    return row ?? null;
  }

  /** Updates the row only while it still carries this attempt (see the fencing note above). */
  async function settle(row: ClaimedRow, sql: string, params: readonly unknown[]): Promise<void> {
    const settled = await store.query<{ id: string }>(`${sql} WHERE id = $1 AND attempts = $2 AND state = 'sending' RETURNING id`, [row.id, row.attempts, ...params]);
    if (settled.length === 0) log.warn({ mailId: row.id, attempt: row.attempts }, 'mail worker: the lease on this mail ran out before it was settled; another worker took it over');
  }

  async function deliver(row: ClaimedRow): Promise<boolean> {
    const rendered = renderMail({ subject: row.subject, body: row.body, orgName: row.org_name });
    try {
      await sender.send({ id: row.id, from: options.from, to: row.recipient, ...rendered });
    } catch (error) {
      const reason = failureText(error);
      const kind = classifyFailure(error);
      if (kind === 'permanent' || row.attempts >= tuning.maxAttempts) {
        await settle(row, "UPDATE mail_outbox SET state = 'dead', last_error = $3", [reason]);
        log.error({ mailId: row.id, attempt: row.attempts, reason }, `mail worker: gave up on a mail (${kind === 'permanent' ? 'refused permanently' : 'too many attempts'})`);
      } else {
        const delay = retryDelayMs(row.attempts, tuning);
        await settle(row, "UPDATE mail_outbox SET state = 'queued', last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision)", [reason, delay / 1000]);
        log.warn({ mailId: row.id, attempt: row.attempts, reason, retryInMs: delay }, 'mail worker: sending failed for now; it will retry');
      }
      counts.failed += 1;
      return false;
    }
    counts.sent += 1;
    await settle(row, "UPDATE mail_outbox SET state = 'sent', sent_at = now(), last_error = NULL", []);
    return true;
  }

  /** One lane: claims and sends one row at a time until none is due or the worker stops. */
  async function lane(): Promise<number> {
    let sent = 0;
    while (!stopping) {
      const row = await claim();
      if (row === null) break;
      if (await deliver(row)) sent += 1;
    }
    return sent;
  }

  async function drainOnce(): Promise<number> {
    const sent = await Promise.all(Array.from({ length: tuning.concurrency }, () => lane()));
    return sent.reduce((sum, n) => sum + n, 0);
  }

  function schedule(delayMs: number): void {
    if (!running || stopping) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
  }

  function tick(): void {
    timer = null;
    if (current !== null || stopping) return;
    current = drainOnce()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'mail worker: could not read the outbox; trying again at the next poll');
        return 0;
      })
      .finally(() => {
        current = null;
        schedule(tuning.pollMs);
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    wake() {
      if (current === null) schedule(0);
    },
    async stop() {
      stopping = true;
      running = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await current;
      sender.close();
    },
    stats: () => ({ ...counts }),
    async drain() {
      let total = 0;
      for (;;) {
        const sent = await drainOnce();
        total += sent;
        if (sent === 0 || stopping) return total;
      }
    },
  };
}
