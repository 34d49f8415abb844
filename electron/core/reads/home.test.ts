import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_WINDOWS_DAYS,
  contractEndsWithin,
  contractOutcome,
  isOutstanding,
  isOverdue,
  isRecurringNow,
  isScheduledCancellation,
  isStaleInvitation,
  trialEndsWithin,
} from '@shared/domain/attention';
import type { Invoice } from '@shared/domain/invoice';
import type { Subscription } from '@shared/domain/subscription';
import type { User } from '@shared/domain/user';
import type { Money } from '@shared/money';
import { EntityRows } from '../cache/rows';
import { openCacheDatabase } from '../db/open';
import { DEMO_NOW } from '../../../test/support/commands';
import { editRow, startDemoCache, writeChanges, type DemoCache } from '../../../test/support/cache-fixture';
import { homeSummary, HOME_LIST_LENGTH } from './home';
import { orgIdsInScope } from './scope';
import { projectedInvoice } from './projected-invoice';

let cache: DemoCache;
beforeAll(async () => {
  cache = await startDemoCache();
});
afterAll(async () => {
  await cache?.close();
});

const DAY_MS = 86_400_000;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const later = (days: number) => new Date(DEMO_NOW.getTime() + days * DAY_MS);
/** Moments that move items in and out of every window: the demo's day, and 10, 40, 75 and 400 days on. */
const MOMENTS = [DEMO_NOW, later(10), later(40), later(75), later(400)];

/** Every row of an entity in the scope, parsed in JS: the oracle the SQL aggregates are checked against. */
function rowsOf<T>(table: string, orgIds: readonly string[]): T[] {
  return (cache.db.prepare(`SELECT data FROM ${table}`).all() as { data: string }[])
    .map((row) => JSON.parse(row.data) as T & { orgId: string })
    .filter((row) => orgIds.includes(row.orgId));
}

function sums(items: readonly { amount: number; currency: string }[]): Money[] {
  const totals = new Map<string, number>();
  for (const { amount, currency } of items) totals.set(currency, (totals.get(currency) ?? 0) + amount);
  return [...totals].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency));
}

function activeUsersOf(orgId: string): number {
  return (cache.db.prepare("SELECT count(*) AS n FROM users WHERE org_id = ? AND status = 'active'").get(orgId) as { n: number }).n;
}

const SCOPES = ['Northwind MSP', 'Fabrikam IT Partners', 'Contoso Dental'];

