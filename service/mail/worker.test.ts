import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INSTANCE_OPERATOR_TOKEN, startInstance, type Instance } from '../testing/instances';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from '../testing/postgres';
import { startSmtpServer, type TestSmtpServer } from '../testing/smtp-server';
import { queueMail } from './outbox';
import { classifyFailure, createMailWorker, retryDelayMs, type MailWorkerLog } from './worker';
import { createSmtpSender } from './smtp';
import { postgresForTests } from '../../test/support/postgres-available';

/** Quick retries and polls, so a test sees a retry in milliseconds instead of 30 seconds. */
const FAST = { pollMs: 50, retryBaseMs: 50, retryMaxMs: 200, leaseMs: 60_000 };
const MAIL_FROM = 'Seatdesk Billing <billing@seatdesk.test>';

const databases = testDatabaseUrl() === undefined ? ['pglite'] : ['pglite', 'postgres'];

interface MailRow {
  id: string;
  to: string;
  state: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe.each(databases)('mail delivery over SMTP (%s)', (kind) => {
  let smtp: TestSmtpServer;
  let database: FreshDatabase | null = null;
  let service: Instance;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    database = kind === 'postgres' ? await createFreshDatabase() : null;
    service = await startInstance(database?.url ?? 'pglite', { seed: true, mail: { smtpUrl: smtp.url, from: MAIL_FROM, tuning: FAST } });
  });
  afterEach(async () => {
    await service?.close();
    await smtp?.close();
    await database?.drop();
  });

  const mailTo = async (to: string): Promise<MailRow[]> =>
    (await service.call('GET', `/v1/operator/mail?to=${encodeURIComponent(to)}`, { token: INSTANCE_OPERATOR_TOKEN })).body.items as MailRow[];
  const orgId = async (name: string) => String((await service.store.query<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [name]))[0]?.id);
  const queue = (to: string, subject = 'Your November invoice') =>
    service.store.write((tx) => queueMail(tx, { orgId: null, to, kind: 'invoice', subject, body: `Hello,\n\nYour invoice is ready.\n` }, new Date()));

  it('delivers an invitation: text and HTML parts, the organization name, and an accept link that works', async () => {
    const owner = await service.signIn('owner@northwind.example');
    const contoso = await orgId('Contoso Dental');
    const [member] = await service.store.query<{ id: string }>("SELECT id FROM roles WHERE org_id = $1 AND name = 'Member'", [contoso]);
    const invited = await service.call('POST', `/v1/orgs/${contoso}/invitations`, { token: owner.accessToken, body: { emails: ['new.hire@contoso-dental.example'], roleIds: [member!.id] } });
    expect(invited.status).toBe(201);

    expect(await smtp.waitForMail(1, 15_000)).toBe(true);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(['new.hire@contoso-dental.example']);
    const { parsed } = mail!;
    expect(parsed.from?.text).toBe('"Seatdesk Billing" <billing@seatdesk.test>');
    expect(parsed.subject).toBe('You are invited to Contoso Dental on Seatdesk');
    const text = parsed.text ?? '';
    const html = typeof parsed.html === 'string' ? parsed.html : '';
    expect(text).toContain('Contoso Dental');
    expect(html).toContain('Contoso Dental');
    const link = /seatdesk:\/\/accept-invitation\?token=([\w-]+)/.exec(text);
    expect(link).not.toBeNull();
    expect(html).toContain(`<a href="${link![0]}">`);
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@seatdesk>$/);

    // The link in the mail is the invitation: redeeming it signs the new user in.
    const accepted = await service.call('POST', '/v1/invitations/accept', { body: { token: link![1], password: 'a long enough password' } });
    expect(accepted.status).toBe(200);

    const [row] = await mailTo('new.hire@contoso-dental.example');
    expect(row).toMatchObject({ state: 'sent', attempts: 1, lastError: null, nextAttemptAt: null, sentAt: expect.any(String) });
  });

  it('retries after a temporary refusal (451) and delivers once', async () => {
    smtp.refuse = (address, attempt) => (address === 'busy@fabrikam.example' && attempt === 1 ? { code: 451, message: '4.3.0 Try again later' } : null);
    await queue('busy@fabrikam.example');
    expect(await smtp.waitForMail(1, 15_000)).toBe(true);
    expect(smtp.attempts.filter((address) => address === 'busy@fabrikam.example')).toHaveLength(2);
    expect(await until(async () => (await mailTo('busy@fabrikam.example'))[0]?.state === 'sent', 5000)).toBe(true);
    const [row] = await mailTo('busy@fabrikam.example');
    expect(row).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(1);
  });

  it('dead-letters a mail the server refuses permanently (550), keeping the reason for operators', async () => {
    smtp.refuse = (address) => (address === 'gone@fabrikam.example' ? { code: 550, message: '5.1.1 Mailbox does not exist' } : null);
    await queue('gone@fabrikam.example');
    expect(await until(async () => (await mailTo('gone@fabrikam.example'))[0]?.state === 'dead', 15_000)).toBe(true);
    const [row] = await mailTo('gone@fabrikam.example');
    expect(row).toMatchObject({ state: 'dead', attempts: 1, nextAttemptAt: null, sentAt: null });
    expect(row!.lastError).toContain('550');
    expect(row!.lastError).toContain('Mailbox does not exist');
    const dead = await service.call('GET', '/v1/operator/mail?state=dead', { token: INSTANCE_OPERATOR_TOKEN });
    expect(dead.body.items.map((item: MailRow) => item.to)).toEqual(['gone@fabrikam.example']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.attempts.filter((address) => address === 'gone@fabrikam.example')).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
  });
});

