import { describe, expect, it } from 'vitest';
import type { SpendMonth } from '@shared/ipc/models';
import { monthRange } from './invoice-filters';
import { axisTicks, chartCurrencies, describeSpend, niceCeiling, spendSeries } from './spend-chart';

const months: SpendMonth[] = [
  { month: '2026-09', totals: [{ amount: 10_000, currency: 'EUR' }, { amount: 50_000, currency: 'GBP' }], activeSeats: 12 },
  { month: '2026-10', totals: [{ amount: 30_000, currency: 'EUR' }], activeSeats: 15 },
  { month: '2026-11', totals: [], activeSeats: 0 },
];

describe('spend chart numbers', () => {
  it('offers the currency with the most spend first', () => {
    expect(chartCurrencies(months)).toEqual(['GBP', 'EUR']);
    expect(chartCurrencies([])).toEqual([]);
  });

  it('takes one currency per month, zero where nothing was invoiced in it', () => {
    expect(spendSeries(months, 'EUR')).toEqual([
      { month: '2026-09', amount: 10_000, seats: 12 },
      { month: '2026-10', amount: 30_000, seats: 15 },
      { month: '2026-11', amount: 0, seats: 0 },
    ]);
  });

  it('scales axes to nice round numbers', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(120)).toBe(200);
    expect(axisTicks(38)).toEqual([0, 10, 20, 30, 40]);
    expect(axisTicks(31_150)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(axisTicks(0)).toEqual([0, 1, 2, 3, 4]);
  });

  it('describes the chart in a sentence for screen readers', () => {
    const text = describeSpend(spendSeries(months, 'EUR'), (minor) => `€${minor / 100}`, (month) => month);
    expect(text).toBe('Monthly spend and active seats from 2026-09 to 2026-11. Highest spend €300 in 2026-10; latest €0 with 0 active seats (12 at the start).');
    expect(describeSpend([], String, String)).toBe('No spend in the last 12 months.');
  });
});

describe('invoice filters', () => {
  it('turns month inputs into the list’s [from, to) days', () => {
    expect(monthRange('2026-03', '2026-05')).toEqual({ from: '2026-03-01', to: '2026-06-01' });
    expect(monthRange('', '2026-12')).toEqual({ to: '2027-01-01' });
    expect(monthRange('garbage', '')).toEqual({});
  });
});
