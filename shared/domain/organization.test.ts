import { describe, expect, it } from 'vitest';
import { addressSchema, canHaveChild, organizationSchema, type Organization } from './organization';

const orgId = '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4';
const address = {
  line1: 'Keizersgracht 1',
  line2: null,
  city: 'Amsterdam',
  postalCode: '1015 AA',
  region: null,
  country: 'NL',
};
const organization: Organization = {
  id: orgId,
  orgId,
  version: 3,
  createdAt: '2024-02-01T10:00:00Z',
  updatedAt: '2024-02-02T10:00:00Z',
  name: 'Northwind Reseller',
  kind: 'reseller',
  parentId: '7a1e3c55-9f0b-4d2a-8c61-0b2f4e6d8a19',
  accountEmail: 'accounts@northwind.example',
  billingEmail: null,
  vatNumber: 'NL123456789B01',
  billingAddress: address,
  shippingAddress: null,
  primaryContactUserId: null,
  taxRate: 2100,
};

function pathOf(data: unknown) {
  return organizationSchema.safeParse(data).error?.issues[0]?.path;
}

describe('organizationSchema', () => {
  it('accepts an organization', () => {
    expect(organizationSchema.parse(organization)).toEqual(organization);
    expect(organizationSchema.parse({ ...organization, parentId: null, kind: 'provider' }).parentId).toBeNull();
  });

  it('normalises emails and the VAT number', () => {
    const parsed = organizationSchema.parse({
      ...organization,
      accountEmail: ' Accounts@NorthWind.Example ',
      vatNumber: 'nl 1234.56789.b01',
    });
    expect(parsed.accountEmail).toBe('Accounts@northwind.example');
    expect(parsed.vatNumber).toBe('NL123456789B01');
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...organization, name: '  ' })).toEqual(['name']);
    expect(pathOf({ ...organization, kind: 'partner' })).toEqual(['kind']);
    expect(pathOf({ ...organization, parentId: 'parent' })).toEqual(['parentId']);
    expect(pathOf({ ...organization, accountEmail: null })).toEqual(['accountEmail']);
    expect(pathOf({ ...organization, billingEmail: 'billing' })).toEqual(['billingEmail']);
    expect(pathOf({ ...organization, vatNumber: 'NL123' })).toEqual(['vatNumber']);
    expect(pathOf({ ...organization, taxRate: 21.5 })).toEqual(['taxRate']);
    expect(pathOf({ ...organization, taxRate: 10_001 })).toEqual(['taxRate']);
    expect(pathOf({ ...organization, primaryContactUserId: 'ann' })).toEqual(['primaryContactUserId']);
    expect(pathOf({ ...organization, billingAddress: { ...address, country: 'NLD' } })).toEqual([
      'billingAddress',
      'country',
    ]);
  });
});

describe('addressSchema', () => {
  it('trims and upper-cases the country', () => {
    expect(addressSchema.parse({ ...address, country: ' be ', line2: 'Unit 4' }).country).toBe('BE');
  });

  it('needs a street, city and postal code', () => {
    expect(addressSchema.safeParse({ ...address, line1: '' }).error?.issues[0]?.path).toEqual(['line1']);
    expect(addressSchema.safeParse({ ...address, city: ' ' }).error?.issues[0]?.path).toEqual(['city']);
    expect(addressSchema.safeParse({ ...address, postalCode: undefined }).error?.issues[0]?.path).toEqual([
      'postalCode',
    ]);
    expect(addressSchema.safeParse({ ...address, region: undefined }).error?.issues[0]?.path).toEqual(['region']);
  });
});

describe('canHaveChild', () => {
  it('follows provider > reseller > customer', () => {
    expect(canHaveChild('provider', 'reseller')).toBe(true);
    expect(canHaveChild('provider', 'customer')).toBe(true);
    expect(canHaveChild('reseller', 'customer')).toBe(true);
    expect(canHaveChild('reseller', 'reseller')).toBe(false);
    expect(canHaveChild('customer', 'customer')).toBe(false);
    expect(canHaveChild('reseller', 'provider')).toBe(false);
  });
});
