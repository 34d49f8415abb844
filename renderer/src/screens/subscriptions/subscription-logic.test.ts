import { describe, expect, it } from 'vitest';
import { figuresOf, matchesText, totalsByCurrency } from './subscription-logic';

describe('subscription figures', () => {
  it('bills per active user or a fixed quantity', () => {
    expect(figuresOf({ basis: 'per_active_user', quantity: 0, unitPrice: 650, currency: 'EUR' }, 12)).toEqual({ seats: 12, amount: { amount: 7800, currency: 'EUR' } });
    expect(figuresOf({ basis: 'fixed_quantity', quantity: 25, unitPrice: 200, currency: 'EUR' }, 12)).toEqual({ seats: 25, amount: { amount: 5000, currency: 'EUR' } });
  });

  it('totals running subscriptions per interval and currency, leaving out trials and cancelled ones', () => {
    expect(
      totalsByCurrency([
        { status: 'active', interval: 'monthly', currency: 'EUR', amount: 100 },
        { status: 'cancel_scheduled', interval: 'monthly', currency: 'EUR', amount: 50 },
        { status: 'trial', interval: 'monthly', currency: 'EUR', amount: 999 },
        { status: 'cancelled', interval: 'monthly', currency: 'EUR', amount: 999 },
        { status: 'active', interval: 'annual', currency: 'EUR', amount: 1200 },
        { status: 'active', interval: 'monthly', currency: 'GBP', amount: 70 },
      ]),
    ).toEqual([
      { interval: 'annual', currency: 'EUR', amount: 1200 },
      { interval: 'monthly', currency: 'EUR', amount: 150 },
      { interval: 'monthly', currency: 'GBP', amount: 70 },
    ]);
  });

  it('searches product, plan, company and license key', () => {
    const sub = { product: 'Seatdesk Endpoint', plan: 'Pro', licenseKey: 'SD-ABCD', orgName: 'Contoso Dental' };
    expect(matchesText(sub, 'endpoint contoso')).toBe(true);
    expect(matchesText(sub, 'sd-abcd')).toBe(true);
    expect(matchesText(sub, 'backup')).toBe(false);
    expect(matchesText(sub, '  ')).toBe(true);
  });
});