describe('homeSummary', () => {
  it('lists what needs attention by the shared rules, for the organization and everything below it, at any moment', () => {
    for (const name of SCOPES) {
      const orgId = cache.orgId(name);
      const orgIds = orgIdsInScope(cache.db, { orgId, includeChildren: true });
      const subscriptions = rowsOf<Subscription>('subscriptions', orgIds);
      const invoices = rowsOf<Invoice>('invoices', orgIds);
      for (const now of MOMENTS) {
        const home = homeSummary(cache.db, { orgId }, now);
        const label = `${name} at ${now.toISOString()}`;
        expect(home.organizations, label).toBe(orgIds.length);
        expect(home.asOf).toBe(now.toISOString());

        const trials = subscriptions.filter((s) => trialEndsWithin(s, now));
        expect(home.attention.trialsEnding.count, label).toBe(trials.length);
        expect(home.attention.trialsEnding.items.map((i) => i.subscriptionId).sort(), label).toEqual(
          trials.length <= HOME_LIST_LENGTH ? trials.map((s) => s.id).sort() : expect.any(Array),
        );
        for (const window of home.attention.contracts.windows) {
          const within = subscriptions.filter((s) => contractEndsWithin(s, now, window.days));
          expect(window, `${label} ${window.days} days`).toEqual({
            days: window.days,
            renewing: within.filter((s) => contractOutcome(s) === 'renews').length,
            ending: within.filter((s) => contractOutcome(s) === 'ends').length,
          });
        }
        expect(home.attention.contracts.windows.map((w) => w.days)).toEqual([...CONTRACT_WINDOWS_DAYS]);
        expect(home.attention.scheduledCancellations.count, label).toBe(subscriptions.filter(isScheduledCancellation).length);

        const overdue = invoices.filter(isOverdue);
        expect(home.attention.overdueInvoices.count, label).toBe(overdue.length);
        expect(home.attention.overdueInvoices.totals, label).toEqual(sums(overdue.map((i) => ({ amount: i.total, currency: i.currency }))));
        expect(home.money.overdue).toEqual(home.attention.overdueInvoices.totals);
        expect(home.money.outstanding, label).toEqual(sums(invoices.filter(isOutstanding).map((i) => ({ amount: i.total, currency: i.currency }))));
        expect(home.attention.overdueInvoices.items, label).toEqual(
          [...overdue]
            .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.number.localeCompare(b.number))
            .slice(0, HOME_LIST_LENGTH)
            .map((i) => ({ invoiceId: i.id, orgId: i.orgId, orgName: expect.any(String), number: i.number, dueAt: i.dueAt, total: i.total, currency: i.currency })),
        );
      }
    }
  });

  it('has something under each heading with the demo data, named and dated', () => {
    const home = homeSummary(cache.db, { orgId: cache.orgId('Northwind MSP') }, DEMO_NOW);
    expect(home.organizations).toBeGreaterThan(5);
    expect(home.attention.overdueInvoices.count).toBeGreaterThan(0);
    expect(home.attention.trialsEnding.count).toBeGreaterThan(0);
    expect(home.attention.scheduledCancellations.count).toBeGreaterThan(0);
    expect(home.attention.contracts.windows.at(-1)!.renewing + home.attention.contracts.windows.at(-1)!.ending).toBeGreaterThan(0);
    for (const item of [...home.attention.trialsEnding.items, ...home.attention.scheduledCancellations.items, ...home.attention.contracts.items]) {
      expect(item.orgName).not.toBe('');
      expect(Date.parse(item.date)).not.toBeNaN();
    }
    // Soonest first.
    const dates = home.attention.scheduledCancellations.items.map((i) => Date.parse(i.date));
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    // Windows count what ends by then: each holds the one before it.
    const totals = home.attention.contracts.windows.map((w) => w.renewing + w.ending);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(home.money.monthlyRecurring.length).toBeGreaterThan(0);
  });

  it('recurring revenue: monthly subscriptions plus a twelfth of annual ones, per currency, never mixed; the run rate is twelve months of it', () => {
    for (const name of SCOPES) {
      const orgId = cache.orgId(name);
      const orgIds = orgIdsInScope(cache.db, { orgId, includeChildren: true });
      const subscriptions = rowsOf<Subscription>('subscriptions', orgIds);
      for (const now of MOMENTS) {
        const recurring = subscriptions.filter((s) => isRecurringNow(s, now));
        const amount = (s: Subscription) => s.unitPrice * (s.basis === 'per_active_user' ? activeUsersOf(s.orgId) : s.quantity);
        const monthly = sums(recurring.filter((s) => s.interval === 'monthly').map((s) => ({ amount: amount(s), currency: s.currency })));
        const annual = sums(recurring.filter((s) => s.interval === 'annual').map((s) => ({ amount: amount(s), currency: s.currency })));
        const currencies = [...new Set([...monthly, ...annual].map((m) => m.currency))].sort();
        const of = (list: Money[], currency: string) => list.find((m) => m.currency === currency)?.amount ?? 0;
        const home = homeSummary(cache.db, { orgId }, now);
        expect(home.money.annualRunRate, name).toEqual(currencies.map((currency) => ({ currency, amount: of(monthly, currency) * 12 + of(annual, currency) })));
        for (const [index, currency] of currencies.entries()) {
          const mrr = home.money.monthlyRecurring[index]!;
          expect(mrr.currency).toBe(currency);
          expect(Number.isInteger(mrr.amount)).toBe(true);
          expect(Math.abs(mrr.amount - (of(monthly, currency) + of(annual, currency) / 12))).toBeLessThanOrEqual(0.5);
        }
      }
    }
    // Trials are free and cancelled subscriptions are not billed: a trial alone adds nothing.
    const contoso = cache.orgId('Contoso Dental');
    cache.scratch(() => {
      const before = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW).money;
      const subscription = rowsOf<Subscription>('subscriptions', [contoso]).find((s) => s.status === 'active' && s.interval === 'monthly')!;
      editRow(cache.db, 'subscription', subscription.id, { status: 'trial', trialEnd: later(20).toISOString() });
      const after = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW).money;
      const seats = subscription.basis === 'per_active_user' ? activeUsersOf(contoso) : subscription.quantity;
      expect(after.annualRunRate).toEqual(before.annualRunRate.map((m) => (m.currency === subscription.currency ? { ...m, amount: m.amount - 12 * seats * subscription.unitPrice } : m)).filter((m) => m.amount !== 0));
    });
  });

  it('projects the next invoice total across organizations as the sum of each projected invoice', () => {
    for (const name of SCOPES) {
      const orgId = cache.orgId(name);
      for (const now of [DEMO_NOW, later(75)]) {
        const projections = orgIdsInScope(cache.db, { orgId, includeChildren: true }).map((id) => projectedInvoice(cache.db, id, now));
        const billed = projections.filter((p) => p.totals.length > 0);
        const home = homeSummary(cache.db, { orgId }, now);
        expect(home.money.projected.totals, name).toEqual(sums(billed.flatMap((p) => p.totals.map((t) => ({ amount: t.total, currency: t.currency })))));
        expect(home.money.projected.organizations).toBe(billed.length);
        expect(home.money.projected.periodStart).toBe(billed.length === 0 ? null : billed.map((p) => p.periodStart).sort()[0]);
        expect(home.money.projected.periodEnd).toBe(billed.length === 0 ? null : billed.map((p) => p.periodEnd).sort().at(-1));
      }
    }
  });

  it('compares seats billed per active user now with the latest invoice, organization by organization', () => {
    const orgId = cache.orgId('Northwind MSP');
    const orgIds = orgIdsInScope(cache.db, { orgId, includeChildren: true });
    const subscriptions = rowsOf<Subscription>('subscriptions', orgIds);
    const invoices = rowsOf<Invoice>('invoices', orgIds).filter((i) => i.status !== 'void');
    const perSeat = new Set(subscriptions.filter((s) => s.basis === 'per_active_user').map((s) => s.id));
    const expected = orgIds.map((id) => {
      const billedNow = subscriptions.some((s) => s.orgId === id && s.basis === 'per_active_user' && isRecurringNow(s, DEMO_NOW));
      const own = invoices.filter((i) => i.orgId === id);
      const latest = own.map((i) => i.periodStart).sort().at(-1);
      const seatLines = own.filter((i) => i.periodStart === latest).flatMap((i) => i.lines.filter((l) => l.subscriptionId !== null && perSeat.has(l.subscriptionId)));
      const invoiced = seatLines.length === 0 ? null : Math.max(...seatLines.map((l) => l.quantity));
      return { id, now: billedNow ? activeUsersOf(id) : 0, invoiced, month: seatLines.length === 0 ? null : latest!.slice(0, 7) };
    });
    const home = homeSummary(cache.db, { orgId }, DEMO_NOW);
    expect(home.seats.activeNow).toBe(expected.reduce((sum, e) => sum + e.now, 0));
    expect(home.seats.lastInvoiced).toBe(expected.reduce((sum, e) => sum + (e.invoiced ?? 0), 0));
    expect(home.seats.lastInvoicedMonth).toBe(expected.map((e) => e.month).filter((m) => m !== null).sort().at(-1) ?? null);
    const moved = expected.filter((e) => e.now !== (e.invoiced ?? 0)).map((e) => ({ orgId: e.id, change: e.now - (e.invoiced ?? 0) }));
    expect(home.seats.changes.map((c) => ({ orgId: c.orgId, change: c.change }))).toEqual(
      moved.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.change - a.change).slice(0, HOME_LIST_LENGTH).map((c) => expect.objectContaining({ change: c.change })),
    );
    for (const change of home.seats.changes) expect(change.change).toBe(change.now - change.invoiced);

    // A deactivation in the view (a pending change) shows at once, as a seat fewer.
    const contoso = cache.orgId('Contoso Dental');
    cache.scratch(() => {
      const before = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW).seats;
      const user = rowsOf<User>('users', [contoso]).find((u) => u.status === 'active')!;
      editRow(cache.db, 'user', user.id, { status: 'deactivated' });
      const after = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW).seats;
      expect(before.activeNow).toBeGreaterThan(0);
      expect(after.activeNow).toBe(before.activeNow - 1);
      expect(after.lastInvoiced).toBe(before.lastInvoiced);
    });
  });

  it('names invitations pending for more than 7 days, counting a resend as a new invitation', async () => {
    const orgId = cache.orgId('Northwind MSP');
    const orgIds = orgIdsInScope(cache.db, { orgId, includeChildren: true });
    const pending = rowsOf<User>('users', orgIds).filter((u) => u.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    for (const now of MOMENTS) {
      const stale = pending.filter((u) => isStaleInvitation(u, now));
      const home = homeSummary(cache.db, { orgId }, now);
      expect(home.attention.staleInvitations.count, now.toISOString()).toBe(stale.length);
      expect(home.attention.staleInvitations.items.length).toBe(Math.min(HOME_LIST_LENGTH, stale.length));
      for (const item of home.attention.staleInvitations.items) expect(stale.map((u) => u.id)).toContain(item.userId);
    }
    // Resent now (on the service's clock, DEMO_NOW): not stale a week later, stale again after that.
    const invitee = [...pending].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0]!;
    const soon = later(3);
    expect(homeSummary(cache.db, { orgId }, soon).attention.staleInvitations.items.map((i) => i.userId)).toContain(invitee.id);
    const resent = await cache.test.call('POST', `/v1/orgs/${invitee.orgId}/invitations/${invitee.id}/resend`, { token: cache.owner.accessToken, body: {} });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    await cache.sync();
    const afterResend = homeSummary(cache.db, { orgId }, soon).attention.staleInvitations;
    expect(afterResend.count).toBe(pending.filter((u) => isStaleInvitation(u, soon)).length - 1);
    const weekLater = homeSummary(cache.db, { orgId }, later(8)).attention.staleInvitations;
    expect(weekLater.count).toBe(pending.filter((u) => isStaleInvitation(u, later(8))).length);
  });

  it('counts the open sync issues; answers an empty summary for an organization not in the cache', () => {
    const orgId = cache.orgId('Contoso Dental');
    cache.scratch(() => {
      const insert = cache.db.prepare(
        `INSERT INTO sync_issues (mutation_id, kind, command_name, args, entity, entity_id, org_id, created_at, resolved_at)
         VALUES (?, 'rejected', 'updateUser', '{}', 'user', NULL, ?, ?, ?)`,
      );
      insert.run(9001, orgId, DEMO_NOW.toISOString(), null);
      insert.run(9002, orgId, DEMO_NOW.toISOString(), null);
      insert.run(9003, orgId, DEMO_NOW.toISOString(), DEMO_NOW.toISOString());
      expect(homeSummary(cache.db, { orgId }, DEMO_NOW).attention.syncIssues.count).toBe(2);
    });
    expect(homeSummary(cache.db, { orgId }, DEMO_NOW).attention.syncIssues.count).toBe(0);
    for (const id of [UNKNOWN, 'not-an-id']) {
      const empty = homeSummary(cache.db, { orgId: id }, DEMO_NOW);
      expect(empty.organizations).toBe(0);
      expect(empty.attention.overdueInvoices).toEqual({ count: 0, totals: [], items: [] });
      expect(empty.money).toEqual({ monthlyRecurring: [], annualRunRate: [], outstanding: [], overdue: [], projected: { periodStart: null, periodEnd: null, organizations: 0, totals: [] } });
      expect(empty.seats).toEqual({ activeNow: 0, lastInvoiced: 0, lastInvoicedMonth: null, changes: [] });
    }
    expect(() => homeSummary(cache.db, { orgId: 'x'.repeat(300) }, DEMO_NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('homeSummary after a seat change in the period', () => {
  it("reads each projection's changes: those of its month, and in December the year's for annual subscriptions", () => {
    const northwind = cache.orgId('Northwind MSP');
    const contoso = cache.orgId('Contoso Dental');
    const archive = rowsOf<Subscription>('subscriptions', [northwind]).find((s) => s.interval === 'annual')!;
    const backup = rowsOf<Subscription>('subscriptions', [contoso]).find((s) => s.product === 'Seatdesk Backup')!;
    const change = (subscription: Subscription, at: string, quantity: number) => ({
      seq: 1,
      entity: 'audit_event' as const,
      id: randomUUID(),
      orgId: subscription.orgId,
      op: 'upsert' as const,
      version: 1,
      data: {
        id: randomUUID(),
        orgId: subscription.orgId,
        actorUserId: null,
        actorEmail: 'owner@northwind.example',
        entity: 'subscription',
        entityId: subscription.id,
        action: 'changeSubscriptionQuantity',
        before: subscription,
        after: { ...subscription, quantity },
        at,
        origin: { kind: 'online' },
      },
    });
    const prorations = (orgId: string, now: Date) => projectedInvoice(cache.db, orgId, now).lines.filter((line) => line.description.startsWith('Proration:')).map((line) => line.description);
    const homeMatches = (now: Date) => {
      const billed = orgIdsInScope(cache.db, { orgId: northwind, includeChildren: true })
        .map((id) => projectedInvoice(cache.db, id, now))
        .filter((p) => p.totals.length > 0);
      expect(homeSummary(cache.db, { orgId: northwind }, now).money.projected.totals).toEqual(sums(billed.flatMap((p) => p.totals.map((t) => ({ amount: t.total, currency: t.currency })))));
    };
    cache.scratch(() => {
      writeChanges(cache.db, [
        change(archive, '2026-03-10T12:00:00Z', archive.quantity + 1),
        change(backup, '2026-10-31T23:59:59Z', backup.quantity + 2),
        change(backup, '2026-11-02T00:00:00Z', backup.quantity + 5),
      ]);
      // November (after October's invoices): Backup's change in it, not the one of October's last second; Archive's waits for December.
      expect(prorations(contoso, DEMO_NOW)).toEqual([`Proration: ${backup.quantity} to ${backup.quantity + 5} seats from 2026-11-02 (29 of 30 days)`]);
      expect(prorations(northwind, DEMO_NOW)).toEqual([]);
      homeMatches(DEMO_NOW);

      // Once Northwind MSP has November's invoice, its next one is December's, which bills Archive for the year.
      const november = rowsOf<Invoice>('invoices', [northwind]).sort((a, b) => b.periodStart.localeCompare(a.periodStart))[0]!;
      writeChanges(cache.db, [
        {
          seq: 1,
          entity: 'invoice',
          id: randomUUID(),
          orgId: northwind,
          op: 'upsert',
          version: 1,
          data: { ...november, id: randomUUID(), number: `${november.number}-NOV`, status: 'paid', periodStart: '2026-11-01', periodEnd: '2026-11-30' },
        },
      ]);
      expect(prorations(northwind, later(40))).toEqual([`Proration: ${archive.quantity} to ${archive.quantity + 1} seats from 2026-03-10 (297 of 365 days)`]);
      homeMatches(later(40));
    });
  });

  it('projects the total of each projected invoice, the proration line of the change included', async () => {
    const contoso = cache.orgId('Contoso Dental');
    const backup = rowsOf<Subscription>('subscriptions', [contoso]).find((s) => s.product === 'Seatdesk Backup')!;
    expect([backup.basis, backup.quantity]).toEqual(['fixed_quantity', 20]);
    // 20 -> 25 seats on 12 November, inside Contoso's projected period (November), made on the
    // service at that moment; its audit event reaches the cache with the pull.
    cache.test.setNow(later(10));
    try {
      const { accessToken } = await cache.test.signIn('owner@northwind.example');
      const response = await cache.test.call('POST', `/v1/orgs/${contoso}/subscriptions/${backup.id}/quantity`, { token: accessToken, body: { quantity: 25 } });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      await cache.sync();
    } finally {
      cache.test.setNow(DEMO_NOW);
    }

    const now = later(12);
    const own = projectedInvoice(cache.db, contoso, now);
    expect(own.lines.filter((line) => line.description.startsWith('Proration:')).map((line) => [line.description, line.amount])).toEqual([
      // 5 seats x 3.00 for 19 of 30 days (9.50) less the whole month the arrears line charges at 25 (15.00).
      ['Proration: 20 to 25 seats from 2026-11-12 (19 of 30 days)', 950 - 1500],
    ]);
    // Contoso Dental and the provider above it.
    for (const name of ['Contoso Dental', 'Northwind MSP']) {
      const orgId = cache.orgId(name);
      const projections = orgIdsInScope(cache.db, { orgId, includeChildren: true }).map((id) => projectedInvoice(cache.db, id, now));
      const billed = projections.filter((p) => p.totals.length > 0);
      expect(billed.map((p) => p.orgId), name).toContain(contoso);
      const home = homeSummary(cache.db, { orgId }, now);
      expect(home.money.projected.totals, name).toEqual(sums(billed.flatMap((p) => p.totals.map((t) => ({ amount: t.total, currency: t.currency })))));
      expect(home.money.projected.organizations, name).toBe(billed.length);
    }
  });
});

describe("homeSummary between reads (each organization's facts are kept until its rows are written)", () => {
  /** Home as a connection that has never read it computes it: every fact read afresh. */
  function coldHome(orgId: string, now: Date) {
    const fresh = openCacheDatabase(cache.file);
    try {
      return homeSummary(fresh, { orgId }, now);
    } finally {
      fresh.close();
    }
  }

  it("bills the seats of an organization's latest period not void; the projection still follows its latest period", () => {
    const contoso = cache.orgId('Contoso Dental');
    const invoices = rowsOf<Invoice>('invoices', [contoso]);
    const periods = [...new Set(invoices.map((i) => i.periodStart))].sort();
    expect(periods.length).toBeGreaterThanOrEqual(2);
    const [previous, latest] = periods.slice(-2) as [string, string];
    const seatsOf = (start: string) => Math.max(...invoices.filter((i) => i.periodStart === start).flatMap((i) => i.lines.filter((l) => l.description.includes('active user')).map((l) => l.quantity)));
    const before = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW);
    cache.scratch(() => {
      for (const invoice of invoices.filter((i) => i.periodStart === latest)) editRow(cache.db, 'invoice', invoice.id, { status: 'void' });
      editRow(cache.db, 'invoice', invoices.find((i) => i.periodStart === previous)!.id, { lines: invoices.find((i) => i.periodStart === previous)!.lines.map((l) => (l.description.includes('active user') ? { ...l, quantity: l.quantity + 7 } : l)) });
      const voided = homeSummary(cache.db, { orgId: contoso }, DEMO_NOW);
      expect(voided.seats.lastInvoicedMonth).toBe(previous.slice(0, 7));
      expect(voided.seats.lastInvoiced).toBe(seatsOf(previous) + 7);
      expect(voided.money.projected.periodStart).toBe(before.money.projected.periodStart);
    });
    expect(before.seats.lastInvoicedMonth).toBe(latest.slice(0, 7));
    expect(before.seats.lastInvoiced).toBe(seatsOf(latest));
  });

  it('answers as a first read after writes through the cache writer, a rolled back one, and another connection', () => {
    const northwind = cache.orgId('Northwind MSP');
    const contoso = cache.orgId('Contoso Dental');
    const now = later(10);
    expect(homeSummary(cache.db, { orgId: northwind }, now)).toEqual(coldHome(northwind, now));
    const rows = EntityRows.of(cache.db);
    const user = rowsOf<User>('users', [contoso]).find((u) => u.status === 'active')!;
    const invoice = rowsOf<Invoice>('invoices', orgIdsInScope(cache.db, { orgId: northwind, includeChildren: true })).find((i) => i.status === 'open')!;
    const restore = [rows.get('user', user.id)!, rows.get('invoice', invoice.id)!];
    try {
      // A seat fewer in Contoso and an invoice paid elsewhere, written as the sync engine writes them.
      const before = homeSummary(cache.db, { orgId: northwind }, now);
      editRow(cache.db, 'user', user.id, { status: 'deactivated' });
      editRow(cache.db, 'invoice', invoice.id, { status: 'paid' });
      const after = homeSummary(cache.db, { orgId: northwind }, now);
      expect(after.seats.activeNow).toBe(before.seats.activeNow - 1);
      expect(after.money.outstanding).not.toEqual(before.money.outstanding);
      expect(after).toEqual(coldHome(northwind, now));

      // A write rolled back leaves what the first read showed.
      cache.db.exec('SAVEPOINT undone');
      editRow(cache.db, 'user', user.id, { status: 'active' });
      expect(homeSummary(cache.db, { orgId: northwind }, now).seats.activeNow).toBe(before.seats.activeNow);
      cache.db.exec('ROLLBACK TO undone');
      cache.db.exec('RELEASE undone');
      expect(homeSummary(cache.db, { orgId: northwind }, now)).toEqual(after);

      // Another connection's write (its own writer, which this one's never hears of): seen through data_version.
      const other = openCacheDatabase(cache.file);
      try {
        editRow(other, 'user', user.id, { status: 'active' });
      } finally {
        other.close();
      }
      const reactivated = homeSummary(cache.db, { orgId: northwind }, now);
      expect(reactivated.seats.activeNow).toBe(before.seats.activeNow);
      expect(reactivated).toEqual(coldHome(northwind, now));
    } finally {
      const rows = EntityRows.of(cache.db);
      for (const [entity, row] of [['user', restore[0]!], ['invoice', restore[1]!]] as const) rows.upsert(entity, row);
    }
    expect(homeSummary(cache.db, { orgId: northwind }, now)).toEqual(coldHome(northwind, now));
  });
});
