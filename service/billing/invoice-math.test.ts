import { describe, expect, it } from 'vitest';
import { invoiceSchema } from '@shared/domain/invoice';
import type { Subscription } from '@shared/domain/subscription';
import {
  addDays,
  annualPeriods,
  billingPeriodsEndingBy,
  computeInvoiceLines,
  computeInvoiceTotals,
  dueDate,
  invoiceNumber,
  invoiceSequenceOf,
  isBillableIn,
  monthPeriod,
  monthPeriodOf,
  monthlyPeriods,
  periodClosesAt,
  periodLabel,
  yearPeriod,
  type BillableSubscription,
  type BillingPeriod,
} from './invoice-math';

const march: BillingPeriod = { periodStart: '2026-03-01', periodEnd: '2026-03-31' };

function sub(overrides: Partial<Subscription> = {}): BillableSubscription {
  return {
    id: '5d7f9b1c-3e5a-4c7e-b9d1-f3a5c7e9b1d3',
    product: 'Seatdesk Pro',
    plan: 'Business',
    basis: 'per_active_user',
    quantity: 3,
    unitPrice: 1250,
    currency: 'EUR',
    interval: 'monthly',
    status: 'active',
    createdAt: '2025-01-10T09:00:00Z',
    trialEnd: null,
    cancelAt: null,
    ...overrides,
  };
}

