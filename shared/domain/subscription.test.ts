import { describe, expect, it } from 'vitest';
import {
  canCancel,
  canReactivate,
  canRemoveScheduledCancellation,
  cancelRefusal,
  reactivateRefusal,
  removeScheduledCancellationRefusal,
  cancellationOutcome,
  intervalAmount,
  seatCount,
  statusBeforeCancellation,
  subscriptionSchema,
  type Subscription,
} from './subscription';

const subscription: Subscription = {
  id: '5d7f9b1c-3e5a-4c7e-b9d1-f3a5c7e9b1d3',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 4,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-01T09:00:00Z',
  product: 'Seatdesk Backup',
  plan: 'Business',
  basis: 'per_active_user',
  quantity: 12,
  unitPrice: 450,
  currency: 'EUR',
  interval: 'monthly',
  contractEnd: null,
  trialEnd: null,
  cancelAt: null,
  licenseKey: 'SDB-4F2K-99QX',
  environmentId: 'env-2f6c1a',
  status: 'active',
};

const now = '2024-06-01T12:00:00Z';

function pathOf(data: unknown) {
  return subscriptionSchema.safeParse(data).error?.issues[0]?.path;
}

describe('subscriptionSchema', () => {
  it('accepts a subscription, with orgName in lists that include children', () => {
    expect(subscriptionSchema.parse(subscription)).toEqual(subscription);
    const listed = { ...subscription, orgName: 'Contoso', status: 'cancel_scheduled', cancelAt: '2024-12-31T23:59:59Z' };
    expect(subscriptionSchema.parse(listed)).toEqual(listed);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...subscription, product: '' })).toEqual(['product']);
    expect(pathOf({ ...subscription, basis: 'per_seat' })).toEqual(['basis']);
    expect(pathOf({ ...subscription, quantity: -1 })).toEqual(['quantity']);
    expect(pathOf({ ...subscription, unitPrice: 4.5 })).toEqual(['unitPrice']);
    expect(pathOf({ ...subscription, unitPrice: -450 })).toEqual(['unitPrice']);
    expect(pathOf({ ...subscription, currency: 'eur' })).toEqual(['currency']);
    expect(pathOf({ ...subscription, interval: 'weekly' })).toEqual(['interval']);
    expect(pathOf({ ...subscription, contractEnd: '2025-01-01' })).toEqual(['contractEnd']);
    expect(pathOf({ ...subscription, status: 'paused' })).toEqual(['status']);
    expect(pathOf({ ...subscription, licenseKey: '' })).toEqual(['licenseKey']);
    expect(pathOf({ ...subscription, orgName: 7 })).toEqual(['orgName']);
  });
});

describe('cancellationOutcome', () => {
  it('schedules the cancellation at the contract end while a contract runs', () => {
    const contracted = { ...subscription, contractEnd: '2024-12-31T23:59:59Z' };
    expect(cancellationOutcome(contracted, now)).toEqual({ status: 'cancel_scheduled', cancelAt: '2024-12-31T23:59:59Z' });
  });

  it('schedules the cancellation at the trial end during a trial', () => {
    const trial = { ...subscription, status: 'trial' as const, trialEnd: '2024-06-15T00:00:00Z', contractEnd: '2025-06-15T00:00:00Z' };
    expect(cancellationOutcome(trial, now)).toEqual({ status: 'cancel_scheduled', cancelAt: '2024-06-15T00:00:00Z' });
  });

  it('cancels now with no contract or trial, or once they have ended', () => {
    expect(cancellationOutcome(subscription, now)).toEqual({ status: 'cancelled' });
    expect(cancellationOutcome({ ...subscription, contractEnd: '2024-05-31T00:00:00Z' }, now)).toEqual({ status: 'cancelled' });
    expect(cancellationOutcome({ ...subscription, contractEnd: now }, now)).toEqual({ status: 'cancelled' });
    const endedTrial = { ...subscription, status: 'trial' as const, trialEnd: '2024-05-01T00:00:00Z' };
    expect(cancellationOutcome(endedTrial, now)).toEqual({ status: 'cancelled' });
  });

  it('compares instants, not text', () => {
    expect(cancellationOutcome({ ...subscription, contractEnd: '2024-06-01T12:00:00.001Z' }, now).status).toBe(
      'cancel_scheduled',
    );
    expect(cancellationOutcome({ ...subscription, contractEnd: '2024-06-01T12:00:00.000Z' }, now).status).toBe('cancelled');
  });
});

describe('status transitions', () => {
  it('allows each command only from its status', () => {
    expect(['trial', 'active'].every((status) => canCancel(status as Subscription['status']))).toBe(true);
    expect(canCancel('cancel_scheduled')).toBe(false);
    expect(canCancel('cancelled')).toBe(false);
    expect(canReactivate('cancelled')).toBe(true);
    expect(canReactivate('cancel_scheduled')).toBe(false);
    expect(canRemoveScheduledCancellation('cancel_scheduled')).toBe(true);
    expect(canRemoveScheduledCancellation('active')).toBe(false);
  });

  it('returns a scheduled cancellation to trial while the trial runs, else to active', () => {
    expect(statusBeforeCancellation({ trialEnd: '2024-06-15T00:00:00Z' }, now)).toBe('trial');
    expect(statusBeforeCancellation({ trialEnd: '2024-05-15T00:00:00Z' }, now)).toBe('active');
    expect(statusBeforeCancellation({ trialEnd: null }, now)).toBe('active');
  });
});

describe('seats', () => {
  it('bills active users per_active_user and the quantity for fixed_quantity', () => {
    expect(seatCount(subscription, 7)).toBe(7);
    expect(seatCount({ ...subscription, basis: 'fixed_quantity' }, 7)).toBe(12);
    expect(intervalAmount(subscription, 7)).toEqual({ amount: 3150, currency: 'EUR' });
    expect(intervalAmount({ ...subscription, basis: 'fixed_quantity' }, 7)).toEqual({ amount: 5400, currency: 'EUR' });
  });
});

describe('the subscription transition rules', () => {
  const backup = { product: 'Backup', plan: 'Pro' };
  it('refuse a change the status does not allow, in words, with the status', () => {
    expect(cancelRefusal({ ...backup, status: 'active' })).toBeNull();
    expect(cancelRefusal({ ...backup, status: 'cancel_scheduled' })).toEqual({
      code: 'INVALID_TRANSITION',
      message: 'Backup (Pro) is scheduled to be cancelled; only a trial or active subscription can be cancelled.',
      details: { status: 'cancel_scheduled' },
    });
    expect(reactivateRefusal({ ...backup, status: 'cancelled' })).toBeNull();
    expect(reactivateRefusal({ ...backup, status: 'trial' })?.message).toBe('Backup (Pro) is on trial; only a cancelled subscription can be reactivated.');
    expect(removeScheduledCancellationRefusal({ ...backup, status: 'cancel_scheduled' })).toBeNull();
    expect(removeScheduledCancellationRefusal({ ...backup, status: 'active' })?.message).toBe('Backup (Pro) is active; there is no scheduled cancellation to remove.');
  });
});
