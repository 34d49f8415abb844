import type { SpendMonth } from '@shared/ipc/models';

/** The numbers behind the spend chart (pure, tested): currencies, series, scales and ticks. */

/** Currencies in the months, the one with the most spend first (the chart shows one at a time). */
export function chartCurrencies(months: readonly SpendMonth[]): string[] {
  const sums = new Map<string, number>();
  for (const month of months) for (const total of month.totals) sums.set(total.currency, (sums.get(total.currency) ?? 0) + total.amount);
  return [...sums].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([currency]) => currency);
}

export interface SpendPoint {
  month: string;
  /** Minor units of the chosen currency; 0 when nothing was invoiced in it. */
  amount: number;
  seats: number;
}

export function spendSeries(months: readonly SpendMonth[], currency: string): SpendPoint[] {
  return months.map((month) => ({
    month: month.month,
    amount: month.totals.find((total) => total.currency === currency)?.amount ?? 0,
    seats: month.activeSeats,
  }));
}

/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above value; 1 for 0. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/** count + 1 evenly spaced ticks from 0 to a nice maximum covering max. */
export function axisTicks(max: number, count = 4): number[] {
  const top = niceCeiling(max / count) * count;
  return Array.from({ length: count + 1 }, (_, index) => (top / count) * index);
}

/** A sentence describing the chart for assistive technology. */
export function describeSpend(points: readonly SpendPoint[], formatAmount: (minor: number) => string, formatMonth: (month: string) => string): string {
  if (points.length === 0) return 'No spend in the last 12 months.';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const highest = points.reduce((best, point) => (point.amount > best.amount ? point : best), first);
  return (
    `Monthly spend and active seats from ${formatMonth(first.month)} to ${formatMonth(last.month)}. ` +
    `Highest spend ${formatAmount(highest.amount)} in ${formatMonth(highest.month)}; ` +
    `latest ${formatAmount(last.amount)} with ${last.seats} active seats (${first.seats} at the start).`
  );
}
