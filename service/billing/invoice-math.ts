/**
 * Invoice arithmetic for the billing run and the seed: billing periods, invoice lines, totals,
 * numbers and due dates. Pure functions, no I/O, no clock: every instant is passed in.
 *
 * Conventions:
 * - A billing period is a range of calendar days (YYYY-MM-DD, both ends inclusive, UTC). Monthly
 *   periods are calendar months, annual periods calendar years.
 * - A period closes at 00:00Z on the day after its last day; it is billed from then on.
 * - Invoices are issued per organization per monthly period. A monthly subscription is charged on
 *   every monthly invoice it ran in (isBillableIn, shared with the app); an annual one on the
 *   invoice whose period ends on 31 December (billed in arrears, like the monthly ones, so a
 *   per-seat annual line counts the seats at year end).
 * - Money is integer minor units; only @shared/money does arithmetic on it.
 */
import type { InvoiceLine } from '@shared/domain/invoice';
import { isBillableIn as billableIn } from '@shared/domain/lifecycle';
import type { BillingInterval, Subscription } from '@shared/domain/subscription';
import { money, multiplyMoney, sumMoney, taxOf } from '@shared/money';

export interface BillingPeriod {
  /** First day, YYYY-MM-DD. */
  periodStart: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  periodEnd: string;
}

export const PAYMENT_TERM_DAYS = 14;

const DAY_MS = 86_400_000;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** An instant as ISO 8601 UTC, without a `.000` when it falls on a whole second. */
export function isoInstant(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}

