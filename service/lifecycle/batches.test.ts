import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_NOW } from '../../test/support/commands';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { treeLockKey, type Store, type WriteTrees } from '../db/store';
import { generateDemoDataset } from '../seed/dataset';
import { LIFECYCLE_ACTOR_EMAIL, runLifecycle, type LifecycleBatchDone } from './run';

const demo = generateDemoDataset();
const provider = demo.orgs.find((org) => org.parentId === null)!;
const DAY = 86_400_000;

/** Five minutes into the day after the first month that the seeded invoices do not cover has ended. */
function monthEndRun(): { when: Date; periodEnd: string } {
  const latest = demo.invoices.map((invoice) => invoice.periodEnd).sort().at(-1)!;
  const next = new Date(Date.parse(`${latest}T00:00:00Z`) + DAY);
  const periodEnd = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  return { when: new Date(Date.parse(`${periodEnd}T00:00:00Z`) + DAY + 5 * 60_000), periodEnd };
}

/**
 * The write locks a tenant's write of `tree` needs (store.ts: "every tree" shared, then the tree's
 * own key), tried from another connection without waiting and released at once: true when such a
 * write would go ahead now.
 */
async function treeWritable(store: Store, tree: string): Promise<boolean> {
  const [row] = await store.query<{ free: boolean }>(
    'SELECT pg_try_advisory_xact_lock_shared(7300001) AND pg_try_advisory_xact_lock(7300003, $1::int) AS free',
    [treeLockKey(tree)],
  );
  return row?.free === true;
}