describe('the mail worker on its own (PGlite)', () => {
  let smtp: TestSmtpServer;
  let service: Instance;
  const messages: string[] = [];
  const log: MailWorkerLog = { info: () => undefined, warn: (_d, m) => messages.push(m), error: (_d, m) => messages.push(m) };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // No mail option: the service's own worker is off; each test runs its own.
    service = await startInstance('pglite', { seed: false });
  });
  afterAll(async () => {
    await service?.close();
    await smtp?.close();
  });

  const stateOf = async (id: string) => (await service.store.query<{ state: string; attempts: number; last_error: string | null }>('SELECT state, attempts, last_error FROM mail_outbox WHERE id = $1', [id]))[0];
  const queueOne = async (to: string): Promise<string> => {
    await service.store.write((tx) => queueMail(tx, { orgId: null, to, kind: 'invoice', subject: 'Invoice', body: 'Hello' }, new Date()));
    return String((await service.store.query<{ id: string }>('SELECT id FROM mail_outbox WHERE recipient = $1', [to]))[0]?.id);
  };

  it('gives up after too many temporary failures (dead, with the last reason)', async () => {
    smtp.refuse = (address) => (address === 'always-busy@fabrikam.example' ? { code: 421, message: '4.7.0 Come back later' } : null);
    const id = await queueOne('always-busy@fabrikam.example');
    const worker = createMailWorker({ store: service.store, sender: createSmtpSender(smtp.url, 1), from: MAIL_FROM, log, tuning: { ...FAST, retryBaseMs: 1, retryMaxMs: 1, maxAttempts: 3 } });
    for (let i = 0; i < 3; i += 1) {
      await worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await worker.stop();
    expect(await stateOf(id)).toMatchObject({ state: 'dead', attempts: 3, last_error: expect.stringContaining('Come back later') });
  });

  it('a server that does not answer is a temporary failure: the mail waits for its retry', async () => {
    const id = await queueOne('unreachable@fabrikam.example');
    // A port nobody listens on: connection refused.
    const worker = createMailWorker({ store: service.store, sender: createSmtpSender('smtp://127.0.0.1:9', 1), from: MAIL_FROM, log, tuning: { ...FAST, retryBaseMs: 60_000, retryMaxMs: 120_000 } });
    expect(await worker.drain()).toBe(0);
    await worker.stop();
    const row = await stateOf(id);
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row!.last_error).toMatch(/ECONNREFUSED|connect/i);
    const [due] = await service.store.query<{ later: boolean }>("SELECT next_attempt_at > now() + interval '20 seconds' AS later FROM mail_outbox WHERE id = $1", [id]);
    expect(due?.later).toBe(true);
    await service.store.query("UPDATE mail_outbox SET state = 'dead' WHERE id = $1", [id]);
  });

  it('a mail whose worker died after claiming it is sent by another once the lease ends (at-least-once)', async () => {
    smtp.refuse = () => null;
    const id = await queueOne('crash@fabrikam.example');
    // What a worker that died mid-send leaves behind: the row claimed (attempt 1), never settled.
    await service.store.query("UPDATE mail_outbox SET state = 'sending', attempts = 1, next_attempt_at = now() + interval '1 hour' WHERE id = $1", [id]);
    const worker = createMailWorker({ store: service.store, sender: createSmtpSender(smtp.url, 1), from: MAIL_FROM, log, tuning: FAST });
    // Within the lease nobody touches it.
    expect(await worker.drain()).toBe(0);
    // The lease ends: another worker takes it over and sends it.
    await service.store.query("UPDATE mail_outbox SET next_attempt_at = now() - interval '1 second' WHERE id = $1", [id]);
    expect(await worker.drain()).toBe(1);
    await worker.stop();
    expect(await stateOf(id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(smtp.received.filter((mail) => mail.to.includes('crash@fabrikam.example'))).toHaveLength(1);
  });

  it('classifies failures and backs off exponentially with jitter', () => {
    expect(classifyFailure({ responseCode: 451 })).toBe('temporary');
    expect(classifyFailure({ responseCode: 550 })).toBe('permanent');
    expect(classifyFailure({ code: 'ECONNECTION' })).toBe('temporary');
    expect(classifyFailure({ code: 'ETIMEDOUT' })).toBe('temporary');
    // A wrong SMTP password is the operator's to fix, not the mail's fault.
    expect(classifyFailure({ code: 'EAUTH', responseCode: 535 })).toBe('temporary');
    expect(classifyFailure({ code: 'EENVELOPE' })).toBe('permanent');
    const tuning = { retryBaseMs: 1000, retryMaxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, tuning, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs(3, tuning, () => 0)).toBe(2000);
  });
});