function parseInstant(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO 8601 date or instant: ${JSON.stringify(iso)}`);
  return ms;
}

/** Year and month (1-12) of a date, instant or YYYY-MM text, in UTC. */
function yearMonthOf(text: string, what: string): { year: number; month: number } {
  const plain = /^(\d{4})-(\d{2})$/.exec(text);
  if (plain !== null) {
    const month = Number(plain[2]);
    if (month < 1 || month > 12) throw new RangeError(`${what} has no month ${month}: ${JSON.stringify(text)}`);
    return { year: Number(plain[1]), month };
  }
  const date = new Date(parseInstant(text, what));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 };
}

/** The calendar month `month` (1-12) of `year`. */
export function monthPeriod(year: number, month: number): BillingPeriod {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`No month ${year}-${month}.`);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { periodStart: `${pad(year, 4)}-${pad(month, 2)}-01`, periodEnd: `${pad(year, 4)}-${pad(month, 2)}-${pad(lastDay, 2)}` };
}

/** The calendar year `year`. */
export function yearPeriod(year: number): BillingPeriod {
  if (!Number.isInteger(year)) throw new RangeError(`No year ${year}.`);
  return { periodStart: `${pad(year, 4)}-01-01`, periodEnd: `${pad(year, 4)}-12-31` };
}

/** The calendar month containing a date or instant (or named as YYYY-MM). */
export function monthPeriodOf(dateOrInstant: string): BillingPeriod {
  const { year, month } = yearMonthOf(dateOrInstant, 'The date');
  return monthPeriod(year, month);
}

/** Calendar months from `fromMonth` to `toMonth`, both included; each is YYYY-MM or a date/instant in that month. */
export function monthlyPeriods(fromMonth: string, toMonth: string): BillingPeriod[] {
  const from = yearMonthOf(fromMonth, 'fromMonth');
  const to = yearMonthOf(toMonth, 'toMonth');
  const periods: BillingPeriod[] = [];
  for (let index = from.year * 12 + from.month - 1; index <= to.year * 12 + to.month - 1; index += 1) {
    periods.push(monthPeriod(Math.floor(index / 12), (index % 12) + 1));
  }
  return periods;
}

/** Calendar years from `fromYear` to `toYear`, both included. */
export function annualPeriods(fromYear: number, toYear: number): BillingPeriod[] {
  const periods: BillingPeriod[] = [];
  for (let year = fromYear; year <= toYear; year += 1) periods.push(yearPeriod(year));
  return periods;
}

/** When the period closes and may be billed: 00:00Z on the day after its last day. */
export function periodClosesAt(period: BillingPeriod): string {
  return isoInstant(parseInstant(`${period.periodEnd}T00:00:00Z`, 'periodEnd') + DAY_MS);
}

/** True when the period is a whole calendar year. */
export function isAnnualPeriod(period: BillingPeriod): boolean {
  return period.periodStart.endsWith('-01-01') && period.periodEnd.endsWith('-12-31') && period.periodStart.slice(0, 4) === period.periodEnd.slice(0, 4);
}

/**
 * The periods of an interval that have closed by `asOf`, starting with the one that contains
 * `anchor` (when the subscription or organization started), oldest first. Empty when the first
 * period has not closed yet.
 */
export function billingPeriodsEndingBy(interval: BillingInterval, anchor: string, asOf: string): BillingPeriod[] {
  const asOfMs = parseInstant(asOf, 'asOf');
  const start = yearMonthOf(anchor, 'anchor');
  // The last day that has fully passed by asOf.
  const lastClosedDay = new Date(Math.floor(asOfMs / DAY_MS) * DAY_MS - DAY_MS);
  const lastYear = lastClosedDay.getUTCFullYear();
  const lastMonth = lastClosedDay.getUTCMonth() + 1;
  if (interval === 'annual') {
    const lastFullYear = lastMonth === 12 && lastClosedDay.getUTCDate() === 31 ? lastYear : lastYear - 1;
    return annualPeriods(start.year, lastFullYear);
  }
  const lastFull = monthPeriod(lastYear, lastMonth).periodEnd === dayText(lastClosedDay.getTime());
  const end = lastFull ? { year: lastYear, month: lastMonth } : lastMonth === 1 ? { year: lastYear - 1, month: 12 } : { year: lastYear, month: lastMonth - 1 };
  if (end.year * 12 + end.month < start.year * 12 + start.month) return [];
  return monthlyPeriods(`${pad(start.year, 4)}-${pad(start.month, 2)}`, `${pad(end.year, 4)}-${pad(end.month, 2)}`);
}

/** "March 2026" for a month, "2026" for a year, else "2026-03-01 to 2026-05-31". */
export function periodLabel(period: BillingPeriod): string {
  if (isAnnualPeriod(period)) return period.periodStart.slice(0, 4);
  const start = yearMonthOf(period.periodStart.slice(0, 7), 'periodStart');
  if (monthPeriod(start.year, start.month).periodEnd === period.periodEnd && period.periodStart.endsWith('-01')) {
    return `${MONTH_NAMES[start.month - 1] ?? ''} ${start.year}`;
  }
  return `${period.periodStart} to ${period.periodEnd}`;
}

export type BillableSubscription = Pick<
  Subscription,
  | 'id'
  | 'product'
  | 'plan'
  | 'basis'
  | 'quantity'
  | 'unitPrice'
  | 'currency'
  | 'interval'
  | 'status'
  | 'createdAt'
  | 'trialEnd'
  | 'cancelAt'
>;

/** Whether a subscription gets a line on the invoice for `period`: the shared rule (@shared/domain/lifecycle). */
export const isBillableIn: (subscription: BillableSubscription, period: BillingPeriod) => boolean = billableIn;

function plural(count: number, singular: string, pluralText: string): string {
  return `${count} ${count === 1 ? singular : pluralText}`;
}

/** The label of the subscription's own interval that ends with the invoice period. */
function chargedIntervalLabel(subscription: BillableSubscription, period: BillingPeriod): string {
  if (subscription.interval === 'annual') return period.periodEnd.slice(0, 4);
  return periodLabel(monthPeriodOf(period.periodEnd));
}

/**
 * One line per subscription billable in the period (see isBillableIn), in the given order.
 * quantity is `activeUserCount` (active users at period close) for per_active_user, the
 * subscription's quantity for fixed_quantity; amount is unitPrice × quantity. With `currency`,
 * only subscriptions in that currency are included (an invoice has one currency).
 */
export function computeInvoiceLines(
  subscriptions: readonly BillableSubscription[],
  activeUserCount: number,
  period: BillingPeriod,
  currency?: string,
): InvoiceLine[] {
  if (!Number.isSafeInteger(activeUserCount) || activeUserCount < 0) {
    throw new RangeError(`activeUserCount must be a non-negative integer, got ${activeUserCount}.`);
  }
  const lines: InvoiceLine[] = [];
  for (const subscription of subscriptions) {
    if (currency !== undefined && subscription.currency !== currency) continue;
    if (!isBillableIn(subscription, period)) continue;
    const perSeat = subscription.basis === 'per_active_user';
    const quantity = perSeat ? activeUserCount : subscription.quantity;
    const amount = multiplyMoney(money(subscription.unitPrice, subscription.currency), quantity);
    const seats = perSeat ? plural(quantity, 'active user', 'active users') : plural(quantity, 'seat', 'seats');
    lines.push({
      subscriptionId: subscription.id,
      description: `${subscription.product} — ${subscription.plan} plan, ${seats}, ${chargedIntervalLabel(subscription, period)}`,
      quantity,
      unitPrice: subscription.unitPrice,
      amount: amount.amount,
    });
  }
  return lines;
}

/** The proration lines of an invoice: the shared rule, which the app's projection of the next invoice uses too. */
export { prorationLines, type SubscriptionChangeEvent } from '@shared/domain/proration';

export interface InvoiceTotals {
  subtotal: number;
  tax: number;
  total: number;
}

/** Subtotal is the sum of the lines; tax is taxOf(subtotal) (half-even, basis points); total is their sum. */
export function computeInvoiceTotals(
  lines: readonly Pick<InvoiceLine, 'amount'>[],
  taxRateBasisPoints: number,
  currency: string,
): InvoiceTotals {
  const subtotal = sumMoney(
    lines.map((line) => money(line.amount, currency)),
    currency,
  );
  const tax = taxOf(subtotal, taxRateBasisPoints);
  const total = sumMoney([subtotal, tax], currency);
  return { subtotal: subtotal.amount, tax: tax.amount, total: total.amount };
}

const INVOICE_NUMBER = /^SD-(\d{4})-(\d{6,})$/;

/**
 * "SD-<year of periodEnd>-<sequence, at least 6 digits>", e.g. SD-2026-000123. `sequence` is a
 * global counter that never repeats (1, 2, 3 …, across years), so numbers are unique; the year
 * is only for people reading them.
 */
export function invoiceNumber(sequence: number, periodEnd: string): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new RangeError(`An invoice sequence is a positive integer, got ${sequence}.`);
  }
  const year = /^(\d{4})-\d{2}-\d{2}/.exec(periodEnd)?.[1];
  if (year === undefined) throw new RangeError(`periodEnd is not a YYYY-MM-DD date: ${JSON.stringify(periodEnd)}`);
  return `SD-${year}-${pad(sequence, 6)}`;
}

/** The sequence of an invoice number made by invoiceNumber, or null for anything else. */
export function invoiceSequenceOf(number: string): number | null {
  const match = INVOICE_NUMBER.exec(number);
  if (match === null) return null;
  const sequence = Number(match[2]);
  return Number.isSafeInteger(sequence) && sequence >= 1 ? sequence : null;
}

/** When an invoice issued at `issuedAt` is due: PAYMENT_TERM_DAYS (14) days later, ISO 8601 UTC. */
export function dueDate(issuedAt: string): string {
  return isoInstant(parseInstant(issuedAt, 'issuedAt') + PAYMENT_TERM_DAYS * DAY_MS);
}

/** Adds whole days to an instant (negative to go back). */
export function addDays(instant: string, days: number): string {
  return isoInstant(parseInstant(instant, 'instant') + days * DAY_MS);
}