describe.each(testDatabases())('the lifecycle run in batches (%s)', (database) => {
  let service: TestService;
  const rows = <R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => service.store.query<R>(sql, params);

  beforeEach(async () => {
    service = await startTestService({ database, now: DEMO_NOW });
  }, 120_000);
  afterEach(async () => {
    await service?.close();
  });

  it('resumes after a run that stopped between batches, and issues each invoice exactly once', async () => {
    const { when, periodEnd } = monthEndRun();
    service.setNow(when);
    const batchSize = 3;
    const batchCount = Math.ceil(demo.orgs.length / batchSize);
    expect(batchCount).toBeGreaterThanOrEqual(3);
    const seen: LifecycleBatchDone[] = [];
    // The process dies after the second batch committed.
    await expect(
      runLifecycle(service.store, {
        asOf: when,
        now: when,
        batchSize,
        afterBatch: (batch) => {
          seen.push(batch);
          if (batch.index === 1) throw new Error('killed between batches');
        },
      }),
    ).rejects.toThrow('killed between batches');
    expect(seen.map((batch) => [batch.index, batch.batches, batch.orgIds.length])).toEqual([
      [0, batchCount, batchSize],
      [1, batchCount, batchSize],
    ]);
    const committed = seen.flatMap((batch) => batch.orgIds);
    const invoiced = async () => rows<{ org_id: string; number: string }>('SELECT org_id, number FROM invoices WHERE period_end = $1', [periodEnd]);
    // Exactly the two batches' organizations are invoiced; the period's billing is not recorded as done.
    expect((await invoiced()).map((row) => row.org_id).sort()).toEqual([...committed].sort());
    expect(await rows('SELECT * FROM billing_runs WHERE as_of = $1', [periodEnd])).toEqual([]);

    const resumed = await runLifecycle(service.store, { asOf: when, now: when, batchSize });
    expect(resumed.invoicesIssued).toBe(demo.orgs.length - committed.length);
    const invoices = await invoiced();
    expect(invoices).toHaveLength(demo.orgs.length);
    expect(new Set(invoices.map((row) => row.org_id)).size).toBe(demo.orgs.length);
    expect(new Set(invoices.map((row) => row.number)).size).toBe(demo.orgs.length);
    const [audit] = await rows<{ n: number; subjects: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT entity_id)::int AS subjects FROM audit_events WHERE action = 'issueInvoice' AND actor_email = $1",
      [LIFECYCLE_ACTOR_EMAIL],
    );
    expect(audit).toEqual({ n: demo.orgs.length, subjects: demo.orgs.length });
    // Trials ended, invoices turned overdue and reminders: each once across both runs.
    const steps = await rows<{ action: string; n: number; subjects: number }>(
      "SELECT action, count(*)::int AS n, count(DISTINCT entity_id)::int AS subjects FROM audit_events WHERE actor_email = $1 AND action <> 'issueInvoice' GROUP BY action",
      [LIFECYCLE_ACTOR_EMAIL],
    );
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step.n, step.action).toBe(step.subjects);
    const [reminders] = await rows<{ n: number; distinct: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT (subject, lower(recipient)))::int AS distinct FROM mail_outbox WHERE kind = 'payment_reminder'",
    );
    expect(reminders!.n).toBe(reminders!.distinct);
    // Now the period is done: the billing run is recorded and a third run has nothing to do.
    expect(await rows('SELECT as_of FROM billing_runs WHERE as_of = $1', [periodEnd])).toHaveLength(1);
    expect(await runLifecycle(service.store, { asOf: when, now: when, batchSize })).toMatchObject({ ran: true, invoicesIssued: 0, trialsEnded: 0, invoicesOverdue: 0, remindersQueued: 0 });
  });

  it("lets a tenant's write through between batches, and names one tree per transaction", async () => {
    const { when, periodEnd } = monthEndRun();
    service.setNow(when);
    const owner = await service.signIn('owner@northwind.example');
    const tenant = demo.orgs.find((org) => org.name === 'Contoso Dental')!;
    const trees: (WriteTrees | undefined)[] = [];
    const probes: { tree: string; own: boolean; other: boolean }[] = [];
    const edits: number[] = [];
    // The store as the run sees it: records the trees each transaction names and, on PostgreSQL,
    // tries the write locks from another connection just before each batch commits.
    const observed: Store = {
      ...service.store,
      query: (text, params) => service.store.query(text, params),
      write: (fn, named) => {
        trees.push(named);
        return service.store.write(async (tx) => {
          const result = await fn(tx);
          if (service.store.kind === 'postgres' && Array.isArray(named) && named.length === 1) {
            probes.push({ tree: named[0]!, own: await treeWritable(service.store, named[0]!), other: await treeWritable(service.store, crypto.randomUUID()) });
          }
          return result;
        }, named);
      },
    };
    const result = await runLifecycle(observed, {
      asOf: when,
      now: when,
      batchSize: 4,
      afterBatch: async (batch) => {
        if (service.store.kind === 'postgres') expect(await treeWritable(service.store, batch.tree)).toBe(true);
        // A tenant of the tree the run works on edits its account, through the API, and it commits.
        const [org] = await rows<{ version: number }>('SELECT version FROM orgs WHERE id = $1', [tenant.id]);
        const edit = await service.call('PATCH', `/v1/orgs/${tenant.id}`, {
          token: owner.accessToken,
          body: { version: org!.version, billingEmail: `billing+${batch.index}@contoso-dental.example` },
        });
        edits.push(edit.status);
      },
    });
    expect(result.invoicesIssued).toBe(demo.orgs.length);
    const batches = Math.ceil(demo.orgs.length / 4);
    expect(edits).toEqual(Array.from({ length: batches }, () => 200));
    const [account] = await rows<{ billing_email: string }>('SELECT billing_email FROM orgs WHERE id = $1', [tenant.id]);
    expect(account?.billing_email).toBe(`billing+${batches - 1}@contoso-dental.example`);
    // The plan and the billing record name no tree; every batch names the one provider tree.
    expect(trees).toEqual([[], ...Array.from({ length: batches }, () => [provider.id]), []]);
    expect(await rows('SELECT 1 FROM invoices WHERE period_end = $1', [periodEnd])).toHaveLength(demo.orgs.length);
    if (service.store.kind === 'postgres') {
      // Inside a batch its own tree is locked (the probe can see a held lock), another tree is not.
      expect(probes).toHaveLength(batches);
      expect(probes.every((probe) => !probe.own && probe.other)).toBe(true);
    }
  });
});
