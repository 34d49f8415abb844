import { describe, expect, it } from 'vitest';
import { contractEndsWithin, contractOutcome, isOutstanding, isOverdue, isRecurringNow, isStaleInvitation, trialEndsWithin } from './attention';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const at = (days: number, extraMs = 0) => new Date(NOW.getTime() + days * 86_400_000 + extraMs).toISOString();

describe('what needs attention', () => {
  it('trials ending within 14 days, the 14th day included, and those past their end still on trial', () => {
    expect(trialEndsWithin({ status: 'trial', trialEnd: at(14) }, NOW)).toBe(true);
    expect(trialEndsWithin({ status: 'trial', trialEnd: at(14, 1) }, NOW)).toBe(false);
    expect(trialEndsWithin({ status: 'trial', trialEnd: at(-3) }, NOW)).toBe(true);
    expect(trialEndsWithin({ status: 'trial', trialEnd: null }, NOW)).toBe(false);
    expect(trialEndsWithin({ status: 'cancel_scheduled', trialEnd: at(2) }, NOW)).toBe(false);
    // The same instant written without milliseconds.
    expect(trialEndsWithin({ status: 'trial', trialEnd: at(14).replace('.000Z', 'Z') }, NOW)).toBe(true);
  });

  it('contracts ending after now and within the window; a scheduled cancellation ends, an active one renews', () => {
    expect(contractEndsWithin({ status: 'active', contractEnd: at(30) }, NOW, 30)).toBe(true);
    expect(contractEndsWithin({ status: 'active', contractEnd: at(30, 1) }, NOW, 30)).toBe(false);
    expect(contractEndsWithin({ status: 'active', contractEnd: at(30, 1) }, NOW, 60)).toBe(true);
    expect(contractEndsWithin({ status: 'active', contractEnd: NOW.toISOString() }, NOW, 30)).toBe(false);
    expect(contractEndsWithin({ status: 'trial', contractEnd: at(5) }, NOW, 30)).toBe(false);
    expect(contractEndsWithin({ status: 'cancelled', contractEnd: at(5) }, NOW, 30)).toBe(false);
    expect(contractOutcome({ status: 'cancel_scheduled' })).toBe('ends');
    expect(contractOutcome({ status: 'active' })).toBe('renews');
  });

  it('recurring revenue: active or scheduled to end later; trials still running and cancellations due are not', () => {
    expect(isRecurringNow({ status: 'active', trialEnd: null, cancelAt: null }, NOW)).toBe(true);
    expect(isRecurringNow({ status: 'active', trialEnd: at(-10), cancelAt: null }, NOW)).toBe(true);
    expect(isRecurringNow({ status: 'active', trialEnd: at(10), cancelAt: null }, NOW)).toBe(false);
    expect(isRecurringNow({ status: 'cancel_scheduled', trialEnd: null, cancelAt: at(1) }, NOW)).toBe(true);
    expect(isRecurringNow({ status: 'cancel_scheduled', trialEnd: null, cancelAt: at(-1) }, NOW)).toBe(false);
    expect(isRecurringNow({ status: 'trial', trialEnd: at(-1), cancelAt: null }, NOW)).toBe(false);
    expect(isRecurringNow({ status: 'cancelled', trialEnd: null, cancelAt: at(-40) }, NOW)).toBe(false);
  });

  it('invoices: open and overdue are unpaid, overdue as the service marks it', () => {
    expect(['open', 'overdue', 'paid', 'void'].map((status) => isOutstanding({ status: status as 'open' }))).toEqual([true, true, false, false]);
    expect(['open', 'overdue', 'paid', 'void'].map((status) => isOverdue({ status: status as 'open' }))).toEqual([false, true, false, false]);
  });

  it('invitations waiting more than 7 days since they were sent or last resent', () => {
    expect(isStaleInvitation({ status: 'pending', createdAt: at(-7) }, NOW)).toBe(true);
    expect(isStaleInvitation({ status: 'pending', createdAt: at(-7, 1) }, NOW)).toBe(false);
    expect(isStaleInvitation({ status: 'pending', createdAt: at(-20), lastSentAt: at(-2) }, NOW)).toBe(false);
    expect(isStaleInvitation({ status: 'pending', createdAt: at(-20), lastSentAt: at(-9) }, NOW)).toBe(true);
    expect(isStaleInvitation({ status: 'active', createdAt: at(-20) }, NOW)).toBe(false);
  });
});
