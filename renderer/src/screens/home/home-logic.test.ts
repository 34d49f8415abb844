import { describe, expect, it } from 'vitest';
import type { Permission } from '@shared/domain/permissions';
import type { HomeSummary } from '@shared/ipc/models';
import { hashOf, parseHash } from '../../state/nav-store';
import { dueFilterFrom, dueFilterLabel, matchesDue } from '../subscriptions/subscription-logic';
import { amountIn, attentionRows, currenciesOf, signed } from './home-logic';

const format = (n: number) => new Intl.NumberFormat('en').format(n);
const ALL: Permission[] = ['billing.view', 'subscriptions.view', 'users.view'];

function summary(overrides: Partial<HomeSummary['attention']> = {}): HomeSummary {
  const item = { subscriptionId: 's', orgId: 'o', orgName: 'Contoso', product: 'Backup', plan: 'Pro', status: 'trial' as const, date: '2026-11-15T00:00:00.000Z' };
  return {
    orgId: 'o',
    asOf: '2026-11-02T09:00:00.000Z',
    organizations: 3,
    attention: {
      overdueInvoices: { count: 2, totals: [{ amount: 25500, currency: 'EUR' }], items: [] },
      trialsEnding: { days: 14, count: 1, items: [item] },
      contracts: { windows: [{ days: 30, renewing: 0, ending: 0 }, { days: 60, renewing: 1, ending: 1 }, { days: 90, renewing: 2, ending: 1 }], items: [] },
      scheduledCancellations: { count: 0, items: [] },
      staleInvitations: { days: 7, count: 1200, items: [] },
      syncIssues: { count: 1 },
      ...overrides,
    },
    money: { monthlyRecurring: [], annualRunRate: [], outstanding: [], overdue: [], projected: { periodStart: null, periodEnd: null, organizations: 0, totals: [] } },
    seats: { activeNow: 0, lastInvoiced: 0, lastInvoicedMonth: null, changes: [] },
  };
}

describe('attentionRows', () => {
  it('titles each heading in words with its count, and links to the screen filtered the same way', () => {
    const rows = attentionRows(summary(), (p) => ALL.includes(p), format);
    expect(rows.map((r) => [r.id, r.title, r.tone])).toEqual([
      ['overdue', '2 overdue invoices', 'negative'],
      ['trials', '1 trial ends within 14 days', 'warning'],
      ['contracts', '3 contracts end or renew within 90 days', 'info'],
      ['cancellations', 'No scheduled cancellations', 'neutral'],
      ['invitations', '1,200 invitations waiting more than 7 days', 'info'],
      ['sync', '1 sync issue', 'negative'],
    ]);
    const links = Object.fromEntries(rows.map((r) => [r.id, r.links.map((l) => [l.screen, l.params])]));
    expect(links).toEqual({
      overdue: [['invoices', { status: 'overdue' }]],
      trials: [['subscriptions', { due: 'trial', days: '14' }]],
      contracts: [
        ['subscriptions', { due: 'contract', days: '30' }],
        ['subscriptions', { due: 'contract', days: '60' }],
        ['subscriptions', { due: 'contract', days: '90' }],
      ],
      cancellations: [],
      invitations: [['users', { status: 'pending' }]],
      sync: [['sync-issues', {}]],
    });
    expect(rows.find((r) => r.id === 'contracts')!.links.map((l) => l.label)).toEqual(['0 in 30 days', '2 in 60 days', '3 in 90 days']);
  });

  it('says calmly when there is nothing, and leaves out what the user may not see', () => {
    const calm = attentionRows(
      summary({ overdueInvoices: { count: 0, totals: [], items: [] }, trialsEnding: { days: 14, count: 0, items: [] }, syncIssues: { count: 0 } }),
      (p) => ALL.includes(p),
      format,
    );
    expect(calm.find((r) => r.id === 'overdue')).toMatchObject({ title: 'No overdue invoices', tone: 'neutral', links: [] });
    expect(calm.find((r) => r.id === 'trials')).toMatchObject({ title: 'No trial ends within 14 days', links: [] });
    expect(calm.find((r) => r.id === 'sync')).toMatchObject({ title: 'No sync issues', links: [] });
    expect(attentionRows(summary(), (p) => p === 'users.view', format).map((r) => r.id)).toEqual(['invitations', 'sync']);
    expect(attentionRows(summary(), () => false, format).map((r) => r.id)).toEqual(['sync']);
  });
});

