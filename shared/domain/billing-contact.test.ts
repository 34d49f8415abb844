import { describe, expect, it } from 'vitest';
import { EMAIL_KIND_LABELS, EMAIL_KINDS, billingContactSchema, recipientsFor, type BillingContact } from './billing-contact';

const contact: BillingContact = {
  id: '9c2e4a6b-8d0f-4b1a-a3c5-e7f9a1b3c5d7',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 1,
  createdAt: '2024-03-01T09:00:00Z',
  updatedAt: '2024-03-01T09:00:00Z',
  email: 'finance@northwind.example',
  userId: null,
  kinds: ['invoices', 'payment_reminders'],
};

function pathOf(data: unknown) {
  return billingContactSchema.safeParse(data).error?.issues[0]?.path;
}

describe('billingContactSchema', () => {
  it('accepts a typed-in contact and one picked from the users', () => {
    expect(billingContactSchema.parse(contact)).toEqual(contact);
    const picked = { ...contact, userId: '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80', kinds: [...EMAIL_KINDS] };
    expect(billingContactSchema.parse(picked)).toEqual(picked);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...contact, email: 'finance' })).toEqual(['email']);
    expect(pathOf({ ...contact, userId: 'ann' })).toEqual(['userId']);
    expect(pathOf({ ...contact, kinds: [] })).toEqual(['kinds']);
    expect(pathOf({ ...contact, kinds: ['invoices', 'newsletters'] })).toEqual(['kinds', 1]);
    expect(pathOf({ ...contact, kinds: ['invoices', 'invoices'] })).toEqual(['kinds', 1]);
  });

  it('labels every kind of email', () => {
    expect(EMAIL_KINDS.map((kind) => EMAIL_KIND_LABELS[kind])).toEqual([
      'Invoices',
      'Payment reminders',
      'Subscription changes',
      'Account notices',
    ]);
  });
});

describe('recipientsFor', () => {
  const contacts: Pick<BillingContact, 'email' | 'kinds'>[] = [
    { email: 'finance@northwind.example', kinds: ['invoices', 'payment_reminders'] },
    { email: 'FINANCE@northwind.example', kinds: ['invoices'] },
    { email: 'it@northwind.example', kinds: ['subscription_changes'] },
  ];

  it('sends each kind to the contacts that asked for it, each address once', () => {
    expect(recipientsFor('invoices', contacts, 'owner@northwind.example')).toEqual(['finance@northwind.example']);
    expect(recipientsFor('subscription_changes', contacts, null)).toEqual(['it@northwind.example']);
  });

  it('sends invoices to the primary contact when no contact takes them', () => {
    const others = contacts.filter((entry) => !entry.kinds.includes('invoices'));
    expect(recipientsFor('invoices', others, 'owner@northwind.example')).toEqual(['owner@northwind.example']);
    expect(recipientsFor('invoices', others, null)).toEqual([]);
    expect(recipientsFor('account_notices', others, 'owner@northwind.example')).toEqual([]);
    expect(recipientsFor('payment_reminders', others, 'owner@northwind.example')).toEqual(['owner@northwind.example']);
  });
});
