import type { Proration } from '@shared/domain/proration';
import type { BillingInterval } from '@shared/domain/subscription';
import { formatAmount, formatPeriod } from '../../format/format';

type Locale = Intl.LocalesArgument;

const PER: Record<BillingInterval, string> = { monthly: 'a month', annual: 'a year' };

/**
 * What the change does to the next invoice, in one sentence, before it is confirmed:
 * "Next invoice: +€5.61 prorated for Dec 3 – 31, 2026, then €36.00 a month".
 */
export function nextInvoiceSentence(proration: Proration, interval: BillingInterval, locale?: Locale): string {
  const then = `then ${formatAmount(proration.intervalAfter.amount, proration.intervalAfter.currency, locale)} ${PER[interval]}`;
  const { amount, currency } = proration.amount;
  if (proration.daysCharged === 0 || amount === 0) return `Next invoice: no prorated amount, ${then}`;
  const sign = amount > 0 ? '+' : '−';
  const what = amount > 0 ? 'prorated' : 'credit, prorated';
  return `Next invoice: ${sign}${formatAmount(Math.abs(amount), currency, locale)} ${what} for ${formatPeriod(proration.from, proration.to, locale)}, ${then}`;
}
