import { describe, expect, it } from 'vitest';
import { isExpired, paymentMethodSchema, type PaymentMethod } from './payment-method';

const card: PaymentMethod = {
  id: '2b4d6f8a-0c2e-4a6c-9e0a-4c6e8a0c2e4a',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 1,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-01T09:00:00Z',
  type: 'card',
  brand: 'Visa',
  last4: '4242',
  expMonth: 8,
  expYear: 2027,
  isDefault: true,
};
const sepa: PaymentMethod = { ...card, type: 'sepa_debit', brand: 'ING', last4: '0417', expMonth: null, expYear: null, isDefault: false };

function pathOf(data: unknown) {
  return paymentMethodSchema.safeParse(data).error?.issues[0]?.path;
}

describe('paymentMethodSchema', () => {
  it('accepts a card and a SEPA mandate', () => {
    expect(paymentMethodSchema.parse(card)).toEqual(card);
    expect(paymentMethodSchema.parse(sepa)).toEqual(sepa);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...card, type: 'paypal' })).toEqual(['type']);
    expect(pathOf({ ...card, last4: '424' })).toEqual(['last4']);
    expect(pathOf({ ...card, last4: '4242424242424242' })).toEqual(['last4']);
    expect(pathOf({ ...card, expMonth: 13 })).toEqual(['expMonth']);
    expect(pathOf({ ...card, expYear: 27 })).toEqual(['expYear']);
    expect(pathOf({ ...card, isDefault: 'yes' })).toEqual(['isDefault']);
  });

  it('needs a card to have an expiry', () => {
    expect(pathOf({ ...card, expMonth: null })).toEqual(['expMonth']);
    expect(pathOf({ ...card, expYear: null })).toEqual(['expYear']);
  });
});

describe('isExpired', () => {
  it('expires a card after the end of its expiry month', () => {
    expect(isExpired(card, '2027-08-31')).toBe(false);
    expect(isExpired(card, '2027-09-01')).toBe(true);
    expect(isExpired(sepa, '2099-01-01')).toBe(false);
  });
});
