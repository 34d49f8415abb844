import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoDataset } from '../seed/dataset';
import { startInstance, INSTANCE_OPERATOR_TOKEN, type Instance } from '../testing/instances';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from '../testing/postgres';
import pg from 'pg';
import { LIFECYCLE_LOCK, runLifecycle } from './run';
import { createLifecycleScheduler } from './scheduler';

const demo = generateDemoDataset();
const latestPeriodEnd = demo.invoices.map((invoice) => invoice.periodEnd).sort().at(-1)!;
/** Five minutes into the day after the month following the demo's latest invoice: that month has closed. */
function nextMonthClosed(): Date {
  const next = new Date(Date.parse(`${latestPeriodEnd}T00:00:00Z`) + 86_400_000);
  return new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, 0, 5));
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const databases: ['pglite' | 'postgres'][] = testDatabaseUrl() === undefined ? [['pglite']] : [['pglite'], ['postgres']];

describe.each(databases)('the lifecycle scheduler (%s)', (kind) => {
  const instances: Instance[] = [];
  let fresh: FreshDatabase | null = null;
  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.close();
    await fresh?.drop();
    fresh = null;
  });

  it('runs on start and on every tick; with two instances at once the month is invoiced once', { timeout: 120_000 }, async () => {
    const now = nextMonthClosed();
    const options = { now: () => now, lifecycleIntervalMs: 100 };
    if (kind === 'postgres') {
      fresh = await createFreshDatabase();
      instances.push(await startInstance(fresh.url, { seed: true, ...options }));
      instances.push(await startInstance(fresh.url, options));
    } else {
      instances.push(await startInstance('pglite', { seed: true, ...options }));
    }
    const first = instances[0]!;
    const periodEnd = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const count = async (sql: string, params: readonly unknown[] = []) => (await first.store.query<{ n: number }>(sql, params))[0]!.n;
    expect(await count('SELECT count(*)::int AS n FROM invoices WHERE period_end = $1', [periodEnd])).toBe(0);

    // Both schedulers start together and an operator run lands on each meanwhile.
    for (const instance of instances) instance.service.scheduler!.start();
    const operatorRuns = await Promise.all(
      instances.map((instance) => instance.call('POST', '/v1/operator/lifecycle/run', { token: INSTANCE_OPERATOR_TOKEN, body: {} })),
    );
    for (const run of operatorRuns) expect(run.status, JSON.stringify(run.body)).toBe(200);
    await until('invoices of the closed month', () => count('SELECT count(*)::int AS n FROM invoices WHERE period_end = $1', [periodEnd]), (n) => n >= demo.orgs.length);
    // Several more ticks of every instance: nothing is made twice.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await count('SELECT count(*)::int AS n FROM invoices WHERE period_end = $1', [periodEnd])).toBe(demo.orgs.length);
    expect(await count('SELECT count(DISTINCT org_id)::int AS n FROM invoices WHERE period_end = $1', [periodEnd])).toBe(demo.orgs.length);
    expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE action = 'issueInvoice'")).toBe(demo.orgs.length);
    // Reminders: one per overdue invoice and recipient, whoever ran.
    expect(await count("SELECT count(*)::int AS n FROM invoices WHERE status = 'open' AND due_at <= $1", [now])).toBe(0);
    const reminders = await first.store.query<{ recipient: string; subject: string }>("SELECT recipient, subject FROM mail_outbox WHERE kind = 'payment_reminder'");
    expect(reminders.length).toBeGreaterThan(0);
    expect(new Set(reminders.map((mail) => `${mail.subject}/${mail.recipient.toLowerCase()}`)).size).toBe(reminders.length);
  });

  // PGlite is one connection: no other session can hold the lock there.
  if (kind === 'postgres') it('leaves the work to a run in progress elsewhere: the lock is tried, not waited for', { timeout: 60_000 }, async () => {
    fresh = await createFreshDatabase();
    const instance = await startInstance(fresh.url, { seed: true });
    instances.push(instance);
    const now = nextMonthClosed();
    const holder = new pg.Client({ connectionString: fresh.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [LIFECYCLE_LOCK]);
      const skipped = await runLifecycle(instance.store, { asOf: now, now });
      expect(skipped).toMatchObject({ ran: false, invoicesIssued: 0 });
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    const ran = await runLifecycle(instance.store, { asOf: now, now });
    expect(ran).toMatchObject({ ran: true, invoicesIssued: demo.orgs.length });
  });
});

describe('the lifecycle scheduler loop', () => {
  let instance: Instance | null = null;
  afterEach(async () => {
    await instance?.close();
  });

  it('ticks until stopped, and not after stop() resolved', async () => {
    let runs = 0;
    instance = await startInstance('pglite', { seed: false });
    const deps = {
      store: instance.store,
      notifier: instance.service.deps.notifier,
      now: () => {
        runs += 1;
        return new Date('2026-11-02T09:00:00Z');
      },
    };
    const scheduler = createLifecycleScheduler({ deps, intervalMs: 20, log: { info: () => undefined, warn: () => undefined } });
    scheduler.start();
    await until('three ticks', async () => runs, (n) => n >= 3, 10_000);
    await scheduler.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toBe(stoppedAt);
  });
});
