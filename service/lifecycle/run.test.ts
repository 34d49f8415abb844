import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientsFor } from '@shared/domain/billing-contact';
import { auditEventSchema } from '@shared/domain/audit';
import { emailKey } from '@shared/email';
import { DEMO_NOW } from '../../test/support/commands';
import { OPERATOR_TOKEN, startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';
import { connectEvents } from '../testing/event-client';
import { LIFECYCLE_ACTOR_EMAIL, runLifecycle } from './run';

const demo = generateDemoDataset();
const orgNamed = (name: string) => demo.orgs.find((org) => org.name === name)!;
const MINUTE = 60_000;
const after = (instant: string, ms = MINUTE) => new Date(Date.parse(instant) + ms);

/** The seeded subscriptions a lifecycle run as of `at` must change. */
function dueBy(at: Date) {
  const atMs = at.getTime();
  return {
    trials: demo.subscriptions.filter((s) => s.status === 'trial' && s.trialEnd !== null && Date.parse(s.trialEnd) <= atMs),
    cancellations: demo.subscriptions.filter((s) => s.status === 'cancel_scheduled' && s.cancelAt !== null && Date.parse(s.cancelAt) <= atMs),
  };
}

/** Who gets a payment reminder for an organization's invoice, by the shared rule. */
function reminderRecipients(orgId: string): string[] {
  const org = demo.orgs.find((candidate) => candidate.id === orgId)!;
  const primary = demo.users.find((user) => user.id === org.primaryContactUserId)?.email ?? null;
  return recipientsFor('payment_reminders', demo.billingContacts.filter((contact) => contact.orgId === orgId), primary);
}

describe.each(testDatabases())('the billing lifecycle (%s)', (database) => {
  let service: TestService;
  const operator = (asOf?: string) =>
    service.call('POST', '/v1/operator/lifecycle/run', { token: OPERATOR_TOKEN, body: asOf === undefined ? {} : { asOf } });
  const rows = <R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => service.store.query<R>(sql, params);
  const clientId = randomUUID();
  let startCursor = 0;

  beforeAll(async () => {
    service = await startTestService({ database, now: DEMO_NOW });
    // Where a client that synced everything before the runs stands.
    const [sequence] = await rows<{ last_value: number }>('SELECT last_value FROM change_seq');
    startCursor = Number(sequence?.last_value ?? 0);
  }, 120_000);
  afterAll(async () => {
    await service?.close();
  });

  it('does nothing when nothing is due, and refuses a run later than now', async () => {
    const response = await operator();
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ ran: true, asOf: DEMO_NOW.toISOString().replace('.000Z', 'Z'), trialsEnded: 0, cancellationsApplied: 0, invoicesIssued: 0, invoicesOverdue: 0, remindersQueued: 0 });
    const future = await operator(after(DEMO_NOW.toISOString()).toISOString());
    expect(future.status).toBe(400);
    expect(future.body.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('cannot be later than now') });
    expect((await operator('tomorrow')).status).toBe(400);
    expect((await service.call('POST', '/v1/operator/lifecycle/run', { body: {} })).status).toBe(401);
  });

  it('ends a trial on its date: converted when nobody cancelled it, cancelled when the cancellation was asked for', async () => {
    const contosoTrial = demo.subscriptions.find((s) => s.orgId === orgNamed('Contoso Dental').id && s.status === 'trial')!;
    const alpineTrial = demo.subscriptions.find((s) => s.orgId === orgNamed('Alpine Ski House').id && s.status === 'cancel_scheduled' && s.trialEnd !== null)!;
    const when = after([contosoTrial.trialEnd!, alpineTrial.cancelAt!].sort().at(-1)!);
    const expected = dueBy(when);
    expect(expected.trials.map((s) => s.id)).toContain(contosoTrial.id);
    service.setNow(when);
    const events = await connectEvents(service.url, (await service.signIn('admin@contoso-dental.example')).accessToken);
    try {
      const response = await operator();
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ trialsEnded: expected.trials.length, cancellationsApplied: expected.cancellations.length });
      // The client of a changed organization is poked.
      expect(await events.waitForPokes(1, 5_000)).toBe(true);
    } finally {
      events.close();
    }
    const [contoso] = await rows('SELECT status, version, trial_end FROM subscriptions WHERE id = $1', [contosoTrial.id]);
    expect(contoso).toMatchObject({ status: 'active', version: contosoTrial.version + 1 });
    const [alpine] = await rows('SELECT status, cancel_at FROM subscriptions WHERE id = $1', [alpineTrial.id]);
    expect(alpine).toMatchObject({ status: 'cancelled' });
    expect(new Date(alpine!['cancel_at'] as string).toISOString()).toBe(new Date(alpineTrial.cancelAt!).toISOString());

    const audit = await rows<{ action: string; actor_user_id: string | null; actor_email: string; origin: unknown; before: { status: string }; after: { status: string } }>(
      "SELECT action, actor_user_id, actor_email, origin, before, after FROM audit_events WHERE entity_id = $1 AND entity = 'subscription'",
      [contosoTrial.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({ action: 'endTrial', actor_user_id: null, actor_email: LIFECYCLE_ACTOR_EMAIL, origin: { kind: 'scheduler', asOf: when.toISOString().replace('.000Z', 'Z') } }),
    ]);
    expect(audit[0]!.before.status).toBe('trial');
    expect(audit[0]!.after.status).toBe('active');
    // The contacts who take subscription changes hear of it.
    const mail = await rows<{ recipient: string }>("SELECT recipient FROM mail_outbox WHERE kind = 'subscription_change' AND subject LIKE 'Seatdesk Endpoint Protection%trial ended%'");
    const contacts = recipientsFor('subscription_changes', demo.billingContacts.filter((c) => c.orgId === contosoTrial.orgId), null);
    expect(mail.map((m) => m.recipient).filter((r) => contacts.includes(r)).sort()).toEqual([...contacts].sort());

    // Again, as of the same instant: nothing more.
    expect((await operator()).body).toMatchObject({ trialsEnded: 0, cancellationsApplied: 0, invoicesIssued: 0, invoicesOverdue: 0, remindersQueued: 0 });
  });

  it('makes open invoices past due overdue and queues exactly one payment reminder per recipient', async () => {
    const open = demo.invoices.filter((invoice) => invoice.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    const when = after(open.map((invoice) => invoice.dueAt).sort().at(-1)!);
    const stillOpen = new Set((await rows<{ id: string }>("SELECT id FROM invoices WHERE status = 'open'")).map((row) => row.id));
    const flipping = open.filter((invoice) => stillOpen.has(invoice.id));
    service.setNow(when);
    const first = await operator();
    expect(first.status).toBe(200);
    const expectedReminders = open.flatMap((invoice) => reminderRecipients(invoice.orgId).map((to) => `${invoice.id}/${emailKey(to)}`)).sort();
    expect(first.body).toMatchObject({
      invoicesOverdue: flipping.length,
      remindersQueued: flipping.reduce((sum, invoice) => sum + reminderRecipients(invoice.orgId).length, 0),
    });
    // Twice more, and two at once: no invoice flips twice, no reminder is queued twice.
    const [second, third, direct] = await Promise.all([operator(), operator(), runLifecycle(service.store, { asOf: when, now: when })]);
    expect([second, third].map((r) => r.body.remindersQueued + r.body.invoicesOverdue)).toEqual([0, 0]);
    expect(direct).toMatchObject({ invoicesOverdue: 0, remindersQueued: 0 });

    const statuses = await rows<{ status: string }>('SELECT status FROM invoices WHERE id = ANY($1::uuid[])', [open.map((invoice) => invoice.id)]);
    expect(statuses.every((row) => row.status === 'overdue')).toBe(true);
    const reminders = await rows<{ recipient: string; org_id: string; subject: string; body: string }>("SELECT recipient, org_id, subject, body FROM mail_outbox WHERE kind = 'payment_reminder'");
    const sent = reminders.map((mail) => `${open.find((invoice) => mail.subject.includes(invoice.number))?.id}/${emailKey(mail.recipient)}`).sort();
    expect(sent).toEqual(expectedReminders);
    // The legacy organization has no contact for reminders: its primary contact gets it.
    const legacy = orgNamed('Blue Yonder Logistics');
    const legacyPrimary = demo.users.find((user) => user.id === legacy.primaryContactUserId)!.email;
    expect(reminders.filter((mail) => mail.org_id === legacy.id).map((mail) => mail.recipient)).toEqual([legacyPrimary]);
    expect(reminders[0]?.body).toContain('has not been paid yet');
    const audit = await rows<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'markInvoiceOverdue' AND actor_email = $1", [LIFECYCLE_ACTOR_EMAIL]);
    expect(audit[0]?.n).toBe(open.length);
  });

  it('issues the invoices of a closed month once at its end, from the active seats then, even when run at once', async () => {
    const latest = demo.invoices.map((invoice) => invoice.periodEnd).sort().at(-1)!;
    const nextMonthStart = new Date(Date.parse(`${latest}T00:00:00Z`) + 86_400_000);
    const periodEnd = new Date(Date.UTC(nextMonthStart.getUTCFullYear(), nextMonthStart.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const when = after(`${periodEnd}T00:00:00Z`, 86_400_000 + 5 * MINUTE);
    service.setNow(when);
    const contoso = orgNamed('Contoso Dental').id;
    // A seat change before the period end shows on the invoice without an operator.
    const staff = demo.users.find((user) => user.orgId === contoso && user.status === 'pending')!;
    await rows("UPDATE users SET status = 'active' WHERE id = $1", [staff.id]);
    const [active] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE org_id = $1 AND status = 'active'", [contoso]);

    const runs = await Promise.all([runLifecycle(service.store, { asOf: when, now: when }), runLifecycle(service.store, { asOf: when, now: when }), operator()]);
    const issued = runs[0].invoicesIssued + runs[1].invoicesIssued + runs[2].body.invoicesIssued;
    expect(issued).toBe(demo.orgs.length);
    expect((await operator()).body.invoicesIssued).toBe(0);
    const invoices = await rows<{ org_id: string; lines: { subscriptionId: string; quantity: number }[]; status: string }>(
      'SELECT org_id, lines, status FROM invoices WHERE period_end = $1',
      [periodEnd],
    );
    expect(invoices).toHaveLength(demo.orgs.length);
    expect(new Set(invoices.map((invoice) => invoice.org_id)).size).toBe(demo.orgs.length);
    const perSeat = demo.subscriptions.find((s) => s.orgId === contoso && s.basis === 'per_active_user' && s.status === 'active')!;
    const contosoInvoice = invoices.find((invoice) => invoice.org_id === contoso)!;
    expect(contosoInvoice.lines.find((line) => line.subscriptionId === perSeat.id)?.quantity).toBe(active!.n);
    // The trial that converted during the month is billed; the trial cancelled at its end is not.
    const contosoTrial = demo.subscriptions.find((s) => s.orgId === contoso && s.status === 'trial')!;
    expect(contosoInvoice.lines.some((line) => line.subscriptionId === contosoTrial.id)).toBe(true);
    const alpineTrial = demo.subscriptions.find((s) => s.orgId === orgNamed('Alpine Ski House').id && s.status === 'cancel_scheduled' && s.trialEnd !== null)!;
    expect(invoices.some((invoice) => invoice.lines.some((line) => line.subscriptionId === alpineTrial.id))).toBe(false);
    const [audit] = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'issueInvoice' AND actor_email = $1 AND origin->>'kind' = 'scheduler'",
      [LIFECYCLE_ACTOR_EMAIL],
    );
    expect(audit?.n).toBe(demo.orgs.length);
  });

  it('applies a cancellation scheduled at a contract end at cancelAt, and bills the month it ran in', async () => {
    const contractEnd = demo.subscriptions.find((s) => s.status === 'cancel_scheduled' && s.trialEnd === null)!;
    const when = after(contractEnd.cancelAt!, 10 * MINUTE);
    service.setNow(when);
    const response = await operator();
    expect(response.body.cancellationsApplied).toBeGreaterThanOrEqual(1);
    const [row] = await rows('SELECT status FROM subscriptions WHERE id = $1', [contractEnd.id]);
    expect(row).toMatchObject({ status: 'cancelled' });
    const cancelMonthEnd = contractEnd.cancelAt!.slice(0, 10);
    const [billed] = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM invoices WHERE period_end = $1 AND lines @> $2::jsonb",
      [cancelMonthEnd, JSON.stringify([{ subscriptionId: contractEnd.id }])],
    );
    expect(billed?.n).toBe(1);
  });

  it('shows every change in a pull and in the audit log of the organization', async () => {
    const owner = await service.signIn('owner@northwind.example');
    const changes: { entity: string; data: { status?: string; origin?: { kind: string } } }[] = [];
    let cursor = startCursor;
    for (;;) {
      const page = await service.call('GET', `/v1/sync/pull?cursor=${cursor}&limit=1000&clientId=${clientId}`, { token: owner.accessToken });
      expect(page.status).toBe(200);
      changes.push(...page.body.changes);
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    const statuses = (entity: string) => new Set(changes.filter((change) => change.entity === entity).map((change) => change.data.status));
    expect(statuses('subscription')).toEqual(new Set(['active', 'cancelled']));
    expect(statuses('invoice').has('overdue')).toBe(true);
    expect(statuses('invoice').has('open')).toBe(true);
    const scheduled = changes.filter((change) => change.entity === 'audit_event' && change.data.origin?.kind === 'scheduler');
    expect(new Set(scheduled.map((change) => (change.data as { action: string }).action))).toEqual(
      new Set(['endTrial', 'applyScheduledCancellation', 'markInvoiceOverdue', 'issueInvoice']),
    );
    for (const change of scheduled) auditEventSchema.parse(change.data);

    const contoso = orgNamed('Contoso Dental').id;
    const log = await service.call('GET', `/v1/orgs/${contoso}/audit`, { token: owner.accessToken });
    expect(log.status).toBe(200);
    const actions = log.body.items.filter((event: { actorEmail: string }) => event.actorEmail === LIFECYCLE_ACTOR_EMAIL).map((event: { action: string }) => event.action);
    expect(new Set(actions)).toEqual(new Set(['endTrial', 'markInvoiceOverdue', 'issueInvoice']));
  });
});