describe('billing periods', () => {
  it('makes calendar months, leap years included', () => {
    expect(monthPeriod(2026, 3)).toEqual(march);
    expect(monthPeriod(2024, 2)).toEqual({ periodStart: '2024-02-01', periodEnd: '2024-02-29' });
    expect(monthPeriod(2026, 2)).toEqual({ periodStart: '2026-02-01', periodEnd: '2026-02-28' });
    expect(monthPeriodOf('2026-03-31T23:59:59Z')).toEqual(march);
    expect(() => monthPeriod(2026, 13)).toThrow(RangeError);
  });

  it('lists months across a year end and calendar years', () => {
    const months = monthlyPeriods('2025-11', '2026-02');
    expect(months.map((period) => period.periodStart)).toEqual(['2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01']);
    expect(months[1]).toEqual({ periodStart: '2025-12-01', periodEnd: '2025-12-31' });
    expect(monthlyPeriods('2026-03', '2026-02')).toEqual([]);
    expect(annualPeriods(2024, 2025)).toEqual([yearPeriod(2024), { periodStart: '2025-01-01', periodEnd: '2025-12-31' }]);
  });

  it('closes a period at midnight UTC after its last day', () => {
    expect(periodClosesAt(march)).toBe('2026-04-01T00:00:00Z');
    expect(periodClosesAt(yearPeriod(2025))).toBe('2026-01-01T00:00:00Z');
  });

  it('gives the monthly periods closed by a moment, from the anchor month', () => {
    const periods = billingPeriodsEndingBy('monthly', '2025-11-15T10:00:00Z', '2026-11-01T00:00:00Z');
    expect(periods).toHaveLength(12);
    expect(periods[0]).toEqual({ periodStart: '2025-11-01', periodEnd: '2025-11-30' });
    expect(periods[11]).toEqual({ periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    // One second before October closes, it is not billable yet.
    expect(billingPeriodsEndingBy('monthly', '2025-11-15', '2026-10-31T23:59:59Z').at(-1)?.periodEnd).toBe('2026-09-30');
    expect(billingPeriodsEndingBy('monthly', '2026-10-02', '2026-10-20T00:00:00Z')).toEqual([]);
  });

  it('gives the calendar years closed by a moment', () => {
    expect(billingPeriodsEndingBy('annual', '2024-03-01T00:00:00Z', '2026-11-01T00:00:00Z')).toEqual(annualPeriods(2024, 2025));
    expect(billingPeriodsEndingBy('annual', '2024-03-01', '2027-01-01T00:00:00Z').at(-1)).toEqual(yearPeriod(2026));
    expect(billingPeriodsEndingBy('annual', '2026-03-01', '2026-12-31T12:00:00Z')).toEqual([]);
  });

  it('labels months and years for invoice lines', () => {
    expect(periodLabel(march)).toBe('March 2026');
    expect(periodLabel(yearPeriod(2025))).toBe('2025');
    expect(periodLabel({ periodStart: '2026-03-01', periodEnd: '2026-05-31' })).toBe('2026-03-01 to 2026-05-31');
  });
});

describe('computeInvoiceLines', () => {
  it('bills per active user, or the fixed quantity', () => {
    const lines = computeInvoiceLines(
      [sub(), sub({ id: '6e8a0c2e-4a6c-4e8a-9c2e-4a6c8e0a2c4e', product: 'Seatdesk Backup', basis: 'fixed_quantity', quantity: 20, unitPrice: 300 })],
      12,
      march,
    );
    expect(lines).toEqual([
      {
        subscriptionId: '5d7f9b1c-3e5a-4c7e-b9d1-f3a5c7e9b1d3',
        description: 'Seatdesk Pro — Business plan, 12 active users, March 2026',
        quantity: 12,
        unitPrice: 1250,
        amount: 15_000,
      },
      {
        subscriptionId: '6e8a0c2e-4a6c-4e8a-9c2e-4a6c8e0a2c4e',
        description: 'Seatdesk Backup — Business plan, 20 seats, March 2026',
        quantity: 20,
        unitPrice: 300,
        amount: 6_000,
      },
    ]);
  });

  it('uses the singular for one user or seat, and bills zero active users as zero', () => {
    expect(computeInvoiceLines([sub()], 1, march)[0]?.description).toBe('Seatdesk Pro — Business plan, 1 active user, March 2026');
    expect(computeInvoiceLines([sub({ basis: 'fixed_quantity', quantity: 1 })], 9, march)[0]?.description).toContain('1 seat,');
    expect(computeInvoiceLines([sub()], 0, march)[0]).toMatchObject({ quantity: 0, amount: 0 });
  });

  it('does not bill trials or cancelled subscriptions, and still bills a scheduled cancellation', () => {
    expect(computeInvoiceLines([sub({ status: 'trial' })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ status: 'cancelled' })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ status: 'cancel_scheduled' })], 5, march)).toHaveLength(1);
    expect(isBillableIn(sub({ status: 'cancel_scheduled' }), march)).toBe(true);
  });

  it('does not bill a trial whose cancellation is scheduled at its end, but bills once the trial ended', () => {
    const trialEnding = sub({ status: 'cancel_scheduled', trialEnd: '2026-04-10T00:00:00Z', cancelAt: '2026-04-10T00:00:00Z' });
    expect(computeInvoiceLines([trialEnding], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ trialEnd: '2026-03-20T00:00:00Z' })], 5, march)).toHaveLength(1);
    expect(computeInvoiceLines([sub({ trialEnd: '2026-04-01T00:00:00Z' })], 5, march)).toEqual([]);
  });

  it('bills the period a cancellation took effect in, and none after (no proration)', () => {
    // The lifecycle scheduler applies a cancellation at cancelAt, before the period's invoice is issued.
    expect(computeInvoiceLines([sub({ status: 'cancelled', cancelAt: '2026-03-31T23:59:59Z' })], 5, march)).toHaveLength(1);
    expect(computeInvoiceLines([sub({ status: 'cancelled', cancelAt: '2026-03-10T14:00:00Z' })], 5, march)).toHaveLength(1);
    expect(computeInvoiceLines([sub({ status: 'cancelled', cancelAt: '2026-03-01T00:00:00Z' })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ status: 'cancelled', cancelAt: '2026-02-10T00:00:00Z' })], 5, march)).toEqual([]);
  });

  it('never bills a trial cancelled at its end, and bills a trial that converted during the period', () => {
    const cancelledAtTrialEnd = { trialEnd: '2026-03-10T00:00:00Z', cancelAt: '2026-03-10T00:00:00Z' };
    expect(computeInvoiceLines([sub({ status: 'cancelled', ...cancelledAtTrialEnd })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ status: 'cancel_scheduled', ...cancelledAtTrialEnd })], 5, march)).toEqual([]);
    // Still marked trial (the scheduler has not run yet) but its trial ended: it is billed as it will be once converted.
    expect(computeInvoiceLines([sub({ status: 'trial', trialEnd: '2026-03-10T00:00:00Z' })], 5, march)).toHaveLength(1);
    expect(computeInvoiceLines([sub({ status: 'active', trialEnd: '2026-03-10T00:00:00Z' })], 5, march)).toHaveLength(1);
  });

  it('does not bill a scheduled cancellation that took effect before the period', () => {
    expect(computeInvoiceLines([sub({ status: 'cancel_scheduled', cancelAt: '2026-03-01T00:00:00Z' })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ status: 'cancel_scheduled', cancelAt: '2026-03-15T00:00:00Z' })], 5, march)).toHaveLength(1);
  });

  it('does not bill a subscription created after the period closed', () => {
    expect(computeInvoiceLines([sub({ createdAt: '2026-04-01T00:00:00Z' })], 5, march)).toEqual([]);
    expect(computeInvoiceLines([sub({ createdAt: '2026-03-31T23:59:59Z' })], 5, march)).toHaveLength(1);
  });

  it('bills an annual subscription on the invoice of the period ending on 31 December', () => {
    const annual = sub({ interval: 'annual', basis: 'fixed_quantity', quantity: 1, unitPrice: 48_000, product: 'Seatdesk Archive', plan: 'Enterprise' });
    expect(computeInvoiceLines([annual], 7, march)).toEqual([]);
    expect(computeInvoiceLines([annual], 7, monthPeriod(2025, 12))).toEqual([
      expect.objectContaining({ description: 'Seatdesk Archive — Enterprise plan, 1 seat, 2025', amount: 48_000 }),
    ]);
    expect(computeInvoiceLines([annual], 7, yearPeriod(2025))).toHaveLength(1);
  });

  it('keeps only the invoice currency when asked', () => {
    const both = [sub(), sub({ id: '7f9b1d3f-5b7d-4f9b-8d3f-5b7d9f1b3d5f', currency: 'GBP', unitPrice: 1100 })];
    expect(computeInvoiceLines(both, 2, march)).toHaveLength(2);
    expect(computeInvoiceLines(both, 2, march, 'GBP')).toEqual([expect.objectContaining({ unitPrice: 1100, amount: 2200 })]);
  });

  it('refuses a count that is not a non-negative integer', () => {
    expect(() => computeInvoiceLines([sub()], -1, march)).toThrow(RangeError);
    expect(() => computeInvoiceLines([sub()], 1.5, march)).toThrow(RangeError);
  });
});

