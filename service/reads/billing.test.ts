import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingContactSchema } from '@shared/domain/billing-contact';
import { invoiceSchema, type Invoice } from '@shared/domain/invoice';
import { paymentMethodSchema } from '@shared/domain/payment-method';
import { roleSchema } from '@shared/domain/role';
import { subscriptionSchema } from '@shared/domain/subscription';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';

const demo = generateDemoDataset();
const org = (name: string) => {
  const found = demo.orgs.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no demo organization ${name}`);
  return found;
};
const NORTHWIND = org('Northwind MSP').id;
const FABRIKAM = org('Fabrikam IT Partners').id;
const CONTOSO = org('Contoso Dental').id;
const ALPINE = org('Alpine Ski House').id;
const WINGTIP = org('Wingtip Toys').id;

/** An active user of the organization whose only grant is the built-in Member role. */
function memberOf(orgId: string): string {
  const member = demo.roles.find((role) => role.orgId === orgId && role.builtInKey === 'member')!;
  const user = demo.users.find((u) => u.orgId === orgId && u.status === 'active' && u.permissions.length === 0 && u.roleIds.length === 1 && u.roleIds[0] === member.id);
  if (user === undefined) throw new Error('the demo has no plain Member here');
  return user.email;
}

const OWNER = 'owner@northwind.example';
const BILLING = 'billing@northwind.example';
const READONLY = 'readonly@northwind.example';
const MEMBER = memberOf(NORTHWIND);
/** The service prints instants with milliseconds; the dataset without. */
const asServed = (invoice: Invoice): Invoice => ({
  ...invoice,
  createdAt: new Date(invoice.createdAt).toISOString(),
  updatedAt: new Date(invoice.updatedAt).toISOString(),
  issuedAt: new Date(invoice.issuedAt).toISOString(),
  dueAt: new Date(invoice.dueAt).toISOString(),
});

const CONTOSO_ADMIN = 'admin@contoso-dental.example';
const FABRIKAM_ADMIN = 'admin@fabrikam-it-partners.example';

describe.each(testDatabases())('billing reads (%s)', (database) => {
  let service: TestService;
  const tokens: Record<string, string> = {};
  const get = (path: string, who: string) => service.call('GET', path, { token: tokens[who]! });

  beforeAll(async () => {
    service = await startTestService({ database, now: new Date('2026-11-02T09:00:00Z') });
    for (const email of [OWNER, BILLING, READONLY, MEMBER, CONTOSO_ADMIN, FABRIKAM_ADMIN]) tokens[email] = (await service.signIn(email)).accessToken;
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  it('lists roles, billing contacts and payment methods as the wire shapes', async () => {
    const roles = await get(`/v1/orgs/${CONTOSO}/roles`, CONTOSO_ADMIN);
    expect(roles.status).toBe(200);
    expect(roles.body.items.map((role: { id: string }) => role.id).sort()).toEqual(demo.roles.filter((r) => r.orgId === CONTOSO).map((r) => r.id).sort());
    for (const role of roles.body.items) roleSchema.parse(role);
    expect(roles.body.items.filter((role: { builtIn: boolean }) => role.builtIn)).toHaveLength(5);

    const contacts = await get(`/v1/orgs/${CONTOSO}/billing-contacts`, CONTOSO_ADMIN);
    expect(contacts.status).toBe(200);
    expect(contacts.body.items.map((c: { email: string }) => c.email).sort()).toEqual(demo.billingContacts.filter((c) => c.orgId === CONTOSO).map((c) => c.email).sort());
    for (const contact of contacts.body.items) billingContactSchema.parse(contact);

    const methods = await get(`/v1/orgs/${CONTOSO}/payment-methods`, CONTOSO_ADMIN);
    expect(methods.status).toBe(200);
    expect(methods.body.items).toHaveLength(demo.paymentMethods.filter((m) => m.orgId === CONTOSO).length);
    expect(methods.body.items[0].isDefault).toBe(true);
    for (const method of methods.body.items) {
      paymentMethodSchema.parse(method);
      expect(method).not.toHaveProperty('processorRef');
    }
  });

  it('checks the permission of each list: Read Only reads billing, Billing lacks subscriptions, a Member lacks invoices', async () => {
    const expectations: [string, string, number][] = [
      [READONLY, 'invoices', 200],
      [READONLY, 'billing-contacts', 200],
      [READONLY, 'payment-methods', 200],
      [READONLY, 'subscriptions', 200],
      [READONLY, 'roles', 200],
      [BILLING, 'invoices', 200],
      [BILLING, 'payment-methods', 200],
      [BILLING, 'subscriptions', 403],
      [BILLING, 'roles', 403],
      [MEMBER, 'roles', 200],
      [MEMBER, 'invoices', 403],
      [MEMBER, 'billing-contacts', 403],
      [MEMBER, 'payment-methods', 403],
      [MEMBER, 'subscriptions', 403],
    ];
    for (const [who, list, status] of expectations) {
      const response = await get(`/v1/orgs/${NORTHWIND}/${list}`, who);
      expect(response.status, `${who} ${list}`).toBe(status);
      if (status === 403) expect(response.body.error.code).toBe('FORBIDDEN');
    }
    // The provider's Read Only user reads a customer's invoices too: permissions apply below.
    expect((await get(`/v1/orgs/${ALPINE}/invoices`, READONLY)).status).toBe(200);
  });

  it('answers NOT_FOUND outside scope, before looking at permissions', async () => {
    for (const list of ['roles', 'billing-contacts', 'subscriptions', 'invoices', 'payment-methods']) {
      for (const target of [NORTHWIND, ALPINE]) {
        const response = await get(`/v1/orgs/${target}/${list}`, CONTOSO_ADMIN);
        expect(response.status, `${list} of ${target}`).toBe(404);
        expect(response.body.error.code).toBe('NOT_FOUND');
      }
    }
    const parentInvoice = demo.invoices.find((invoice) => invoice.orgId === NORTHWIND)!;
    expect((await get(`/v1/orgs/${NORTHWIND}/invoices/${parentInvoice.id}`, CONTOSO_ADMIN)).status).toBe(404);
    expect((await get(`/v1/orgs/${NORTHWIND}/invoices?includeChildren=true`, FABRIKAM_ADMIN)).status).toBe(404);
  });

  it("lists an organization's own subscriptions, or with includeChildren every descendant's with orgName", async () => {
    const own = await get(`/v1/orgs/${FABRIKAM}/subscriptions`, FABRIKAM_ADMIN);
    expect(own.status).toBe(200);
    expect(own.body.items.map((s: { id: string }) => s.id).sort()).toEqual(demo.subscriptions.filter((s) => s.orgId === FABRIKAM).map((s) => s.id).sort());
    for (const item of own.body.items) expect(item).not.toHaveProperty('orgName');

    const all = await get(`/v1/orgs/${FABRIKAM}/subscriptions?includeChildren=true`, FABRIKAM_ADMIN);
    expect(all.status).toBe(200);
    const subtree = new Set([FABRIKAM, ALPINE, WINGTIP]);
    expect(all.body.items.map((s: { id: string }) => s.id).sort()).toEqual(demo.subscriptions.filter((s) => subtree.has(s.orgId)).map((s) => s.id).sort());
    for (const item of all.body.items) {
      subscriptionSchema.parse(item);
      expect(item.orgName).toBe(demo.orgs.find((o) => o.id === item.orgId)!.name);
    }
    // The organization's own come first.
    expect(all.body.items[0].orgId).toBe(FABRIKAM);

    const everything = await get(`/v1/orgs/${NORTHWIND}/subscriptions?includeChildren=true`, OWNER);
    expect(everything.body.items).toHaveLength(demo.subscriptions.length);
    expect((await get(`/v1/orgs/${FABRIKAM}/subscriptions?includeChildren=false`, FABRIKAM_ADMIN)).body.items).toHaveLength(own.body.items.length);
  });

  it('refuses an includeChildren that is not true or false, and unknown query fields', async () => {
    for (const query of ['includeChildren=yes', 'includeChildren=1', 'other=true']) {
      const response = await get(`/v1/orgs/${FABRIKAM}/invoices?${query}`, FABRIKAM_ADMIN);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
  });

  it('lists invoices newest period first with lines; includeChildren adds the descendants with orgName', async () => {
    const own = await get(`/v1/orgs/${CONTOSO}/invoices`, CONTOSO_ADMIN);
    expect(own.status).toBe(200);
    const expected = demo.invoices.filter((invoice) => invoice.orgId === CONTOSO);
    expect(own.body.items).toHaveLength(expected.length);
    const periods = own.body.items.map((invoice: { periodEnd: string }) => invoice.periodEnd);
    expect(periods).toEqual([...periods].sort().reverse());
    for (const invoice of own.body.items) invoiceSchema.parse(invoice);
    const latest = expected.reduce((a, b) => (a.periodEnd > b.periodEnd ? a : b));
    expect(own.body.items[0]).toEqual(asServed(latest));

    const all = await get(`/v1/orgs/${FABRIKAM}/invoices?includeChildren=true`, FABRIKAM_ADMIN);
    const subtree = new Set([FABRIKAM, ALPINE, WINGTIP]);
    expect(all.body.items).toHaveLength(demo.invoices.filter((invoice) => subtree.has(invoice.orgId)).length);
    expect(new Set(all.body.items.map((invoice: { orgName: string }) => invoice.orgName))).toEqual(new Set(['Fabrikam IT Partners', 'Alpine Ski House', 'Wingtip Toys']));
    for (const invoice of all.body.items) {
      expect(invoice.orgName).toBe(demo.orgs.find((o) => o.id === invoice.orgId)!.name);
      const { orgName: _orgName, ...wire } = invoice;
      invoiceSchema.parse(wire);
    }
  });

  it('answers one invoice with its lines, only under its own organization', async () => {
    const invoice = demo.invoices.find((candidate) => candidate.orgId === ALPINE && candidate.lines.length >= 2)!;
    const response = await get(`/v1/orgs/${ALPINE}/invoices/${invoice.id}`, FABRIKAM_ADMIN);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(asServed(invoice));
    expect(response.body.lines.length).toBeGreaterThanOrEqual(2);
    expect(response.body.subtotal).toBe(response.body.lines.reduce((sum: number, line: { amount: number }) => sum + line.amount, 0));

    const wrongOrg = await get(`/v1/orgs/${FABRIKAM}/invoices/${invoice.id}`, FABRIKAM_ADMIN);
    expect(wrongOrg.status).toBe(404);
    expect(wrongOrg.body.error.code).toBe('NOT_FOUND');
    expect((await get(`/v1/orgs/${ALPINE}/invoices/00000000-0000-4000-8000-000000000000`, FABRIKAM_ADMIN)).status).toBe(404);
    expect((await get(`/v1/orgs/${NORTHWIND}/invoices/${demo.invoices.find((i) => i.orgId === NORTHWIND)!.id}`, MEMBER)).status).toBe(403);
  });
});
