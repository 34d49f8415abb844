import { z } from 'zod';

/**
 * Money is an integer number of minor units (cents, yen, fils) plus an ISO 4217 code.
 * Amounts never pass through floating point except when formatted for display.
 */

// Intl.supportedValuesOf is missing on old runtimes; there, any well-formed code passes.
const knownCurrencies: ReadonlySet<string> | null =
  typeof Intl.supportedValuesOf === 'function' ? new Set(Intl.supportedValuesOf('currency')) : null;

export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && (knownCurrencies === null || knownCurrencies.has(code));
}

export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'A currency is a 3-letter ISO 4217 code in capitals, such as EUR.')
  .refine(isKnownCurrency, 'Unknown currency code.');

/** Zod 4's int() already stops at Number.MAX_SAFE_INTEGER; the refine says so explicitly. */
export const minorUnitsSchema = z.number().int().refine(Number.isSafeInteger, 'Amount is too large.');

export const moneySchema = z.strictObject({ amount: minorUnitsSchema, currency: currencyCodeSchema });
export type Money = z.infer<typeof moneySchema>;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

export class CurrencyMismatchError extends MoneyError {
  override name = 'CurrencyMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Cannot combine ${actual} with ${expected}.`);
  }
}

export class MoneyOverflowError extends MoneyError {
  override name = 'MoneyOverflowError';
  constructor() {
    super('Amount is beyond the largest safe integer.');
  }
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyOverflowError();
  }
  return Number(value);
}

function toBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be a safe integer, got ${value}.`);
  return BigInt(value);
}

function assertCurrency(currency: string): void {
  if (!isKnownCurrency(currency)) throw new MoneyError(`Unknown currency ${JSON.stringify(currency)}.`);
}

export function money(amount: number, currency: string): Money {
  if (!Number.isInteger(amount)) throw new MoneyError(`Amount must be integer minor units, got ${amount}.`);
  if (!Number.isSafeInteger(amount)) throw new MoneyOverflowError();
  assertCurrency(currency);
  return { amount: amount === 0 ? 0 : amount, currency };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
  return money(toSafeNumber(BigInt(a.amount) + BigInt(b.amount)), a.currency);
}

/** The currency is required so an empty list still has one. */
export function sumMoney(list: readonly Money[], currency: string): Money {
  return list.reduce(addMoney, money(0, currency));
}

export function multiplyMoney(m: Money, quantity: number): Money {
  return money(toSafeNumber(BigInt(m.amount) * toBigInt(quantity, 'Quantity')), m.currency);
}

/** numerator / denominator rounded to the nearest integer, ties to even (banker's rounding). */
export function roundHalfEven(numerator: bigint | number, denominator: bigint | number): number {
  let n = toBigInt(numerator, 'Numerator');
  let d = toBigInt(denominator, 'Denominator');
  if (d === 0n) throw new MoneyError('Division by zero.');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  let q = n / d; // truncates toward zero
  const r = n % d; // same sign as n
  const twiceRemainder = 2n * (r < 0n ? -r : r);
  if (twiceRemainder > d || (twiceRemainder === d && q % 2n !== 0n)) {
    q += n < 0n ? -1n : 1n;
  }
  return toSafeNumber(q);
}

/** Tax on an amount at a rate in basis points (2100 = 21 %), rounded half-even to a minor unit. */
export function taxOf(amount: Money, rateBasisPoints: number): Money {
  if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0) {
    throw new MoneyError(`Tax rate must be a non-negative integer of basis points, got ${rateBasisPoints}.`);
  }
  const tax = roundHalfEven(BigInt(amount.amount) * BigInt(rateBasisPoints), 10_000n);
  return money(tax, amount.currency);
}

const digitsCache = new Map<string, number>();

/** Decimal places of the currency's minor unit, from CLDR via Intl (EUR 2, JPY 0, BHD 3). */
export function minorUnitDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    assertCurrency(currency);
    const options = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions();
    digits = options.maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** Exact decimal text of minor units, e.g. (-5, 2) -> "-0.05". */
function toDecimalString(amount: number, digits: number): `${number}` {
  const abs = String(Math.abs(amount)).padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  return `${amount < 0 ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}` as `${number}`;
}

export function formatMoney(m: Money, locale?: Intl.LocalesArgument): string {
  const digits = minorUnitDigits(m.currency);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // A decimal string keeps amounts near the safe-integer limit exact, where amount / 100 would not.
  return format.format(toDecimalString(m.amount, digits));
}
