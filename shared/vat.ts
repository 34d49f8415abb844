import { z } from 'zod';
import { textRule } from './text';

/**
 * Format checks of VAT numbers by country prefix: the EU's (as VIES describes them, with XI for
 * Northern Ireland), the United Kingdom's, Switzerland's (MWST/TVA/IVA) and Norway's (MVA).
 * This checks the shape only; whether a number is registered is VIES's (or HMRC's, the Swiss
 * UID register's, Brønnøysund's) business.
 */

interface VatFormat {
  country: string;
  pattern: RegExp;
  /** What follows the prefix, completing "<prefix> followed by ...". */
  format: string;
  /** The prefix as people write it, when longer than the two letters (Switzerland's CHE). */
  lead?: string;
  example: string;
}

const VAT_FORMATS = {
  AT: { country: 'Austria', pattern: /^U\d{8}$/, format: 'U and 8 digits', example: 'ATU12345678' },
  BE: { country: 'Belgium', pattern: /^[01]\d{9}$/, format: '10 digits starting with 0 or 1', example: 'BE0123456789' },
  BG: { country: 'Bulgaria', pattern: /^\d{9,10}$/, format: '9 or 10 digits', example: 'BG123456789' },
  CH: {
    country: 'Switzerland',
    lead: 'CHE',
    pattern: /^E\d{9}(MWST|TVA|IVA)?$/,
    format: '9 digits and MWST, TVA or IVA',
    example: 'CHE-123.456.789 MWST',
  },
  CY: { country: 'Cyprus', pattern: /^\d{8}[A-Z]$/, format: '8 digits and a letter', example: 'CY12345678X' },
  CZ: { country: 'Czechia', pattern: /^\d{8,10}$/, format: '8 to 10 digits', example: 'CZ12345678' },
  DE: { country: 'Germany', pattern: /^\d{9}$/, format: '9 digits', example: 'DE123456789' },
  DK: { country: 'Denmark', pattern: /^\d{8}$/, format: '8 digits', example: 'DK12345678' },
  EE: { country: 'Estonia', pattern: /^\d{9}$/, format: '9 digits', example: 'EE123456789' },
  EL: { country: 'Greece', pattern: /^\d{9}$/, format: '9 digits', example: 'EL123456789' },
  ES: {
    country: 'Spain',
    pattern: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
    format: '9 characters: a letter or digit, 7 digits, a letter or digit',
    example: 'ESX1234567X',
  },
  FI: { country: 'Finland', pattern: /^\d{8}$/, format: '8 digits', example: 'FI12345678' },
  FR: {
    country: 'France',
    pattern: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
    format: '2 letters or digits and 9 digits',
    example: 'FR12345678901',
  },
  GB: {
    country: 'the United Kingdom',
    pattern: /^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/,
    format: '9 or 12 digits (or GD or HA and 3 digits)',
    example: 'GB123456789',
  },
  HR: { country: 'Croatia', pattern: /^\d{11}$/, format: '11 digits', example: 'HR12345678901' },
  HU: { country: 'Hungary', pattern: /^\d{8}$/, format: '8 digits', example: 'HU12345678' },
  IE: {
    country: 'Ireland',
    pattern: /^(\d{7}[A-W][A-IW]?|\d[A-Z0-9+*]\d{5}[A-W])$/,
    format: '7 digits and 1 or 2 letters (or a digit, a letter, 5 digits and a letter)',
    example: 'IE1234567WA',
  },
  IT: { country: 'Italy', pattern: /^\d{11}$/, format: '11 digits', example: 'IT12345678901' },
  LT: { country: 'Lithuania', pattern: /^(\d{9}|\d{12})$/, format: '9 or 12 digits', example: 'LT123456789' },
  LU: { country: 'Luxembourg', pattern: /^\d{8}$/, format: '8 digits', example: 'LU12345678' },
  LV: { country: 'Latvia', pattern: /^\d{11}$/, format: '11 digits', example: 'LV12345678901' },
  MT: { country: 'Malta', pattern: /^\d{8}$/, format: '8 digits', example: 'MT12345678' },
  NL: { country: 'the Netherlands', pattern: /^\d{9}B\d{2}$/, format: '9 digits, B and 2 digits', example: 'NL123456789B01' },
  NO: { country: 'Norway', pattern: /^\d{9}MVA$/, format: '9 digits and MVA', example: 'NO123456789MVA' },
  PL: { country: 'Poland', pattern: /^\d{10}$/, format: '10 digits', example: 'PL1234567890' },
  PT: { country: 'Portugal', pattern: /^\d{9}$/, format: '9 digits', example: 'PT123456789' },
  RO: { country: 'Romania', pattern: /^[1-9]\d{1,9}$/, format: '2 to 10 digits', example: 'RO1234567890' },
  SE: { country: 'Sweden', pattern: /^\d{10}01$/, format: '12 digits ending in 01', example: 'SE123456789001' },
  SI: { country: 'Slovenia', pattern: /^\d{8}$/, format: '8 digits', example: 'SI12345678' },
  SK: { country: 'Slovakia', pattern: /^\d{10}$/, format: '10 digits', example: 'SK1234567890' },
  XI: {
    country: 'Northern Ireland',
    pattern: /^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$/,
    format: '9 or 12 digits (or GD or HA and 3 digits)',
    example: 'XI123456789',
  },
} as const satisfies Record<string, VatFormat>;

export type VatCountryPrefix = keyof typeof VAT_FORMATS;

export const VAT_COUNTRY_PREFIXES = Object.keys(VAT_FORMATS) as readonly VatCountryPrefix[];

export type VatValidation =
  | { ok: true; value: string; country: VatCountryPrefix }
  | { ok: false; reason: 'EMPTY' | 'UNKNOWN_PREFIX' | 'BAD_FORMAT'; message: string };

export function normalizeVatNumber(input: string): string {
  return input.toUpperCase().replace(/[\s.\-\u2010-\u2014]/g, '');
}

function isPrefix(prefix: string): prefix is VatCountryPrefix {
  return Object.hasOwn(VAT_FORMATS, prefix);
}

export function validateVatNumber(input: string): VatValidation {
  const value = normalizeVatNumber(input);
  if (value === '') return { ok: false, reason: 'EMPTY', message: 'Enter a VAT number.' };

  const prefix = value.slice(0, 2);
  if (!isPrefix(prefix)) {
    // People often type ISO's GR for Greece, but VAT numbers use EL.
    const hint = prefix === 'GR' ? 'Greek VAT numbers start with EL, not GR.' : 'A VAT number starts with its country prefix, such as DE, NL or GB.';
    return { ok: false, reason: 'UNKNOWN_PREFIX', message: `${hint} Known prefixes: ${VAT_COUNTRY_PREFIXES.join(', ')}.` };
  }

  const format: VatFormat = VAT_FORMATS[prefix];
  if (!format.pattern.test(value.slice(2))) {
    return {
      ok: false,
      reason: 'BAD_FORMAT',
      message: `A VAT number from ${format.country} is ${format.lead ?? prefix} followed by ${format.format}, such as ${format.example}.`,
    };
  }
  return { ok: true, value, country: prefix };
}

/** A VAT number: normalised, then checked against its country's format. */
export const vatNumberSchema = z
  .string()
  .overwrite(normalizeVatNumber)
  .superRefine(textRule('VAT numbers'))
  .check((ctx) => {
    const result = validateVatNumber(ctx.value);
    if (!result.ok) ctx.issues.push({ code: 'custom', message: result.message, input: ctx.value });
  });
