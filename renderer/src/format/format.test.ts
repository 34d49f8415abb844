import { describe, expect, it } from 'vitest';
import { countOf, formatAmount, formatBrand, recentMonths, formatDate, formatDateTime, formatMonth, formatPeriod, formatRelative, humanizeName } from './format';

// ICU versions differ in which space (none, NBSP, narrow NBSP, thin) they put around symbols and
// range dashes; these tests compare the text without spaces.
const plain = (text: string) => text.replace(/\s+/gu, '');

describe('formatAmount', () => {
  it('formats minor units in the currency of the data, for the locale', () => {
    expect(plain(formatAmount(123456, 'EUR', 'nl-NL'))).toBe('€1.234,56');
    expect(formatAmount(123456, 'EUR', 'en-GB')).toBe('€1,234.56');
    expect(formatAmount(1200, 'JPY', 'en-GB')).toBe('JP¥1,200');
    expect(formatAmount(-5, 'GBP', 'en-GB')).toBe('-£0.05');
  });

  it('never hides an amount in an unknown currency', () => {
    expect(formatAmount(100, 'XYZ', 'en-GB')).toBe('100 XYZ (minor units)');
  });
});

describe('dates', () => {
  it('formats a calendar day as that day whatever the time zone', () => {
    expect(formatDate('2026-10-01', 'en-GB', 'Pacific/Honolulu')).toBe('1 Oct 2026');
    expect(formatDate('2026-10-01', 'en-US', 'Asia/Tokyo')).toBe('Oct 1, 2026');
  });

  it('formats an instant in the given time zone', () => {
    expect(formatDate('2026-10-31T23:30:00.000Z', 'en-GB', 'Europe/Amsterdam')).toBe('1 Nov 2026');
    expect(plain(formatDateTime('2026-11-02T09:00:00.000Z', 'en-GB', 'UTC'))).toBe('2Nov2026,09:00');
  });

  it('shows a dash for no date and the text for one it cannot read', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDate('soon', 'en-GB')).toBe('soon');
  });

  it('formats months and billing periods', () => {
    expect(formatMonth('2026-03', 'en-GB')).toBe('Mar 2026');
    expect(formatMonth('2026-03', 'en-GB', 'short')).toBe('Mar');
    expect(plain(formatPeriod('2026-10-01', '2026-10-31', 'en-GB'))).toBe('1–31Oct2026');
  });

  it('says how long ago the last sync was', () => {
    const now = new Date('2026-11-02T09:00:00.000Z');
    expect(formatRelative('2026-11-02T08:59:50.000Z', now, 'en')).toBe('now');
    expect(formatRelative('2026-11-02T08:55:00.000Z', now, 'en')).toBe('5 minutes ago');
    expect(formatRelative('2026-11-02T06:00:00.000Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelative('2026-10-31T09:00:00.000Z', now, 'en')).toBe('2 days ago');
  });
});

describe('words', () => {
  it('counts with the right noun', () => {
    expect(countOf(1, 'user', 'users', 'en')).toBe('1 user');
    expect(countOf(2000, 'user', 'users', 'en')).toBe('2,000 users');
    expect(countOf(0, 'user', 'users', 'en')).toBe('0 users');
  });

  it('turns command and field names into words', () => {
    expect(humanizeName('deactivateUser')).toBe('Deactivate user');
    expect(humanizeName('removeScheduledCancellation')).toBe('Remove scheduled cancellation');
    expect(humanizeName('billing_contact')).toBe('Billing contact');
  });
});

describe('formatBrand', () => {
  it.each([
    ['visa', 'Visa'],
    ['VISA', 'Visa'],
    ['mastercard', 'Mastercard'],
    ['amex', 'American Express'],
    ['american_express', 'American Express'],
    ['diners', 'Diners Club'],
    ['jcb', 'JCB'],
    ['unionpay', 'UnionPay'],
    ['ING', 'ING'],
    ['Deutsche Bank', 'Deutsche Bank'],
    ['rabobank', 'Rabobank'],
    ['bnp paribas', 'Bnp Paribas'],
  ])('%s is shown as %s', (brand, shown) => {
    expect(formatBrand(brand)).toBe(shown);
  });
});

describe('recentMonths', () => {
  it('counts back from the current month across a year end, newest first', () => {
    expect(recentMonths(new Date('2026-02-15T12:00:00Z'), 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
    expect(recentMonths(new Date('2026-12-31T23:59:59Z'), 1)).toEqual(['2026-12']);
    expect(recentMonths(new Date('2026-12-31T23:59:59Z'), 36)).toHaveLength(36);
  });
});