describe.skipIf(!postgresForTests('two instances on one PostgreSQL database'))('two instances on one PostgreSQL database', () => {
  let smtp: TestSmtpServer;
  let database: FreshDatabase;
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    database = await createFreshDatabase();
    const mail = { smtpUrl: smtp.url, from: MAIL_FROM, tuning: { ...FAST, pollMs: 20, concurrency: 3 } };
    a = await startInstance(database.url, { seed: false, mail });
    b = await startInstance(database.url, { seed: false, mail });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('deliver each mail exactly once between them', { timeout: 60_000 }, async () => {
    const recipients = Array.from({ length: 40 }, (_, i) => `person${i}@tailspin.example`);
    // Queued in small transactions as commands do, while both workers poll.
    for (let i = 0; i < recipients.length; i += 4) {
      await a.store.write(async (tx) => {
        for (const to of recipients.slice(i, i + 4)) await queueMail(tx, { orgId: null, to, kind: 'invoice', subject: `Invoice ${randomUUID()}`, body: 'Hello' }, new Date());
      });
    }
    expect(await smtp.waitForMail(recipients.length, 30_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = smtp.received.map((mail) => mail.parsed.headers.get('x-seatdesk-mail-id'));
    expect(ids).toHaveLength(recipients.length);
    expect(new Set(ids).size).toBe(recipients.length);
    expect(smtp.received.flatMap((mail) => mail.to).sort()).toEqual([...recipients].sort());
    const rows = await database.query<{ state: string; attempts: number; n: number }>('SELECT state, attempts, count(*)::int AS n FROM mail_outbox GROUP BY state, attempts');
    expect(rows).toEqual([{ state: 'sent', attempts: 1, n: recipients.length }]);
    const [fromA, fromB] = [a.service.mailWorker!.stats(), b.service.mailWorker!.stats()];
    console.info(`mail sent by instance A: ${fromA.sent}, by B: ${fromB.sent}`);
    expect(fromA.sent + fromB.sent).toBe(recipients.length);
  });
});
