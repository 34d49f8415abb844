import { describe, expect, it } from 'vitest';
import { normalizeVatNumber, VAT_COUNTRY_PREFIXES, validateVatNumber, vatNumberSchema } from './vat';

describe('normalizeVatNumber', () => {
  it('upper-cases and strips spaces, dots and dashes', () => {
    expect(normalizeVatNumber(' nl 1234.56.789-b01 ')).toBe('NL123456789B01');
    expect(normalizeVatNumber('be 0123.456.789')).toBe('BE0123456789');
    expect(normalizeVatNumber('de\t123\u00a0456 789')).toBe('DE123456789');
  });
});

describe('validateVatNumber', () => {
  it('lists the EU prefixes plus XI, GB, CH and NO, with EL for Greece', () => {
    expect(VAT_COUNTRY_PREFIXES).toHaveLength(31);
    expect(VAT_COUNTRY_PREFIXES).toContain('EL');
    expect(VAT_COUNTRY_PREFIXES).toContain('XI');
    expect(VAT_COUNTRY_PREFIXES).toEqual(expect.arrayContaining(['GB', 'CH', 'NO']));
    expect(VAT_COUNTRY_PREFIXES).not.toContain('GR');
  });

  it.each([
    ['ATU12345678', 'AT'],
    ['BE0123456789', 'BE'],
    ['BE1234567890', 'BE'],
    ['BG123456789', 'BG'],
    ['BG1234567890', 'BG'],
    ['CY12345678X', 'CY'],
    ['CZ12345678', 'CZ'],
    ['CZ1234567890', 'CZ'],
    ['DE123456789', 'DE'],
    ['DK12345678', 'DK'],
    ['EE123456789', 'EE'],
    ['EL123456789', 'EL'],
    ['ESX1234567X', 'ES'],
    ['ES12345678Z', 'ES'],
    ['FI12345678', 'FI'],
    ['FR12345678901', 'FR'],
    ['FRAB123456789', 'FR'],
    ['HR12345678901', 'HR'],
    ['HU12345678', 'HU'],
    ['IE1234567WA', 'IE'],
    ['IE1234567T', 'IE'],
    ['IE1A23456B', 'IE'],
    ['IT12345678901', 'IT'],
    ['LT123456789', 'LT'],
    ['LT123456789012', 'LT'],
    ['LU12345678', 'LU'],
    ['LV12345678901', 'LV'],
    ['MT12345678', 'MT'],
    ['NL123456789B01', 'NL'],
    ['PL1234567890', 'PL'],
    ['PT123456789', 'PT'],
    ['RO12', 'RO'],
    ['RO1234567890', 'RO'],
    ['SE123456789001', 'SE'],
    ['SI12345678', 'SI'],
    ['SK1234567890', 'SK'],
    ['XI123456789', 'XI'],
    ['XI123456789012', 'XI'],
    ['XIGD123', 'XI'],
    ['XIHA567', 'XI'],
    ['GB123456789', 'GB'],
    ['GB123456789012', 'GB'],
    ['GBGD001', 'GB'],
    ['GBHA599', 'GB'],
    ['NO123456789MVA', 'NO'],
  ])('accepts %s (%s)', (input, country) => {
    expect(validateVatNumber(input)).toEqual({ ok: true, value: input, country });
  });

  it.each([
    ['AT12345678', 'U and 8 digits'], // missing U
    ['BE2123456789', '10 digits starting with 0 or 1'],
    ['BG12345678', '9 or 10 digits'],
    ['CY123456789', '8 digits and a letter'],
    ['CZ1234567', '8 to 10 digits'],
    ['DE12345678', '9 digits'],
    ['DK123456789', '8 digits'],
    ['EE12345678', '9 digits'],
    ['EL12345678', '9 digits'],
    ['ES12345678', '9 characters'],
    ['FI1234567', '8 digits'],
    ['FR1234567890', '2 letters or digits and 9 digits'],
    ['FRIO123456789', '2 letters or digits and 9 digits'], // I and O are not used
    ['HR1234567890', '11 digits'],
    ['HU123456789', '8 digits'],
    ['IE12345678', '7 digits and 1 or 2 letters'],
    ['IT1234567890', '11 digits'],
    ['LT1234567890', '9 or 12 digits'],
    ['LU1234567', '8 digits'],
    ['LV1234567890', '11 digits'],
    ['MT1234567', '8 digits'],
    ['NL123456789A01', '9 digits, B and 2 digits'],
    ['NL123456789', '9 digits, B and 2 digits'],
    ['PL123456789', '10 digits'],
    ['PT12345678', '9 digits'],
    ['RO1', '2 to 10 digits'],
    ['RO12345678901', '2 to 10 digits'],
    ['SE123456789012', '12 digits ending in 01'],
    ['SI1234567', '8 digits'],
    ['SK123456789', '10 digits'],
    ['XI12345678', '9 or 12 digits'],
    ['XIGD567', '9 or 12 digits'],
    ['GB12345678', '9 or 12 digits (or GD or HA and 3 digits)'],
    ['GB1234567890', '9 or 12 digits'],
    ['GBGD500', '9 or 12 digits'], // GD is 000-499
    ['GBHA499', '9 or 12 digits'], // HA is 500-999
    ['NO123456789', '9 digits and MVA'],
    ['NO12345678MVA', '9 digits and MVA'],
  ])('refuses %s, naming the format', (input, format) => {
    const result = validateVatNumber(input);
    expect(result).toMatchObject({ ok: false, reason: 'BAD_FORMAT' });
    if (!result.ok) expect(result.message).toContain(`${input.slice(0, 2)} followed by ${format}`);
  });

  it.each([
    ['CHE-123.456.789 MWST', 'CHE123456789MWST'],
    ['che 123 456 789 tva', 'CHE123456789TVA'],
    ['CHE-123.456.789 IVA', 'CHE123456789IVA'],
    ['CHE-123.456.789', 'CHE123456789'],
  ])('accepts the Swiss form %s, normalised to %s', (input, value) => {
    expect(validateVatNumber(input)).toEqual({ ok: true, value, country: 'CH' });
  });

  it.each(['CHE-123.456.78 MWST', 'CH123456789MWST', 'CHE-123.456.789 VAT', 'CHE-123.456.7890'])('refuses the Swiss %s, with the CHE form', (input) => {
    expect(validateVatNumber(input)).toEqual({
      ok: false,
      reason: 'BAD_FORMAT',
      message: 'A VAT number from Switzerland is CHE followed by 9 digits and MWST, TVA or IVA, such as CHE-123.456.789 MWST.',
    });
  });

  it('normalises the British and Norwegian forms people write', () => {
    expect(validateVatNumber('GB 123 4567 89')).toEqual({ ok: true, value: 'GB123456789', country: 'GB' });
    expect(validateVatNumber('no 123 456 789 mva')).toEqual({ ok: true, value: 'NO123456789MVA', country: 'NO' });
    expect(validateVatNumber('NO 123456789')).toMatchObject({
      ok: false,
      message: 'A VAT number from Norway is NO followed by 9 digits and MVA, such as NO123456789MVA.',
    });
  });

  it('names the country and an example in the message', () => {
    expect(validateVatNumber('DE 1234')).toEqual({
      ok: false,
      reason: 'BAD_FORMAT',
      message: 'A VAT number from Germany is DE followed by 9 digits, such as DE123456789.',
    });
  });

  it('validates normalised input and returns the normalised value', () => {
    expect(validateVatNumber(' nl 1234.56.789 b01')).toEqual({ ok: true, value: 'NL123456789B01', country: 'NL' });
  });

  it('refuses empty input', () => {
    expect(validateVatNumber(' . - ')).toMatchObject({ ok: false, reason: 'EMPTY' });
  });

  it('refuses unknown prefixes and hints at EL for GR', () => {
    expect(validateVatNumber('US123456789')).toMatchObject({ ok: false, reason: 'UNKNOWN_PREFIX' });
    expect(validateVatNumber('CA123456789')).toMatchObject({ ok: false, reason: 'UNKNOWN_PREFIX' });
    expect(validateVatNumber('123456789')).toMatchObject({ ok: false, reason: 'UNKNOWN_PREFIX' });
    const greek = validateVatNumber('GR123456789');
    expect(greek).toMatchObject({ ok: false, reason: 'UNKNOWN_PREFIX' });
    if (!greek.ok) expect(greek.message).toContain('start with EL');
  });

  it('is not fooled by inherited object keys', () => {
    expect(validateVatNumber('__proto__')).toMatchObject({ ok: false });
    expect(validateVatNumber('TO123')).toMatchObject({ ok: false, reason: 'UNKNOWN_PREFIX' });
  });
});

describe('vatNumberSchema', () => {
  it('normalises valid numbers', () => {
    expect(vatNumberSchema.parse('nl 123456789 b01')).toBe('NL123456789B01');
  });

  it('refuses invalid ones with the format message', () => {
    const result = vatNumberSchema.safeParse('de 1234');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('A VAT number from Germany is DE followed by 9 digits, such as DE123456789.');
    expect(vatNumberSchema.safeParse('').success).toBe(false);
    expect(vatNumberSchema.safeParse(123456789).success).toBe(false);
  });
});
