import { formatMoney } from '@shared/money';

/**
 * Display formatting with Intl in the user's locale (locale undefined = the runtime's, which in
 * Electron follows the operating system). Tests pass a locale to be deterministic.
 */

type Locale = Intl.LocalesArgument;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_ONLY = /^\d{4}-\d{2}$/;

/** Money in minor units of the currency the data carries. */
export function formatAmount(minorUnits: number, currency: string, locale?: Locale): string {
  try {
    return formatMoney({ amount: minorUnits, currency }, locale);
  } catch {
    // An unknown currency should never hide an amount: show the raw minor units with the code.
    return `${minorUnits} ${currency} (minor units)`;
  }
}

/**
 * A calendar day (YYYY-MM-DD) is a day wherever the user is, so it is formatted in UTC; an
 * instant is formatted in the user's time zone.
 */
export function formatDate(value: string | null | undefined, locale?: Locale, timeZone?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const dateOnly = DATE_ONLY.test(value);
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  const zone = dateOnly ? 'UTC' : timeZone;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(zone === undefined ? {} : { timeZone: zone }) }).format(date);
}

export function formatDateTime(value: string | null | undefined, locale?: Locale, timeZone?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(date);
}

/** "Oct 2026" (style 'long') or "Oct" (style 'short') for a YYYY-MM month. */
export function formatMonth(month: string, locale?: Locale, style: 'short' | 'long' = 'long'): string {
  if (!MONTH_ONLY.test(month)) return month;
  const date = new Date(`${month}-01T00:00:00Z`);
  return new Intl.DateTimeFormat(locale, {
    month: 'short',
    ...(style === 'long' ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(date);
}

/** A billing period, e.g. "1 Oct 2026 – 31 Oct 2026", using Intl's range formatting. */
export function formatPeriod(start: string, end: string, locale?: Locale): string {
  const from = new Date(`${start.slice(0, 10)}T00:00:00Z`);
  const to = new Date(`${end.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${start} – ${end}`;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(from, to);
}

const RELATIVE_STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "just now", "5 minutes ago", "in 2 days": for the status bar's last sync. */
export function formatRelative(value: string, now: Date, locale?: Locale): string {
  const then = Date.parse(value);
  if (Number.isNaN(then)) return value;
  let delta = (then - now.getTime()) / 1000;
  if (Math.abs(delta) < 45) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(delta) < size) return format.format(Math.round(delta), unit);
    delta /= size;
  }
  return format.format(Math.round(delta), 'year');
}

export function formatCount(value: number, locale?: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "1 user", "2,000 users": the number in the user's locale, the (English) noun by English plural rules. */
export function countOf(value: number, one: string, other: string, locale?: Locale): string {
  const rule = new Intl.PluralRules('en').select(value);
  return `${formatCount(value, locale)} ${rule === 'one' ? one : other}`;
}

/** "deactivateUser" → "Deactivate user": command and action names for people. */
export function humanizeName(name: string): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Card networks as their owners write them; processors send lower-case codes ("visa", "amex"). */
const CARD_BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  master_card: 'Mastercard',
  mc: 'Mastercard',
  amex: 'American Express',
  american_express: 'American Express',
  americanexpress: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  diners_club: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  union_pay: 'UnionPay',
  maestro: 'Maestro',
  cartes_bancaires: 'Cartes Bancaires',
  cb: 'Cartes Bancaires',
  bancontact: 'Bancontact',
};

/**
 * A payment method's brand for people: a card network's own name ("visa" → "Visa", "amex" →
 * "American Express"); a name already written with capitals (a bank: "ING", "Deutsche Bank")
 * stays as it is; any other lower-case word gets a capital.
 */
export function formatBrand(brand: string): string {
  const trimmed = brand.trim();
  const known = CARD_BRANDS[trimmed.toLowerCase().replace(/[\s-]+/g, '_')];
  if (known !== undefined) return known;
  if (trimmed !== trimmed.toLowerCase()) return trimmed;
  return trimmed.replace(/(^|[\s-])(\p{Ll})/gu, (_, lead: string, letter: string) => lead + letter.toUpperCase());
}

/** The last `count` months up to the one of `now`, newest first, as YYYY-MM (UTC): a month picker's choices. */
export function recentMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  let year = now.getUTCFullYear();
  let month = now.getUTCMonth() + 1;
  for (let i = 0; i < count; i++) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}
