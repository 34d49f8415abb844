import { describe, expect, it } from 'vitest';
import { prorate, type ProratedSubscription } from './proration';
import { planChoicesFor, PLAN_OFFERS } from './plans';

const backup: ProratedSubscription = {
  basis: 'fixed_quantity',
  quantity: 10,
  unitPrice: 300,
  currency: 'EUR',
  interval: 'monthly',
  status: 'active',
  trialEnd: null,
};

describe('prorate', () => {
  it('charges the added seats for the rest of the month, the change day included', () => {
    // 3 December: 29 of 31 days; 2 seats x 3.00 = 6.00 a month; 600 x 29 / 31 = 561.29 -> 561.
    const result = prorate(backup, { quantity: 12 }, '2026-12-03T10:15:00Z');
    expect(result).toEqual({
      amount: { amount: 561, currency: 'EUR' },
      from: '2026-12-03',
      to: '2026-12-31',
      daysCharged: 29,
      daysInPeriod: 31,
      intervalBefore: { amount: 3000, currency: 'EUR' },
      intervalAfter: { amount: 3600, currency: 'EUR' },
    });
  });

  it('uses the length of each month: 30 days, 28 and 29 in February', () => {
    expect(prorate(backup, { quantity: 13 }, '2026-11-16T00:00:00Z')).toMatchObject({ amount: { amount: 450 }, daysCharged: 15, daysInPeriod: 30 });
    expect(prorate(backup, { quantity: 14 }, '2027-02-15T23:59:59Z')).toMatchObject({ amount: { amount: 600 }, daysCharged: 14, daysInPeriod: 28 });
    // 2028 is a leap year: 15 of 29 days of 1200 = 620.69 -> 621.
    expect(prorate(backup, { quantity: 14 }, '2028-02-15T00:00:00Z')).toMatchObject({ amount: { amount: 621 }, daysCharged: 15, daysInPeriod: 29 });
  });

  it('a change on the first day charges the whole period, on the last day one day', () => {
    expect(prorate(backup, { quantity: 11 }, '2026-12-01T00:00:00Z').amount.amount).toBe(300);
    expect(prorate(backup, { quantity: 11 }, '2026-12-31T23:59:59.999Z')).toMatchObject({ amount: { amount: 10 }, daysCharged: 1, from: '2026-12-31' });
  });

  it('a decrease is a credit (negative)', () => {
    const result = prorate(backup, { quantity: 7 }, '2026-12-03T00:00:00Z');
    // -900 x 29 / 31 = -841.94 -> -842.
    expect(result.amount).toEqual({ amount: -842, currency: 'EUR' });
    expect(result.intervalAfter.amount).toBe(2100);
  });

  it('annual plans prorate over the calendar year, 365 or 366 days', () => {
    const archive: ProratedSubscription = { ...backup, quantity: 1, unitPrice: 48000, interval: 'annual' };
    // 3 Dec 2026 to 31 Dec: 29 of 365 days of 480.00 = 38.136... -> 38.14.
    expect(prorate(archive, { quantity: 2 }, '2026-12-03T00:00:00Z')).toMatchObject({
      amount: { amount: 3814 },
      from: '2026-12-03',
      to: '2026-12-31',
      daysCharged: 29,
      daysInPeriod: 365,
    });
    // 2028 has 366 days: from 1 July, 184 days; 48000 x 184 / 366 = 24131.15 -> 24131.
    expect(prorate(archive, { quantity: 2 }, '2028-07-01T00:00:00Z')).toMatchObject({ amount: { amount: 24131 }, daysCharged: 184, daysInPeriod: 366 });
  });

  it('rounds to the nearest minor unit, ties to even, the same for charges and credits', () => {
    // 1 seat at 0.31 for 15 of 30 days: 15.5 -> 16 (even); at 0.29: 14.5 -> 14 (even).
    const cheap: ProratedSubscription = { ...backup, quantity: 1, unitPrice: 31 };
    expect(prorate(cheap, { quantity: 2 }, '2026-11-16T00:00:00Z').amount.amount).toBe(16);
    expect(prorate(cheap, { quantity: 0 }, '2026-11-16T00:00:00Z').amount.amount).toBe(-16);
    const cheaper: ProratedSubscription = { ...backup, quantity: 1, unitPrice: 29 };
    expect(prorate(cheaper, { quantity: 2 }, '2026-11-16T00:00:00Z').amount.amount).toBe(14);
    expect(prorate(cheaper, { quantity: 0 }, '2026-11-16T00:00:00Z').amount.amount).toBe(-14);
  });

  it('a plan change prorates the price difference; per-user plans count the active users', () => {
    const pro: ProratedSubscription = { ...backup, basis: 'per_active_user', quantity: 0, unitPrice: 1250 };
    // 8 users x (8.90 - 12.50) = -28.80 a month; 29/31 of it = -26.94.
    const result = prorate(pro, { unitPrice: 890 }, '2026-12-03T00:00:00Z', 8);
    expect(result.amount.amount).toBe(-2694);
    expect(result.intervalBefore.amount).toBe(10000);
    expect(result.intervalAfter.amount).toBe(7120);
  });

  it('a trial charges nothing before its end, and nothing when it ends after the period', () => {
    const trial: ProratedSubscription = { ...backup, status: 'trial', trialEnd: '2026-12-10T00:00:00Z' };
    expect(prorate(trial, { quantity: 12 }, '2026-12-03T00:00:00Z')).toMatchObject({ amount: { amount: 426 }, from: '2026-12-10', daysCharged: 22 });
    const longTrial: ProratedSubscription = { ...trial, trialEnd: '2027-01-10T00:00:00Z' };
    expect(prorate(longTrial, { quantity: 12 }, '2026-12-03T00:00:00Z')).toMatchObject({ amount: { amount: 0 }, daysCharged: 0 });
  });

  it('no change costs nothing', () => {
    expect(prorate(backup, { quantity: 10 }, '2026-12-03T00:00:00Z').amount.amount).toBe(0);
  });
});

describe('planChoicesFor', () => {
  it('offers the same product, basis and interval in the currency, not the current plan', () => {
    const choices = planChoicesFor({ product: 'Seatdesk Pro', plan: 'Business', basis: 'per_active_user', interval: 'monthly', currency: 'GBP' });
    expect(choices.map((offer) => offer.plan)).toEqual(['Standard', 'Partner']);
    expect(planChoicesFor({ product: 'Seatdesk Archive', plan: 'Enterprise', basis: 'fixed_quantity', interval: 'annual', currency: 'EUR' })).toEqual([]);
  });

  it('every offer has a price in each listed currency', () => {
    for (const offer of PLAN_OFFERS) expect(Object.keys(offer.prices).sort()).toEqual(['EUR', 'GBP']);
  });
});
