import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice } from '@shared/domain/invoice';
import type { Subscription } from '@shared/domain/subscription';
import type { InvoiceSummary } from '@shared/ipc/models';
import { DEMO_NOW } from '../../../test/support/commands';
import { startDemoCache, type DemoCache, editRow, firstId } from '../../../test/support/cache-fixture';
import { OPERATOR_TOKEN } from '../../../test/support/service';
import { getInvoice, listInvoices } from './invoices';
import { projectedInvoice } from './projected-invoice';
import { spend } from './spend';

let cache: DemoCache;
let orgs: { id: string; name: string }[];
beforeAll(async () => {
  cache = await startDemoCache();
  orgs = (await cache.get('/v1/orgs')).items;
});
afterAll(async () => {
  await cache?.close();
});

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
type ListedInvoice = Invoice & { orgName?: string };

function summaryOf({ lines: _lines, version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...invoice }: ListedInvoice, orgName: string): InvoiceSummary {
  return { ...invoice, orgName };
}

describe('listInvoices and getInvoice', () => {
  it("lists one organization's invoices as the service does, newest first", async () => {
    for (const org of orgs) {
      const { items } = (await cache.get(`/v1/orgs/${org.id}/invoices`)) as { items: ListedInvoice[] };
      expect(listInvoices(cache.db, { orgId: org.id }), org.name).toEqual(items.map((invoice) => summaryOf(invoice, org.name)));
      expect(items.length).toBeGreaterThan(0);
    }
  });

  it('with includeChildren lists the children\'s invoices too, in the service\'s order', async () => {
    for (const name of ['Northwind MSP', 'Tailspin Solutions']) {
      const orgId = cache.orgId(name);
      const { items } = (await cache.get(`/v1/orgs/${orgId}/invoices?includeChildren=true`)) as { items: (ListedInvoice & { orgName: string })[] };
      expect(listInvoices(cache.db, { orgId, includeChildren: true }), name).toEqual(items.map((invoice) => summaryOf(invoice, invoice.orgName)));
    }
  });

  it('filters by status and by the month the period starts in, [from, to)', async () => {
    const orgId = cache.orgId('Northwind MSP');
    const { items } = (await cache.get(`/v1/orgs/${orgId}/invoices?includeChildren=true`)) as { items: ListedInvoice[] };
    const statuses = new Set(items.map((invoice) => invoice.status));
    expect(statuses.size).toBeGreaterThan(2);
    for (const status of ['open', 'paid', 'void', 'overdue'] as const) {
      expect(listInvoices(cache.db, { orgId, includeChildren: true, status }).map((i) => i.id)).toEqual(items.filter((i) => i.status === status).map((i) => i.id));
    }
    const between = items.filter((i) => i.periodStart >= '2026-05-01' && i.periodStart < '2026-08-01').map((i) => i.id);
    expect(between.length).toBeGreaterThan(0);
    for (const [from, to] of [['2026-05-01', '2026-08-01'], ['2026-05', '2026-08'], ['2026-05-01T00:00:00Z', '2026-08-01T00:00:00.000Z']] as const) {
      expect(listInvoices(cache.db, { orgId, includeChildren: true, from, to }).map((i) => i.id), `${from} ${to}`).toEqual(between);
    }
    expect(listInvoices(cache.db, { orgId, includeChildren: true, from: '2026-10-01' }).every((i) => i.periodStart === '2026-10-01')).toBe(true);
    expect(() => listInvoices(cache.db, { orgId, from: 'last tuesday' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('answers one invoice with its lines as the service does, or null', async () => {
    const org = orgs.find((o) => o.name === 'Coho Winery')!;
    const { items } = (await cache.get(`/v1/orgs/${org.id}/invoices`)) as { items: ListedInvoice[] };
    for (const listed of items.slice(0, 3)) {
      const invoice = await cache.get(`/v1/orgs/${org.id}/invoices/${listed.id}`);
      expect(invoice.lines.length).toBeGreaterThan(0);
      expect(getInvoice(cache.db, listed.id)).toEqual({ ...invoice, orgName: org.name });
    }
    expect(getInvoice(cache.db, UNKNOWN)).toBeNull();
    expect(getInvoice(cache.db, 'SD-2026-000001')).toBeNull();
    expect(listInvoices(cache.db, { orgId: UNKNOWN, includeChildren: true })).toEqual([]);
    expect(listInvoices(cache.db, { orgId: 'not-an-id' })).toEqual([]);
  });
});

describe('spend', () => {
  it('sums the last 12 closed months per currency, void left out, and the seats billed per organization', async () => {
    const orgId = cache.orgId('Northwind MSP');
    const { items: invoices } = (await cache.get(`/v1/orgs/${orgId}/invoices?includeChildren=true`)) as { items: ListedInvoice[] };
    const { items: subscriptions } = (await cache.get(`/v1/orgs/${orgId}/subscriptions?includeChildren=true`)) as { items: Subscription[] };
    const perSeat = new Set(subscriptions.filter((s) => s.basis === 'per_active_user').map((s) => s.id));

    const months = spend(cache.db, { orgId, includeChildren: true }, DEMO_NOW);
    expect(months.map((m) => m.month)).toEqual([
      '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10',
    ]);
    let multiCurrency = 0;
    for (const month of months) {
      const billed = invoices.filter((i) => i.periodStart.startsWith(month.month) && i.status !== 'void');
      const totals = new Map<string, number>();
      for (const invoice of billed) totals.set(invoice.currency, (totals.get(invoice.currency) ?? 0) + invoice.total);
      expect(month.totals, month.month).toEqual([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency })));
      if (month.totals.length > 1) multiCurrency += 1;
      // Per organization, the active users billed on its per-seat lines (counted once however many per-seat subscriptions).
      const seats = new Map<string, number>();
      for (const invoice of billed) {
        for (const line of invoice.lines) {
          if (line.subscriptionId !== null && perSeat.has(line.subscriptionId)) seats.set(invoice.orgId, Math.max(seats.get(invoice.orgId) ?? 0, line.quantity));
        }
      }
      expect(month.activeSeats, month.month).toBe([...seats.values()].reduce((sum, n) => sum + n, 0));
      expect(month.activeSeats).toBeGreaterThan(0);
    }
    expect(multiCurrency).toBe(12); // Margie's Travel bills in GBP, the rest in EUR.
  });

  it('covers one organization alone without includeChildren, and nothing for an unknown one', async () => {
    const org = orgs.find((o) => o.name === 'Contoso Dental')!;
    const { items } = (await cache.get(`/v1/orgs/${org.id}/invoices`)) as { items: ListedInvoice[] };
    const months = spend(cache.db, { orgId: org.id }, DEMO_NOW);
    const voided = items.find((i) => i.status === 'void')!;
    expect(months.find((m) => m.month === voided.periodStart.slice(0, 7))).toMatchObject({ totals: [], activeSeats: 0 });
    const october = items.find((i) => i.periodStart === '2026-10-01')!;
    expect(months.at(-1)).toEqual({ month: '2026-10', totals: [{ amount: october.total, currency: 'EUR' }], activeSeats: october.lines[0]!.quantity });
    // A year later the old invoices fall out of the window.
    expect(spend(cache.db, { orgId: org.id }, new Date('2027-11-02T09:00:00Z')).every((m) => m.totals.length === 0 && m.activeSeats === 0)).toBe(true);
    expect(spend(cache.db, { orgId: UNKNOWN, includeChildren: true }, DEMO_NOW)).toEqual([]);
    expect(spend(cache.db, { orgId: 'x' }, DEMO_NOW)).toEqual([]);
  });
});

describe('projectedInvoice', () => {
  it('bills the period after the latest invoice at the current active users, checked by hand on one subscription', async () => {
    const org = orgs.find((o) => o.name === 'Contoso Dental')!;
    const { activeCount } = await cache.get(`/v1/orgs/${org.id}/users`);
    const account = await cache.get(`/v1/orgs/${org.id}`);
    const { items: subscriptions } = (await cache.get(`/v1/orgs/${org.id}/subscriptions`)) as { items: Subscription[] };
    const pro = subscriptions.find((s) => s.product === 'Seatdesk Pro')!;
    const backup = subscriptions.find((s) => s.product === 'Seatdesk Backup')!;
    const trial = subscriptions.find((s) => s.status === 'trial')!;
    expect(pro.basis).toBe('per_active_user');
    expect(account.taxRate).toBe(2100);

    const projected = projectedInvoice(cache.db, org.id, DEMO_NOW);
    expect(projected).toMatchObject({ orgId: org.id, periodStart: '2026-11-01', periodEnd: '2026-11-30', activeSeats: activeCount });
    const proLine = projected.lines.find((l) => l.subscriptionId === pro.id)!;
    expect(proLine).toEqual({
      subscriptionId: pro.id,
      description: `Seatdesk Pro — ${pro.plan} plan, ${activeCount} active users, November 2026`,
      quantity: activeCount,
      unitPrice: 1250,
      amount: 1250 * activeCount,
      currency: 'EUR',
    });
    expect(projected.lines.find((l) => l.subscriptionId === backup.id)).toMatchObject({ quantity: 20, amount: 20 * backup.unitPrice });
    // A trial that ends within the period is billed for it, as the billing run does (@shared/domain/lifecycle isBillableIn).
    expect(Date.parse(trial.trialEnd!)).toBeLessThan(Date.parse('2026-12-01T00:00:00Z'));
    const trialSeats = trial.basis === 'per_active_user' ? activeCount : trial.quantity;
    expect(projected.lines.find((l) => l.subscriptionId === trial.id)).toMatchObject({ quantity: trialSeats, amount: trialSeats * trial.unitPrice });
    const subtotal = 1250 * activeCount + 20 * backup.unitPrice + trialSeats * trial.unitPrice;
    expect(projected.lines).toHaveLength(3);
    expect(projected.totals).toEqual([{ currency: 'EUR', subtotal, tax: Math.round((subtotal * 21) / 100), total: subtotal + Math.round((subtotal * 21) / 100) }]);
  });

  it('counts pending activations, rounds tax half to even, and projects the current month before any invoice', () => {
    const orgId = cache.orgId('Contoso Dental');
    const before = projectedInvoice(cache.db, orgId, DEMO_NOW);
    cache.scratch(() => {
      editRow(cache.db, 'user', firstId(cache.db, "SELECT id FROM users WHERE org_id = ? AND status = 'pending'", orgId), { status: 'active' });
      const after = projectedInvoice(cache.db, orgId, DEMO_NOW);
      expect(after.activeSeats).toBe(before.activeSeats + 1);
      const perSeat = (projection: typeof before) => projection.lines.find((l) => l.description.includes('active user'))!.quantity;
      expect(perSeat(after)).toBe(perSeat(before) + 1);
      const perSeatPrices = after.lines.filter((l) => l.description.includes('active user')).reduce((sum, l) => sum + l.unitPrice, 0);
      expect(perSeatPrices).toBeGreaterThanOrEqual(1250);
      expect(after.totals[0]!.subtotal).toBe(before.totals[0]!.subtotal + perSeatPrices);

      // One fixed line of 0.50 at 21 %: tax 0.105 rounds to 0.10 (even); 1.50 gives 0.315, rounded to 0.32.
      const keep = cache.db.prepare("SELECT id FROM subscriptions WHERE org_id = ? AND json_extract(data, '$.basis') = 'fixed_quantity'").get(orgId) as { id: string };
      for (const other of cache.db.prepare('SELECT id FROM subscriptions WHERE org_id = ? AND id <> ?').all(orgId, keep.id) as { id: string }[]) {
        editRow(cache.db, 'subscription', other.id, { status: 'cancelled' });
      }
      editRow(cache.db, 'subscription', keep.id, { quantity: 1, unitPrice: 50 });
      expect(projectedInvoice(cache.db, orgId, DEMO_NOW).totals).toEqual([{ currency: 'EUR', subtotal: 50, tax: 10, total: 60 }]);
      editRow(cache.db, 'subscription', keep.id, { unitPrice: 150 });
      expect(projectedInvoice(cache.db, orgId, DEMO_NOW).totals).toEqual([{ currency: 'EUR', subtotal: 150, tax: 32, total: 182 }]);

      cache.db.prepare('DELETE FROM invoices WHERE org_id = ?').run(orgId);
      expect(projectedInvoice(cache.db, orgId, new Date('2027-02-10T12:00:00Z'))).toMatchObject({ periodStart: '2027-02-01', periodEnd: '2027-02-28' });
    });
  });

  it('charges an annual subscription only on the December period, and nothing for an unknown organization', () => {
    const orgId = cache.orgId('Northwind MSP');
    const annual = cache.db.prepare("SELECT id FROM subscriptions WHERE org_id = ? AND json_extract(data, '$.interval') = 'annual'").get(orgId) as { id: string };
    expect(projectedInvoice(cache.db, orgId, DEMO_NOW).lines.some((l) => l.subscriptionId === annual.id)).toBe(false);
    cache.scratch(() => {
      // Pretend November is invoiced: the next period is December, which ends the year.
      editRow(cache.db, 'invoice', firstId(cache.db, 'SELECT id FROM invoices WHERE org_id = ? ORDER BY period_start DESC', orgId), { periodEnd: '2026-11-30' });
      const december = projectedInvoice(cache.db, orgId, DEMO_NOW);
      expect(december.periodStart).toBe('2026-12-01');
      expect(december.lines.find((l) => l.subscriptionId === annual.id)?.description).toMatch(/, 2026$/);
    });
    expect(projectedInvoice(cache.db, 'x', DEMO_NOW).lines).toEqual([]);
    expect(projectedInvoice(cache.db, UNKNOWN, DEMO_NOW)).toEqual({ orgId: UNKNOWN, periodStart: '2026-11-01', periodEnd: '2026-11-30', lines: [], totals: [], activeSeats: 0 });
  });

  // Last in the file: it moves the service's clock and issues November's invoices.
  it('matches the invoices the billing run then issues, for every organization', async () => {
    const projections = new Map(orgs.map((org) => [org.id, projectedInvoice(cache.db, org.id, DEMO_NOW)]));
    cache.test.setNow(new Date('2026-12-01T00:05:00Z'));
    const run = await cache.test.call('POST', '/v1/operator/billing-runs', { token: OPERATOR_TOKEN, body: { asOf: '2026-11-30' } });
    expect(run.status).toBe(200);
    expect(run.body.issued).toBeGreaterThan(5);
    await cache.sync();
    for (const org of orgs) {
      const projected = projections.get(org.id)!;
      const issued = listInvoices(cache.db, { orgId: org.id, from: '2026-11-01' }).map((summary) => getInvoice(cache.db, summary.id)!);
      expect(issued.map((i) => i.currency), org.name).toEqual(projected.totals.map((t) => t.currency));
      for (const invoice of issued) {
        expect({ periodStart: invoice.periodStart, periodEnd: invoice.periodEnd }).toEqual({ periodStart: projected.periodStart, periodEnd: projected.periodEnd });
        expect(invoice.lines, org.name).toEqual(projected.lines.filter((l) => l.currency === invoice.currency).map(({ currency: _currency, ...line }) => line));
        expect(projected.totals.find((t) => t.currency === invoice.currency)).toEqual({ currency: invoice.currency, subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total });
      }
    }
  });
});
