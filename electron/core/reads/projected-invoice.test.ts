import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '@shared/domain/subscription';
import { startDemoCache, type DemoCache } from '../../../test/support/cache-fixture';
import { OPERATOR_TOKEN } from '../../../test/support/service';
import { getInvoice, listInvoices } from './invoices';
import { projectedInvoice } from './projected-invoice';

let cache: DemoCache;
beforeAll(async () => {
  cache = await startDemoCache();
});
afterAll(async () => {
  await cache?.close();
});

describe('projectedInvoice with seat and plan changes in the period', () => {
  it('adds the proration lines the billing run adds, line by line, and the same totals', async () => {
    const orgId = cache.orgId('Contoso Dental');
    const { items } = (await cache.get(`/v1/orgs/${orgId}/subscriptions`)) as { items: Subscription[] };
    const backup = items.find((s) => s.product === 'Seatdesk Backup')!;
    const pro = items.find((s) => s.product === 'Seatdesk Pro')!;
    expect([backup.basis, backup.quantity, pro.plan]).toEqual(['fixed_quantity', 20, 'Business']);
    const change = async (at: string, path: string, body: unknown) => {
      cache.test.setNow(new Date(at));
      // Signed in at the moved clock: an access token lasts 15 minutes.
      const { accessToken } = await cache.test.signIn('owner@northwind.example');
      const response = await cache.test.call('POST', `/v1/orgs/${orgId}/subscriptions/${path}`, { token: accessToken, body });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    // Mid-November: 20 -> 25 seats on the 12th, back down to 22 on the 20th, and Pro moves to Standard on the 25th.
    await change('2026-11-12T10:00:00Z', `${backup.id}/quantity`, { quantity: 25 });
    await change('2026-11-20T15:30:00Z', `${backup.id}/quantity`, { quantity: 22 });
    await change('2026-11-25T08:00:00Z', `${pro.id}/plan`, { plan: 'Standard' });
    await cache.sync();

    const projected = projectedInvoice(cache.db, orgId, new Date('2026-11-25T09:00:00Z'));
    const prorations = projected.lines.filter((line) => line.description.startsWith('Proration:'));
    expect(prorations.map((line) => line.description)).toEqual([
      'Proration: 20 to 25 seats from 2026-11-12 (19 of 30 days)',
      'Proration: 25 to 22 seats from 2026-11-20 (11 of 30 days)',
      'Proration: Business to Standard plan from 2026-11-25 (6 of 30 days)',
    ]);
    // By hand for the seats: 20 seats the whole month (60.00) + 5 x 3.00 x 19/30 (9.50) - 3 x 3.00 x 11/30 (3.30) = 66.20,
    // which the arrears line at 22 seats (66.00) plus the corrections make.
    const backupLines = projected.lines.filter((line) => line.subscriptionId === backup.id);
    expect(backupLines.reduce((sum, line) => sum + line.amount, 0)).toBe(6000 + 950 - 330);

    const when = new Date('2026-12-01T00:05:00Z');
    cache.test.setNow(when);
    // The lifecycle run, as the scheduler makes it at the month's end (it bills through the service's billing run).
    const run = await cache.test.call('POST', '/v1/operator/lifecycle/run', { token: OPERATOR_TOKEN, body: {} });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.invoicesIssued).toBeGreaterThan(5);
    await cache.sync();
    const issued = listInvoices(cache.db, { orgId, from: '2026-11-01' }).map((summary) => getInvoice(cache.db, summary.id)!);
    expect(issued.map((invoice) => invoice.currency)).toEqual(projected.totals.map((total) => total.currency));
    for (const invoice of issued) {
      expect({ periodStart: invoice.periodStart, periodEnd: invoice.periodEnd }).toEqual({ periodStart: projected.periodStart, periodEnd: projected.periodEnd });
      const mine = projected.lines.filter((line) => line.currency === invoice.currency).map(({ currency: _currency, ...line }) => line);
      expect(invoice.lines).toHaveLength(mine.length);
      invoice.lines.forEach((line, index) => expect(mine[index], line.description).toEqual(line));
      expect(projected.totals.find((total) => total.currency === invoice.currency)).toEqual({ currency: invoice.currency, subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total });
    }
  });
});