describe('computeInvoiceTotals', () => {
  it('sums the lines and rounds tax half to even', () => {
    // 14750 × 21 % = 3097.5 → 3098 (even); 250 × 21 % = 52.5 → 52 (even); 350 × 21 % = 73.5 → 74.
    expect(computeInvoiceTotals([{ amount: 12_500 }, { amount: 2_250 }], 2100, 'EUR')).toEqual({ subtotal: 14_750, tax: 3098, total: 17_848 });
    expect(computeInvoiceTotals([{ amount: 250 }], 2100, 'EUR')).toEqual({ subtotal: 250, tax: 52, total: 302 });
    expect(computeInvoiceTotals([{ amount: 350 }], 2100, 'EUR')).toEqual({ subtotal: 350, tax: 74, total: 424 });
  });

  it('handles reverse charge, no lines and zero-decimal currencies', () => {
    expect(computeInvoiceTotals([{ amount: 9_999 }], 0, 'EUR')).toEqual({ subtotal: 9_999, tax: 0, total: 9_999 });
    expect(computeInvoiceTotals([], 2100, 'EUR')).toEqual({ subtotal: 0, tax: 0, total: 0 });
    expect(computeInvoiceTotals([{ amount: 1_250 }], 1000, 'JPY')).toEqual({ subtotal: 1_250, tax: 125, total: 1_375 });
  });

  it('gives totals the invoice schema accepts', () => {
    const lines = computeInvoiceLines(
      [sub(), sub({ id: '6e8a0c2e-4a6c-4e8a-9c2e-4a6c8e0a2c4e', basis: 'fixed_quantity', quantity: 7, unitPrice: 333 })],
      13,
      march,
    );
    const totals = computeInvoiceTotals(lines, 1900, 'EUR');
    expect(totals.subtotal).toBe(13 * 1250 + 7 * 333);
    expect(totals.total).toBe(totals.subtotal + totals.tax);
    const issuedAt = periodClosesAt(march);
    const invoice = {
      id: '8e0a2c4e-6a8c-4e2a-b4c6-e8a0c2e4a6c8',
      orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
      version: 1,
      createdAt: issuedAt,
      updatedAt: issuedAt,
      number: invoiceNumber(1, march.periodEnd),
      ...march,
      issuedAt,
      dueAt: dueDate(issuedAt),
      status: 'open',
      currency: 'EUR',
      ...totals,
      lines,
    };
    expect(invoiceSchema.safeParse(invoice).success).toBe(true);
  });

  it('refuses a bad tax rate', () => {
    expect(() => computeInvoiceTotals([{ amount: 100 }], -1, 'EUR')).toThrow();
    expect(() => computeInvoiceTotals([{ amount: 100 }], 21.5, 'EUR')).toThrow();
  });
});

