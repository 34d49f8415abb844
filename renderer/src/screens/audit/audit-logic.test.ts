import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '@shared/domain/audit';
import { actorChoices, actorOf, auditValue, groupEvents, isBackwards, localDayRange } from './audit-logic';

beforeAll(() => {
  // Days are the user's own: pick a zone with an offset and a daylight-saving change.
  vi.stubEnv('TZ', 'Europe/Amsterdam');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
function event(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: id(n),
    orgId: id(100),
    actorUserId: id(200),
    actorEmail: 'owner@northwind.example',
    entity: 'user',
    entityId: id(300 + n),
    action: 'inviteUsers',
    before: null,
    after: { email: `p${n}@x.example`, firstName: 'P', lastName: String(n) },
    at: '2026-11-03T10:00:00.000Z',
    origin: { kind: 'online' },
    ...overrides,
  };
}

describe('localDayRange', () => {
  it('turns the local days picked into [start of the first, start of the day after the last), in UTC', () => {
    expect(localDayRange('2026-11-03', '2026-11-04')).toEqual({ from: '2026-11-02T23:00:00.000Z', to: '2026-11-04T23:00:00.000Z' });
    // The day summer time starts has 23 hours.
    expect(localDayRange('2026-03-29', '2026-03-29')).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(localDayRange('', '2026-11-04')).toEqual({ to: '2026-11-04T23:00:00.000Z' });
    expect(localDayRange('2026-11-03', '')).toEqual({ from: '2026-11-02T23:00:00.000Z' });
    expect(localDayRange('', '')).toEqual({});
    expect(localDayRange('03/11/2026', 'soon')).toEqual({});
    expect(isBackwards('2026-11-04', '2026-11-03')).toBe(true);
    expect(isBackwards('2026-11-03', '2026-11-03')).toBe(false);
    expect(isBackwards('', '2026-11-03')).toBe(false);
  });
});

describe('groupEvents', () => {
  it('makes one line of one action by one person in one organization made together', () => {
    const batch = id(900);
    const events = [
      event(1),
      event(2),
      event(3),
      event(4, { at: '2026-11-03T09:00:00.000Z' }),
      event(5, { action: 'deactivateUser', origin: { kind: 'offline', clientId: id(901), batchId: batch, mutationId: 7 }, at: '2026-11-02T10:00:00.000Z' }),
      event(6, { action: 'deactivateUser', origin: { kind: 'offline', clientId: id(901), batchId: batch, mutationId: 8 }, at: '2026-11-02T10:00:01.000Z' }),
      event(7, { action: 'deactivateUser', origin: { kind: 'offline', clientId: id(901), batchId: id(902), mutationId: 9 }, at: '2026-11-02T10:00:01.000Z' }),
      event(8, { action: 'deactivateUser', actorEmail: 'admin@contoso.example', at: '2026-11-02T10:00:01.000Z' }),
      event(9, { action: 'deactivateUser', actorEmail: 'admin@contoso.example', orgId: id(101), at: '2026-11-02T10:00:01.000Z' }),
    ];
    expect(groupEvents(events).map((g) => g.events.map((e) => Number(e.id.slice(-2))))).toEqual([[1, 2, 3], [4], [5, 6], [7], [8], [9]]);
    expect(groupEvents([])).toEqual([]);
  });
});

describe('who and what', () => {
  it('names people, and the service as automatic', () => {
    const names = new Map([['owner@northwind.example', 'Olivia Owner']]);
    expect(actorOf(event(1, { actorEmail: 'Owner@Northwind.example' }), names)).toEqual({ name: 'Olivia Owner', detail: 'Owner@Northwind.example' });
    expect(actorOf(event(1, { actorEmail: 'gone@x.example' }), names)).toEqual({ name: 'gone@x.example', detail: null });
    expect(actorOf(event(1, { actorUserId: null, actorEmail: 'lifecycle@seatdesk' }), names)).toEqual({ name: 'Seatdesk (automatic)', detail: null });
    const choices = actorChoices(
      [
        { email: 'lifecycle@seatdesk', name: null, changes: 3 },
        { email: 'zed@x.example', name: 'Ömer Zed', changes: 1 },
        { email: 'nunez@x.example', name: 'Núñez Ana', changes: 2000 },
        { email: 'anon@x.example', name: null, changes: 1 },
      ],
      'en',
    );
    expect(choices.map((c) => c.label)).toEqual([
      'anon@x.example · 1',
      'Núñez Ana (nunez@x.example) · 2,000',
      'Ömer Zed (zed@x.example) · 1',
      'Seatdesk (automatic): lifecycle · 3',
    ]);
    expect(choices.map((c) => c.value)).toEqual(['anon@x.example', 'nunez@x.example', 'zed@x.example', 'lifecycle@seatdesk']);
  });

  it('shows values as people read them: names for ids, local times, amounts in their currency, never a raw id or instant', () => {
    const context = { row: { currency: 'EUR' }, nameOf: (value: string) => (value === id(5) ? 'Billing' : undefined) };
    const values = [
      auditValue('roleIds', [id(5), id(6)], context),
      auditValue('primaryContactUserId', id(7), context),
      auditValue('trialEnd', '2026-11-15T00:00:00.000Z', context),
      auditValue('periodStart', '2026-11-01', context),
      auditValue('unitPrice', 1250, context),
      auditValue('quantity', 1200, context),
      auditValue('taxRate', 2100, context),
      auditValue('status', 'cancel_scheduled', context),
      auditValue('isDefault', true, context),
      auditValue('billingAddress', { line1: 'Main 1', line2: null, city: 'Delft', country: 'NL' }, context),
      auditValue('lines', [{ description: 'Backup — Pro plan' }], context),
      auditValue('permissions', [], context),
      auditValue('vatNumber', null, context),
    ];
    expect(values[0]).toBe('Billing, Not in your offline copy');
    expect(values[1]).toBe('Not in your offline copy');
    expect(values[2]).toBe(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-11-15T00:00:00.000Z')));
    expect(values.slice(4)).toEqual([
      new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(12.5),
      new Intl.NumberFormat().format(1200),
      `${new Intl.NumberFormat().format(21)} %`,
      'Cancel scheduled',
      'Yes',
      'Main 1, Delft, NL',
      'Backup — Pro plan',
      'None',
      '—',
    ]);
    for (const value of values) {
      expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(value).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
  });
});
