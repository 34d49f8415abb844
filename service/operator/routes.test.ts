import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceSchema } from '@shared/domain/invoice';
import { money, taxOf } from '@shared/money';
import { OPERATOR_TOKEN, startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';
import { BILLING_RUN_ACTOR_EMAIL } from './billing-run';

const demo = generateDemoDataset();
const org = (name: string) => demo.orgs.find((candidate) => candidate.name === name)!;
const CONTOSO = org('Contoso Dental').id;
const NORTHWIND = org('Northwind MSP').id;
const BLUE_YONDER = org('Blue Yonder Logistics');
const adminRoleIds = new Set(demo.roles.filter((role) => role.builtInKey === 'administrator' || role.builtInKey === 'owner').map((role) => role.id));
/** An active Contoso user without an admin role: one that can be deactivated. */
const CONTOSO_STAFF = demo.users.find((u) => u.orgId === CONTOSO && u.status === 'active' && !u.roleIds.some((id) => adminRoleIds.has(id)))!;

interface Line {
  subscriptionId: string | null;
  quantity: number;
  amount: number;
  description: string;
}

describe.each(testDatabases())('operator routes (%s)', (database) => {
  let service: TestService;
  const operator = (method: string, path: string, body?: unknown) =>
    service.call(method, path, { token: OPERATOR_TOKEN, ...(body === undefined ? {} : { body }) });
  const run = (asOf: string) => operator('POST', '/v1/operator/billing-runs', { asOf });
  const activeCount = async (orgId: string) =>
    (await service.store.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE org_id = $1 AND status = 'active'", [orgId]))[0]!.n;
  const perSeatSubscriptions = (orgId: string) =>
    new Set(demo.subscriptions.filter((s) => s.orgId === orgId && s.basis === 'per_active_user').map((s) => s.id));

  beforeAll(async () => {
    service = await startTestService({ database, now: new Date('2026-11-02T09:00:00Z') });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  it('needs the operator token', async () => {
    expect((await service.call('POST', '/v1/operator/billing-runs', { body: { asOf: '2026-11-30' } })).status).toBe(401);
    const owner = await service.signIn('owner@northwind.example');
    expect((await service.call('GET', '/v1/operator/mail', { token: owner.accessToken })).status).toBe(401);
    expect((await service.call('GET', '/v1/operator/mail', { token: `${OPERATOR_TOKEN}x` })).status).toBe(401);
  });

  it('refuses a bad asOf', async () => {
    // Also a run in the future (9999-12-31 ran for minutes, issuing invoices for every month until then) and an impossible offset.
    for (const asOf of ['30-11-2026', '2026-11-31', 'tomorrow', '', '9999-12-31', '2026-11-01T00:00:00+23:00', new Date(Date.parse('2026-11-02T09:00:00Z') + 60_000).toISOString()]) {
      const response = await run(asOf);
      expect(response.status, asOf).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
    expect((await operator('POST', '/v1/operator/billing-runs', { asOf: '2026-11-30', dryRun: true })).status).toBe(400);
    const [count] = await service.store.query<{ n: number }>('SELECT count(*)::int AS n FROM invoices');
    expect(count!.n).toBe(demo.invoices.length);
  });

  it('issues nothing for periods already invoiced', async () => {
    const response = await run('2026-10-31');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ issued: 0, invoices: [] });
  });

  it('issues the next month once, counting the active users at the run', async () => {
    service.setNow(new Date('2026-12-01T02:00:00Z'));
    const first = await run('2026-11-30');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.issued).toBe(first.body.invoices.length);
    // Every demo organization has a billable subscription in November.
    expect(first.body.issued).toBe(demo.orgs.length);
    const existingNumbers = new Set(demo.invoices.map((invoice) => invoice.number));
    const numbers = first.body.invoices.map((invoice: { number: string }) => invoice.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const invoice of first.body.invoices) {
      invoiceSchema.parse(invoice);
      expect(existingNumbers.has(invoice.number)).toBe(false);
      expect(invoice).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30', status: 'open', issuedAt: '2026-12-01T02:00:00.000Z', dueAt: '2026-12-15T02:00:00.000Z' });
      const perSeat = perSeatSubscriptions(invoice.orgId);
      const active = await activeCount(invoice.orgId);
      for (const line of invoice.lines as Line[]) if (line.subscriptionId !== null && perSeat.has(line.subscriptionId)) expect(line.quantity).toBe(active);
      const taxRate = demo.orgs.find((o) => o.id === invoice.orgId)!.taxRate;
      expect(invoice.tax).toBe(taxOf(money(invoice.subtotal, invoice.currency), taxRate).amount);
      expect(invoice.total).toBe(invoice.subtotal + invoice.tax);
    }

    const again = await run('2026-11-30');
    expect(again.body).toEqual({ issued: 0, invoices: [] });
    const later = await run('2026-12-01T01:00:00Z');
    expect(later.body.issued).toBe(0);
    const [count] = await service.store.query<{ n: number }>('SELECT count(*)::int AS n FROM invoices');
    expect(count!.n).toBe(demo.invoices.length + first.body.issued);

    // The invoice is readable through the API like any other.
    const owner = await service.signIn('owner@northwind.example');
    const contosoInvoice = first.body.invoices.find((invoice: { orgId: string }) => invoice.orgId === CONTOSO);
    const read = await service.call('GET', `/v1/orgs/${CONTOSO}/invoices/${contosoInvoice.id}`, { token: owner.accessToken });
    expect(read.body).toEqual(contosoInvoice);
  });

  it('mails each invoice to its invoice contacts, or the primary contact when there are none', async () => {
    const contosoRecipients = demo.billingContacts.filter((c) => c.orgId === CONTOSO && c.kinds.includes('invoices')).map((c) => c.email);
    expect(contosoRecipients.length).toBeGreaterThan(0);
    for (const to of contosoRecipients) {
      const mail = await operator('GET', `/v1/operator/mail?to=${encodeURIComponent(to)}`);
      const invoiceMail = mail.body.items.find((item: { kind: string }) => item.kind === 'invoice');
      expect(invoiceMail, to).toBeDefined();
      expect(invoiceMail.subject).toContain('November 2026');
      expect(invoiceMail.to.toLowerCase()).toBe(to.toLowerCase());
    }
    expect(demo.billingContacts.some((c) => c.orgId === BLUE_YONDER.id && c.kinds.includes('invoices'))).toBe(false);
    const primary = demo.users.find((u) => u.id === BLUE_YONDER.primaryContactUserId)!;
    const mail = await operator('GET', `/v1/operator/mail?to=${encodeURIComponent(primary.email)}`);
    expect(mail.body.items.map((item: { kind: string }) => item.kind)).toContain('invoice');

    const all = await operator('GET', '/v1/operator/mail?limit=1000');
    expect(all.status).toBe(200);
    const times = all.body.items.map((item: { createdAt: string }) => item.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.body.items[0]).toEqual({
      id: expect.any(String),
      to: expect.any(String),
      kind: expect.any(String),
      subject: expect.any(String),
      body: expect.any(String),
      createdAt: expect.any(String),
      sentAt: null,
      // No SMTP_URL in this service: mail stays queued, visible with its delivery state.
      state: 'queued',
      attempts: 0,
      lastAttemptAt: null,
      nextAttemptAt: expect.any(String),
      lastError: null,
    });
  });

  it('records an audit event by the billing run for each invoice', async () => {
    const admin = await service.signIn('admin@contoso-dental.example');
    const audit = await service.call('GET', `/v1/orgs/${CONTOSO}/audit`, { token: admin.accessToken });
    const issued = audit.body.items.filter((event: { action: string }) => event.action === 'issueInvoice');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ actorUserId: null, actorEmail: BILLING_RUN_ACTOR_EMAIL, entity: 'invoice', orgId: CONTOSO, before: null });
    const [runs] = await service.store.query<{ n: number }>("SELECT invoices_issued AS n FROM billing_runs WHERE as_of = '2026-11-30'");
    expect(runs!.n).toBe(demo.orgs.length);
  });

  it('bills one seat fewer in the next period after a user is deactivated; December adds the annual lines', async () => {
    service.setNow(new Date('2026-12-10T09:00:00Z'));
    const admin = await service.signIn('admin@contoso-dental.example');
    const before = await activeCount(CONTOSO);
    const deactivated = await service.call('POST', `/v1/orgs/${CONTOSO}/users/${CONTOSO_STAFF.id}/deactivate`, { token: admin.accessToken });
    expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);

    service.setNow(new Date('2027-01-01T01:00:00Z'));
    const december = await run('2026-12-31');
    expect(december.status).toBe(200);
    expect(december.body.issued).toBe(demo.orgs.length);
    const november = (await service.store.query<{ lines: Line[] }>("SELECT lines FROM invoices WHERE org_id = $1 AND period_start = '2026-11-01'", [CONTOSO]))[0]!.lines;
    const contoso = december.body.invoices.find((invoice: { orgId: string }) => invoice.orgId === CONTOSO);
    const perSeat = perSeatSubscriptions(CONTOSO);
    const seatLines = (lines: Line[]) => lines.filter((line) => line.subscriptionId !== null && perSeat.has(line.subscriptionId));
    expect(seatLines(november).length).toBeGreaterThan(0);
    for (const line of seatLines(november)) expect(line.quantity).toBe(before);
    for (const line of seatLines(contoso.lines)) expect(line.quantity).toBe(before - 1);

    // Northwind's annual Archive subscription is charged on the invoice of the period ending 31 December.
    const archive = demo.subscriptions.find((s) => s.orgId === NORTHWIND && s.interval === 'annual')!;
    const northwind = december.body.invoices.find((invoice: { orgId: string }) => invoice.orgId === NORTHWIND);
    expect(northwind.lines.map((line: Line) => line.subscriptionId)).toContain(archive.id);
    const northwindNovember = (await service.store.query<{ lines: Line[] }>("SELECT lines FROM invoices WHERE org_id = $1 AND period_start = '2026-11-01'", [NORTHWIND]))[0]!.lines;
    expect(northwindNovember.map((line) => line.subscriptionId)).not.toContain(archive.id);

    expect((await run('2026-12-31')).body.issued).toBe(0);
  });
});
