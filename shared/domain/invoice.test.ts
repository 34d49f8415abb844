import { describe, expect, it } from 'vitest';
import { invoiceSchema, type Invoice } from './invoice';

const invoice: Invoice = {
  id: '1a3c5e7f-9b2d-4f6a-8c0e-2a4c6e8a0c2e',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  version: 1,
  createdAt: '2024-04-01T02:00:00Z',
  updatedAt: '2024-04-01T02:00:00Z',
  number: 'SD-2024-0042',
  periodStart: '2024-03-01',
  periodEnd: '2024-03-31',
  issuedAt: '2024-04-01T02:00:00Z',
  dueAt: '2024-04-15T23:59:59Z',
  status: 'open',
  currency: 'EUR',
  subtotal: 5900,
  tax: 1239,
  total: 7139,
  lines: [
    {
      subscriptionId: '5d7f9b1c-3e5a-4c7e-b9d1-f3a5c7e9b1d3',
      description: 'Seatdesk Backup, Business: 12 active users',
      quantity: 12,
      unitPrice: 450,
      amount: 5400,
    },
    { subscriptionId: null, description: 'Onboarding', quantity: 1, unitPrice: 500, amount: 500 },
  ],
};

function pathOf(data: unknown) {
  return invoiceSchema.safeParse(data).error?.issues[0]?.path;
}

describe('invoiceSchema', () => {
  it('accepts an invoice and an empty one', () => {
    expect(invoiceSchema.parse(invoice)).toEqual(invoice);
    expect(invoiceSchema.safeParse({ ...invoice, lines: [], subtotal: 0, tax: 0, total: 0 }).success).toBe(true);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...invoice, number: '' })).toEqual(['number']);
    expect(pathOf({ ...invoice, periodStart: '2024-03-01T00:00:00Z' })).toEqual(['periodStart']);
    expect(pathOf({ ...invoice, dueAt: 'soon' })).toEqual(['dueAt']);
    expect(pathOf({ ...invoice, status: 'draft' })).toEqual(['status']);
    expect(pathOf({ ...invoice, tax: 12.39, total: 7151.39 })).toEqual(['tax']);
    const [first] = invoice.lines;
    expect(pathOf({ ...invoice, lines: [{ ...first, quantity: 1.5 }] })).toEqual(['lines', 0, 'quantity']);
    expect(pathOf({ ...invoice, lines: [{ ...first, subscriptionId: 'sub' }] })).toEqual(['lines', 0, 'subscriptionId']);
  });

  it('needs the subtotal to be the sum of the lines', () => {
    expect(pathOf({ ...invoice, subtotal: 5400, total: 6639 })).toEqual(['subtotal']);
  });

  it('needs the total to be subtotal plus tax', () => {
    expect(pathOf({ ...invoice, total: 5900 })).toEqual(['total']);
  });

  it('needs the period to end on or after its start', () => {
    expect(pathOf({ ...invoice, periodEnd: '2024-02-29' })).toEqual(['periodEnd']);
    expect(invoiceSchema.safeParse({ ...invoice, periodEnd: '2024-03-01' }).success).toBe(true);
  });
});