describe('invoiceNumber', () => {
  it('formats the year of the period end and the sequence', () => {
    expect(invoiceNumber(123, '2026-03-31')).toBe('SD-2026-000123');
    expect(invoiceNumber(1, '2025-12-31')).toBe('SD-2025-000001');
    expect(invoiceNumber(1_234_567, '2026-01-31')).toBe('SD-2026-1234567');
  });

  it('is unique per sequence and reads back', () => {
    const numbers = new Set<string>();
    for (let sequence = 1; sequence <= 5000; sequence += 1) {
      const number = invoiceNumber(sequence, sequence % 2 === 0 ? '2025-12-31' : '2026-01-31');
      numbers.add(number);
      expect(invoiceSequenceOf(number)).toBe(sequence);
    }
    expect(numbers.size).toBe(5000);
    expect(invoiceSequenceOf('INV-1')).toBeNull();
  });

  it('refuses a sequence that is not a positive integer or a bad date', () => {
    expect(() => invoiceNumber(0, '2026-03-31')).toThrow(RangeError);
    expect(() => invoiceNumber(1.5, '2026-03-31')).toThrow(RangeError);
    expect(() => invoiceNumber(1, 'March')).toThrow(RangeError);
  });
});

describe('dueDate', () => {
  it('is fourteen days after issue, in UTC', () => {
    expect(dueDate('2026-11-01T00:00:00Z')).toBe('2026-11-15T00:00:00Z');
    expect(dueDate('2026-12-25T10:30:00Z')).toBe('2027-01-08T10:30:00Z');
    expect(dueDate('2026-03-20T12:00:00.250Z')).toBe('2026-04-03T12:00:00.250Z');
    expect(dueDate('2026-03-20T12:00:00+02:00')).toBe('2026-04-03T10:00:00Z');
    expect(addDays('2026-03-01T00:00:00Z', -1)).toBe('2026-02-28T00:00:00Z');
    expect(() => dueDate('soon')).toThrow(RangeError);
  });
});
