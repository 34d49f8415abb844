import { describe, expect, it } from 'vitest';
import { dueInvoiceChange, dueSubscriptionChange, invoiceStatusAt, isBillableIn, subscriptionStatusAt } from './lifecycle';
import type { Subscription } from './subscription';

type Facts = Pick<Subscription, 'product' | 'plan' | 'status' | 'trialEnd' | 'cancelAt' | 'createdAt' | 'interval'>;

const base: Facts = {
  product: 'Seatdesk Endpoint Protection',
  plan: 'Advanced',
  status: 'active',
  trialEnd: null,
  cancelAt: null,
  createdAt: '2026-10-05T09:00:00Z',
  interval: 'monthly',
};
const sub = (overrides: Partial<Facts>): Facts => ({ ...base, ...overrides });

describe('dueSubscriptionChange', () => {
  const trial = sub({ status: 'trial', trialEnd: '2026-12-09T00:00:00Z' });

  it('converts a trial nobody cancelled to active at its trial end, not a second before', () => {
    expect(dueSubscriptionChange(trial, '2026-12-08T23:59:59Z')).toBeNull();
    expect(dueSubscriptionChange(trial, '2026-12-09T00:00:00.000Z')).toEqual({
      action: 'endTrial',
      status: 'active',
      dueAt: '2026-12-09T00:00:00Z',
      message: 'Seatdesk Endpoint Protection (Advanced): the trial ended on 2026-12-09; it is now active.',
    });
    expect(subscriptionStatusAt(trial, '2026-12-10T00:00:00Z')).toBe('active');
  });

  it('cancels a trial whose cancellation was asked for during the trial, at the trial end', () => {
    const cancelledTrial = sub({ status: 'cancel_scheduled', trialEnd: '2026-12-09T00:00:00Z', cancelAt: '2026-12-09T00:00:00Z' });
    expect(dueSubscriptionChange(cancelledTrial, '2026-12-09T00:00:01Z')).toMatchObject({ action: 'applyScheduledCancellation', status: 'cancelled' });
    expect(subscriptionStatusAt(cancelledTrial, '2026-12-01T00:00:00Z')).toBe('cancel_scheduled');
  });

  it('applies a cancellation scheduled at the contract end at cancelAt', () => {
    const ending = sub({ status: 'cancel_scheduled', cancelAt: '2027-01-31T23:59:59Z' });
    expect(dueSubscriptionChange(ending, '2027-01-31T23:59:58Z')).toBeNull();
    expect(dueSubscriptionChange(ending, '2027-02-01T00:00:00Z')?.message).toBe(
      'Seatdesk Endpoint Protection (Advanced): the cancellation scheduled for 2027-01-31 took effect; it is now cancelled.',
    );
  });

  it('leaves active, cancelled and never-ending trials alone', () => {
    expect(dueSubscriptionChange(sub({ status: 'active', trialEnd: '2026-01-01T00:00:00Z' }), '2026-12-01T00:00:00Z')).toBeNull();
    expect(dueSubscriptionChange(sub({ status: 'cancelled', cancelAt: '2026-01-01T00:00:00Z' }), '2026-12-01T00:00:00Z')).toBeNull();
    expect(dueSubscriptionChange(sub({ status: 'trial' }), '2099-01-01T00:00:00Z')).toBeNull();
  });
});

describe('dueInvoiceChange', () => {
  const invoice = { number: 'SD-2026-000120', status: 'open' as const, dueAt: '2026-11-15T00:00:00Z' };

  it('makes an open invoice overdue once its due instant passed', () => {
    expect(dueInvoiceChange(invoice, '2026-11-14T23:59:59Z')).toBeNull();
    expect(dueInvoiceChange(invoice, '2026-12-03T09:00:00Z')).toEqual({
      action: 'markInvoiceOverdue',
      status: 'overdue',
      dueAt: '2026-11-15T00:00:00Z',
      message: 'Invoice SD-2026-000120 was due on 2026-11-15 and is now overdue.',
    });
    expect(invoiceStatusAt(invoice, '2026-12-03T09:00:00Z')).toBe('overdue');
  });

  it('never touches paid, void or already overdue invoices', () => {
    for (const status of ['paid', 'void', 'overdue'] as const) {
      expect(dueInvoiceChange({ ...invoice, status }, '2027-06-01T00:00:00Z')).toBeNull();
      expect(invoiceStatusAt({ ...invoice, status }, '2027-06-01T00:00:00Z')).toBe(status);
    }
  });
});

describe('isBillableIn', () => {
  const november = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };

  it('bills every period a subscription ran paid in, whatever its status now', () => {
    expect(isBillableIn(sub({ status: 'active' }), november)).toBe(true);
    expect(isBillableIn(sub({ status: 'cancelled', cancelAt: '2026-11-30T23:59:59Z' }), november)).toBe(true);
    expect(isBillableIn(sub({ status: 'cancelled', cancelAt: '2026-11-01T00:00:00Z' }), november)).toBe(false);
    expect(isBillableIn(sub({ status: 'cancel_scheduled', cancelAt: '2027-01-31T23:59:59Z' }), november)).toBe(true);
  });

  it('starts billing at the trial end and never bills a trial cancelled at its end', () => {
    expect(isBillableIn(sub({ status: 'trial', trialEnd: '2026-12-01T00:00:00Z' }), november)).toBe(false);
    expect(isBillableIn(sub({ status: 'active', trialEnd: '2026-11-30T12:00:00Z' }), november)).toBe(true);
    expect(isBillableIn(sub({ status: 'cancelled', trialEnd: '2026-11-11T00:00:00Z', cancelAt: '2026-11-11T00:00:00Z' }), november)).toBe(false);
    expect(isBillableIn(sub({ status: 'trial' }), november)).toBe(false);
  });

  it('bills annual subscriptions with the period ending on 31 December only', () => {
    expect(isBillableIn(sub({ interval: 'annual' }), november)).toBe(false);
    expect(isBillableIn(sub({ interval: 'annual' }), { periodStart: '2026-12-01', periodEnd: '2026-12-31' })).toBe(true);
  });
});
