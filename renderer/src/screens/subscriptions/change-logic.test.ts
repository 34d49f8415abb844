import { describe, expect, it } from 'vitest';
import { prorate, type ProratedSubscription } from '@shared/domain/proration';
import { nextInvoiceSentence as sentence } from './change-logic';

/** Intl puts thin spaces around a range's dash; compare with plain ones. */
const nextInvoiceSentence = (...args: Parameters<typeof sentence>) => sentence(...args).replace(/\s/gu, ' ');

const backup: ProratedSubscription = { basis: 'fixed_quantity', quantity: 10, unitPrice: 300, currency: 'EUR', interval: 'monthly', status: 'active', trialEnd: null };

describe('nextInvoiceSentence', () => {
  it('says the prorated charge, its days and the new amount per interval', () => {
    const text = nextInvoiceSentence(prorate(backup, { quantity: 12 }, '2026-12-03T10:00:00Z'), 'monthly', 'en-US');
    expect(text).toBe('Next invoice: +€5.61 prorated for Dec 3 – 31, 2026, then €36.00 a month');
  });

  it('says a decrease is a credit', () => {
    const text = nextInvoiceSentence(prorate(backup, { quantity: 7 }, '2026-12-03T10:00:00Z'), 'monthly', 'en-US');
    expect(text).toBe('Next invoice: −€8.42 credit, prorated for Dec 3 – 31, 2026, then €21.00 a month');
  });

  it('annual plans say a year, and a trial that outlasts the period charges nothing yet', () => {
    const archive: ProratedSubscription = { ...backup, quantity: 1, unitPrice: 48000, interval: 'annual' };
    expect(nextInvoiceSentence(prorate(archive, { quantity: 2 }, '2026-12-03T00:00:00Z'), 'annual', 'en-US')).toBe(
      'Next invoice: +€38.14 prorated for Dec 3 – 31, 2026, then €960.00 a year',
    );
    const trial: ProratedSubscription = { ...backup, status: 'trial', trialEnd: '2027-01-10T00:00:00Z' };
    expect(nextInvoiceSentence(prorate(trial, { quantity: 12 }, '2026-12-03T00:00:00Z'), 'monthly', 'en-US')).toBe(
      'Next invoice: no prorated amount, then €36.00 a month',
    );
  });
});
