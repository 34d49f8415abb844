import { describe, expect, it } from 'vitest';
import { COUNTRIES, countryCodeSchema, countryName, isCountryCode, resolveCountry, searchCountries } from './countries';
import { addressSchema, organizationSchema } from './domain/organization';

const codes = (list: readonly { code: string }[]) => list.map((country) => country.code);

describe('the country list', () => {
  it('has every officially assigned ISO 3166-1 alpha-2 code once, and no user-assigned one', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(codes(COUNTRIES)).size).toBe(249);
    for (const { code, name } of COUNTRIES) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(name.trim()).toBe(name);
      expect(name.length).toBeGreaterThan(2);
    }
    for (const code of ['XI', 'XK', 'EU', 'UK', 'ZZ', 'AA']) expect(isCountryCode(code)).toBe(false);
  });

  it('agrees with the runtime’s own region names for every code', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (const { code } of COUNTRIES) expect(names.of(code), code).toBeTruthy();
  });

  it('names codes', () => {
    expect(countryName('NL')).toBe('Netherlands');
    expect(countryName('ne')).toBe('Niger');
    expect(countryName('GB')).toBe('United Kingdom');
    expect(countryName('ZZ')).toBeUndefined();
  });
});

describe('searchCountries', () => {
  it('finds a country from the start of its name', () => {
    expect(codes(searchCountries('Neth'))).toEqual(['NL', 'BQ']); // BQ: Caribbean Netherlands
    expect(codes(searchCountries('neth')).slice(0, 1)).toEqual(['NL']);
    expect(codes(searchCountries('ger'))[0]).toBe('DE');
  });

  it('finds words inside names, other names and accents typed without them', () => {
    expect(codes(searchCountries('kingdom'))).toContain('GB');
    expect(codes(searchCountries('Holland'))).toEqual(['NL']);
    expect(codes(searchCountries('UK'))[0]).toBe('GB');
    expect(codes(searchCountries('cote'))).toEqual(['CI']);
    expect(codes(searchCountries('turkey'))).toEqual(['TR']);
    expect(codes(searchCountries('Czech Republic'))).toEqual(['CZ']);
  });

  it('puts a code typed in capitals first, and names first when typed in lower case', () => {
    expect(codes(searchCountries('NE'))[0]).toBe('NE');
    const lower = codes(searchCountries('ne', 50));
    expect(lower.indexOf('NL')).toBeLessThan(lower.indexOf('NE'));
    expect(codes(searchCountries('NL'))[0]).toBe('NL');
  });

  it('lists everything for an empty query and nothing for nonsense', () => {
    expect(searchCountries('', 300)).toHaveLength(249);
    expect(searchCountries('qqq')).toEqual([]);
    expect(searchCountries('a', 5)).toHaveLength(5);
  });
});

describe('resolveCountry', () => {
  it('resolves exact codes, names and other names only', () => {
    expect(resolveCountry('Netherlands')?.code).toBe('NL');
    expect(resolveCountry(' the netherlands ')?.code).toBe('NL');
    expect(resolveCountry('nl')?.code).toBe('NL');
    expect(resolveCountry('NE')?.code).toBe('NE');
    expect(resolveCountry('Niger')?.code).toBe('NE');
    expect(resolveCountry('United Kingdom')?.code).toBe('GB');
    expect(resolveCountry('Curacao')?.code).toBe('CW');
  });

  it('never guesses from part of a name or an unknown code', () => {
    expect(resolveCountry('Nether')).toBeNull();
    expect(resolveCountry('ZZ')).toBeNull();
    expect(resolveCountry('')).toBeNull();
  });
});

describe('countryCodeSchema', () => {
  it('stores codes upper-cased', () => {
    expect(countryCodeSchema.parse(' nl ')).toBe('NL');
  });

  it('refuses a code no country has, in plain words', () => {
    expect(countryCodeSchema.safeParse('ZZ').error?.issues[0]?.message).toBe('“ZZ” is not a country code. Pick the country from the list.');
  });

  it('refuses a name rather than cutting it to two letters', () => {
    expect(countryCodeSchema.safeParse('Netherlands').error?.issues[0]?.message).toBe('Pick the country from the list: Netherlands is stored as NL.');
    expect(countryCodeSchema.safeParse('Nethx').error?.issues[0]?.message).toMatch(/^Pick the country from the list \(a 2-letter ISO 3166 code/);
  });

  it('is the rule of a new address, while a stored row with an older code is still read', () => {
    const address = { line1: 'Main 1', line2: null, city: 'Utrecht', postalCode: '3511 AB', region: null, country: 'ZZ' };
    expect(addressSchema.safeParse(address).error?.issues[0]?.path).toEqual(['country']);
    const shape = organizationSchema.shape.billingAddress;
    expect(shape.safeParse(address).success).toBe(true);
    expect(shape.safeParse({ ...address, country: 'Netherlands' }).success).toBe(false);
  });
});
