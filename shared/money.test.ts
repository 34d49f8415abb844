import { describe, expect, it } from 'vitest';
import {
  addMoney,
  CurrencyMismatchError,
  currencyCodeSchema,
  formatMoney,
  minorUnitDigits,
  minorUnitsSchema,
  money,
  MoneyError,
  MoneyOverflowError,
  moneySchema,
  multiplyMoney,
  roundHalfEven,
  sumMoney,
  taxOf,
} from './money';

const MAX = Number.MAX_SAFE_INTEGER;
/** Intl uses non-breaking spaces in some locales; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('schemas', () => {
  it('accepts known ISO 4217 codes only', () => {
    expect(currencyCodeSchema.safeParse('EUR').success).toBe(true);
    expect(currencyCodeSchema.safeParse('JPY').success).toBe(true);
    expect(currencyCodeSchema.safeParse('eur').success).toBe(false);
    expect(currencyCodeSchema.safeParse('EURO').success).toBe(false);
    expect(currencyCodeSchema.safeParse('QQQ').success).toBe(false);
  });

  it('accepts safe integers of minor units only', () => {
    expect(minorUnitsSchema.safeParse(MAX).success).toBe(true);
    expect(minorUnitsSchema.safeParse(-MAX).success).toBe(true);
    expect(minorUnitsSchema.safeParse(MAX + 1).success).toBe(false);
    expect(minorUnitsSchema.safeParse(12.5).success).toBe(false);
    expect(minorUnitsSchema.safeParse('1250').success).toBe(false);
  });

  it('parses a money object strictly', () => {
    expect(moneySchema.parse({ amount: 1250, currency: 'EUR' })).toEqual({ amount: 1250, currency: 'EUR' });
    expect(moneySchema.safeParse({ amount: 1250, currency: 'EUR', extra: 1 }).success).toBe(false);
  });
});

describe('money()', () => {
  it('refuses fractions, unsafe integers and unknown currencies', () => {
    expect(() => money(12.5, 'EUR')).toThrow(MoneyError);
    expect(() => money(MAX + 1, 'EUR')).toThrow(MoneyOverflowError);
    expect(() => money(1, 'QQQ')).toThrow(MoneyError);
    expect(Object.is(money(-0, 'EUR').amount, 0)).toBe(true);
  });
});

describe('arithmetic', () => {
  it('adds and sums in one currency', () => {
    expect(addMoney(money(1999, 'EUR'), money(1, 'EUR'))).toEqual(money(2000, 'EUR'));
    expect(sumMoney([money(100, 'EUR'), money(-30, 'EUR'), money(5, 'EUR')], 'EUR')).toEqual(money(75, 'EUR'));
    expect(sumMoney([], 'JPY')).toEqual(money(0, 'JPY'));
  });

  it('throws CurrencyMismatchError when currencies differ', () => {
    expect(() => addMoney(money(1, 'EUR'), money(1, 'USD'))).toThrow(CurrencyMismatchError);
    expect(() => sumMoney([money(1, 'EUR')], 'USD')).toThrow(CurrencyMismatchError);
    try {
      addMoney(money(1, 'EUR'), money(1, 'USD'));
    } catch (error) {
      expect(error).toMatchObject({ name: 'CurrencyMismatchError', expected: 'EUR', actual: 'USD' });
    }
  });

  it('multiplies by integer quantities only', () => {
    expect(multiplyMoney(money(1250, 'EUR'), 3)).toEqual(money(3750, 'EUR'));
    expect(multiplyMoney(money(1250, 'EUR'), 0)).toEqual(money(0, 'EUR'));
    expect(multiplyMoney(money(-7, 'EUR'), 2)).toEqual(money(-14, 'EUR'));
    expect(() => multiplyMoney(money(1250, 'EUR'), 1.5)).toThrow(MoneyError);
  });

  it('throws on overflow beyond the safe-integer limit', () => {
    expect(addMoney(money(MAX - 1, 'EUR'), money(1, 'EUR')).amount).toBe(MAX);
    expect(() => addMoney(money(MAX, 'EUR'), money(1, 'EUR'))).toThrow(MoneyOverflowError);
    expect(() => addMoney(money(-MAX, 'EUR'), money(-1, 'EUR'))).toThrow(MoneyOverflowError);
    expect(() => multiplyMoney(money(2 ** 52, 'EUR'), 2)).toThrow(MoneyOverflowError);
    expect(() => sumMoney([money(MAX, 'EUR'), money(1, 'EUR'), money(-1, 'EUR')], 'EUR')).toThrow(MoneyOverflowError);
  });
});

describe('roundHalfEven', () => {
  it.each([
    [1, 2, 0], // 0.5
    [3, 2, 2], // 1.5
    [5, 2, 2], // 2.5
    [7, 2, 4], // 3.5
    [-1, 2, 0], // -0.5
    [-3, 2, -2], // -1.5
    [-5, 2, -2], // -2.5
    [5, -2, -2], // negative denominator
    [14, 10, 1], // 1.4
    [16, 10, 2], // 1.6
    [-16, 10, -2],
    [10, 5, 2], // exact
  ])('%i / %i -> %i', (n, d, expected) => {
    expect(Object.is(roundHalfEven(n, d), expected)).toBe(true);
  });

  it('works on bigints beyond the safe range when the result fits', () => {
    const big = BigInt(MAX);
    expect(roundHalfEven((big - 1n) * 10_000n + 5_000n, 10_000n)).toBe(MAX - 1); // tie, MAX - 1 is even
    expect(roundHalfEven((big - 2n) * 10_000n + 5_000n, 10_000n)).toBe(MAX - 1); // tie, MAX - 2 is odd
    expect(() => roundHalfEven(big * 10_000n + 5_000n, 10_000n)).toThrow(MoneyOverflowError); // rounds to MAX + 1
  });

  it('refuses zero denominators, fractions and unsafe results', () => {
    expect(() => roundHalfEven(1, 0)).toThrow(MoneyError);
    expect(() => roundHalfEven(1.5, 1)).toThrow(MoneyError);
    expect(() => roundHalfEven(BigInt(MAX) * 2n, 1n)).toThrow(MoneyOverflowError);
  });
});

describe('taxOf', () => {
  it('computes a rate in basis points with half-even rounding', () => {
    expect(taxOf(money(10_000, 'EUR'), 2100)).toEqual(money(2100, 'EUR'));
    expect(taxOf(money(1, 'EUR'), 2100)).toEqual(money(0, 'EUR')); // 0.21 cent
    expect(taxOf(money(3, 'EUR'), 2100)).toEqual(money(1, 'EUR')); // 0.63 cent
    expect(taxOf(money(50, 'EUR'), 100)).toEqual(money(0, 'EUR')); // 0.5 -> 0
    expect(taxOf(money(150, 'EUR'), 100)).toEqual(money(2, 'EUR')); // 1.5 -> 2
    expect(taxOf(money(250, 'EUR'), 100)).toEqual(money(2, 'EUR')); // 2.5 -> 2
    expect(taxOf(money(-250, 'EUR'), 100)).toEqual(money(-2, 'EUR')); // credit note
    expect(taxOf(money(-350, 'EUR'), 100)).toEqual(money(-4, 'EUR'));
    expect(taxOf(money(1999, 'EUR'), 0)).toEqual(money(0, 'EUR'));
  });

  it('is exact near the safe-integer limit, where floating point is not', () => {
    // 9007199254740991 * 0.21 = 1891511843495608.11
    expect(taxOf(money(MAX, 'EUR'), 2100).amount).toBe(1_891_511_843_495_608);
    expect(taxOf(money(MAX, 'EUR'), 10_000).amount).toBe(MAX);
    expect(() => taxOf(money(MAX, 'EUR'), 10_001)).toThrow(MoneyOverflowError);
  });

  it('keeps the currency and works without decimals (JPY)', () => {
    expect(taxOf(money(1000, 'JPY'), 1000)).toEqual(money(100, 'JPY'));
    expect(taxOf(money(5, 'JPY'), 1000)).toEqual(money(0, 'JPY')); // 0.5 yen -> 0
    expect(taxOf(money(15, 'JPY'), 1000)).toEqual(money(2, 'JPY')); // 1.5 yen -> 2
  });

  it('refuses fractional or negative rates', () => {
    expect(() => taxOf(money(100, 'EUR'), 21.5)).toThrow(MoneyError);
    expect(() => taxOf(money(100, 'EUR'), -1)).toThrow(MoneyError);
  });
});

describe('minorUnitDigits', () => {
  it('follows the currency', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('BHD')).toBe(3);
    expect(() => minorUnitDigits('QQQ')).toThrow(MoneyError);
  });
});

describe('formatMoney', () => {
  it('formats per locale', () => {
    expect(plain(formatMoney(money(123_450, 'USD'), 'en-US'))).toBe('$1,234.50');
    expect(plain(formatMoney(money(123_450, 'EUR'), 'de-DE'))).toBe('1.234,50 €');
    expect(plain(formatMoney(money(123_450, 'EUR'), 'nl-NL'))).toBe('€ 1.234,50');
    expect(plain(formatMoney(money(-123_450, 'EUR'), 'nl-NL'))).toBe('€ -1.234,50');
    expect(plain(formatMoney(money(-5, 'EUR'), 'en-US'))).toBe('-€0.05');
    expect(plain(formatMoney(money(0, 'EUR'), 'de-DE'))).toBe('0,00 €');
  });

  it('shows no decimals for JPY and three for BHD', () => {
    expect(plain(formatMoney(money(1234, 'JPY'), 'en-US'))).toBe('¥1,234');
    expect(plain(formatMoney(money(1234, 'BHD'), 'en-US'))).toBe('BHD 1.234');
  });

  it('is exact at the safe-integer limit', () => {
    expect(plain(formatMoney(money(MAX, 'EUR'), 'en-US'))).toBe('€90,071,992,547,409.91');
  });
});