describe('money and seats helpers', () => {
  it('keeps currencies apart', () => {
    const eur = [{ amount: 100, currency: 'EUR' }];
    const gbp = [{ amount: 5, currency: 'GBP' }, { amount: 7, currency: 'CHF' }];
    expect(currenciesOf(eur, gbp, [])).toEqual(['CHF', 'EUR', 'GBP']);
    expect(amountIn(gbp, 'GBP')).toBe(5);
    expect(amountIn(eur, 'GBP')).toBeNull();
    expect([signed(3, format), signed(-1200, format), signed(0, format)]).toEqual(['+3', '\u22121,200', '0']);
  });
});

describe('links between screens', () => {
  it('carries the filters in the hash, so a reload keeps them', () => {
    expect(hashOf('invoices', { status: 'overdue' })).toBe('#/invoices?status=overdue');
    expect(hashOf('home')).toBe('#/home');
    expect(parseHash('#/subscriptions?due=trial&days=14')).toEqual({ screen: 'subscriptions', params: { due: 'trial', days: '14' } });
    expect(parseHash('#/audit?entityId=a%20b')).toEqual({ screen: 'audit', params: { entityId: 'a b' } });
    expect(parseHash('')).toEqual({ screen: 'home', params: {} });
    expect(parseHash('#/nowhere?x=1')).toMatchObject({ screen: 'home' });
  });

  it('the subscriptions screen filters by the same rules Home counts with', () => {
    const now = new Date('2026-11-02T09:00:00.000Z');
    const trial = dueFilterFrom({ due: 'trial', days: '14' })!;
    expect(dueFilterLabel(trial)).toBe('Trials ending within 14 days');
    expect(matchesDue({ status: 'trial', trialEnd: '2026-11-15T00:00:00.000Z', contractEnd: null }, trial, now)).toBe(true);
    expect(matchesDue({ status: 'trial', trialEnd: '2026-10-15T00:00:00.000Z', contractEnd: null }, trial, now)).toBe(true);
    expect(matchesDue({ status: 'trial', trialEnd: '2026-11-30T00:00:00.000Z', contractEnd: null }, trial, now)).toBe(false);
    expect(matchesDue({ status: 'active', trialEnd: '2026-11-15T00:00:00.000Z', contractEnd: null }, trial, now)).toBe(false);
    const contract = dueFilterFrom({ due: 'contract', days: '30' })!;
    expect(dueFilterLabel(contract)).toBe('Contracts ending or renewing within 30 days');
    expect(matchesDue({ status: 'active', trialEnd: null, contractEnd: '2026-11-30T23:59:59.000Z' }, contract, now)).toBe(true);
    expect(matchesDue({ status: 'active', trialEnd: null, contractEnd: '2026-12-31T23:59:59.000Z' }, contract, now)).toBe(false);
    expect(matchesDue({ status: 'cancelled', trialEnd: null, contractEnd: '2026-11-30T23:59:59.000Z' }, contract, now)).toBe(false);
    expect(matchesDue({ status: 'active', trialEnd: null, contractEnd: '2026-10-30T23:59:59.000Z' }, contract, now)).toBe(false);
    expect(matchesDue({ status: 'active', trialEnd: null, contractEnd: null }, null, now)).toBe(true);
    for (const bad of [{}, { due: 'trial' }, { due: 'trial', days: '0' }, { due: 'trial', days: '1.5' }, { due: 'other', days: '14' }]) expect(dueFilterFrom(bad)).toBeNull();
  });
});
