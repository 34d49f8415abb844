import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '@shared/domain/invoice';
import type { InvoiceDetail } from '@shared/ipc/models';
import { formatMoney } from '@shared/money';
import { invoicePdf, type InvoiceBillTo } from './invoice-pdf';
import { isWinAnsi, toWinAnsi } from './win-ansi';

const ORG = '0000000a-0000-4000-8000-000000000001';

function invoiceWith(lines: InvoiceLine[], overrides: Partial<InvoiceDetail> = {}): InvoiceDetail {
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = overrides.tax ?? Math.round((subtotal * 21) / 100);
  return {
    id: '0000000d-0000-4000-8000-000000000001',
    orgId: ORG,
    version: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    number: 'INV-2026-0142',
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    issuedAt: '2026-11-01T06:00:00.000Z',
    dueAt: '2026-11-15T00:00:00.000Z',
    status: 'open',
    currency: 'EUR',
    subtotal,
    tax,
    total: subtotal + tax,
    lines,
    orgName: 'Contoso Dental Group B.V.',
    ...overrides,
  };
}

const seats: InvoiceLine = { subscriptionId: null, description: 'Microsoft 365 Business Premium', quantity: 48, unitPrice: 2_060, amount: 98_880 };
const backup: InvoiceLine = { subscriptionId: null, description: 'Backup for Microsoft 365', quantity: 12, unitPrice: 250, amount: 3_000 };

const billTo: InvoiceBillTo = {
  name: 'Contoso Dental Group B.V.',
  vatNumber: 'NL123456789B01',
  billingEmail: 'finance@contoso-dental.example',
  taxRate: 2_100,
  billingAddress: { line1: 'Keizersgracht 123', line2: '3rd floor', city: 'Amsterdam', postalCode: '1015 CJ', region: null, country: 'NL' },
};

/** Windows-1252 bytes 0x80-0x9f (Node's TextDecoder reads them as Latin-1 control codes). */
const CP1252_HIGH: Readonly<Record<number, string>> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š',
  0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
  0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

function decodeWinAnsi(hex: string): string {
  return [...Buffer.from(hex, 'hex')].map((byte) => CP1252_HIGH[byte] ?? String.fromCharCode(byte)).join('');
}

/** The PDF's text runs, in drawing order: pdfkit writes each as hex WinAnsi strings inside a TJ array. */
function pdfText(bytes: Buffer): string[] {
  const raw = bytes.toString('latin1');
  return [...raw.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\] TJ/g)].map(([, array]) =>
    [...array!.matchAll(/<([0-9a-f]*)>/g)].map(([, hex]) => decodeWinAnsi(hex!)).join(''),
  );
}

function pageCount(bytes: Buffer): number {
  return bytes.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
}

async function render(invoice: InvoiceDetail, to: InvoiceBillTo = billTo, locale = 'en-GB') {
  const file = await invoicePdf(invoice, to, { locale, compress: false });
  const bytes = Buffer.from(file.content, 'base64');
  return { file, bytes, text: pdfText(bytes) };
}

describe('invoicePdf', () => {
  it('is a base64 PDF named after the invoice', async () => {
    const { file, bytes } = await render(invoiceWith([seats]));
    expect(file).toMatchObject({ fileName: 'seatdesk-invoice-INV-2026-0142.pdf', mimeType: 'application/pdf', encoding: 'base64' });
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
  });

  it('shows the seller, bill-to, invoice facts, lines and totals', async () => {
    const invoice = invoiceWith([seats, backup]);
    const { text } = await render(invoice);
    for (const expected of [
      'Seatdesk',
      'Invoice',
      'INV-2026-0142',
      'BILL TO',
      'Contoso Dental Group B.V.',
      'Keizersgracht 123',
      '3rd floor',
      '1015 CJ Amsterdam',
      'Netherlands',
      'NL123456789B01',
      'finance@contoso-dental.example',
      'Open',
      '1 Nov 2026',
      '15 Nov 2026',
      '1 Oct 2026 \u2013 31 Oct 2026',
      'Microsoft 365 Business Premium',
      '48',
      '€20.60',
      '€988.80',
      'Backup for Microsoft 365',
      'Subtotal',
      '€1,018.80',
      'Tax (21%)',
      '€213.95',
      'Total (EUR)',
      '€1,232.75',
      'Page 1 of 1',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).toContain(formatMoney({ amount: invoice.total, currency: 'EUR' }, 'en-GB'));
  });

  it('formats amounts and dates for the locale, with spaces the built-in font can print', async () => {
    const { text } = await render(invoiceWith([seats, backup]), billTo, 'fr-FR');
    // fr-FR groups with U+202F, which WinAnsi lacks: it is printed as a no-break space.
    expect(text).toContain('1\u00a0232,75\u00a0€');
    expect(text).toContain('Pays-Bas');
    expect(text).toContain('1 nov. 2026');
    expect(text.every((run) => isWinAnsi(run))).toBe(true);
  });

  it('falls back to the currency code where the font has no symbol for it', async () => {
    const line: InvoiceLine = { subscriptionId: null, description: 'Seats', quantity: 10, unitPrice: 49_900, amount: 499_000 };
    const { text } = await render(invoiceWith([line], { currency: 'INR', tax: 0 }), { ...billTo, taxRate: 0 }, 'en-IN');
    expect(text.some((run) => run.includes('INR') && run.includes('4,990.00'))).toBe(true);
    expect(text.join('\n')).not.toMatch(/[?]\s?4/);
  });

  it('leaves out the tax rate where it is not the rate the invoice was taxed at', async () => {
    const { text } = await render(invoiceWith([seats], { tax: 1_000 }));
    expect(text).toContain('Tax');
    expect(text.some((run) => run.startsWith('Tax ('))).toBe(false);
  });

  it('prints names outside WinAnsi readably, and a missing address and VAT number as nothing', async () => {
    const to: InvoiceBillTo = { name: 'Łódź Cyber Sp. z o.o. 東京', billingAddress: null, vatNumber: null, accountEmail: 'it@lodz.example' };
    const { text } = await render(invoiceWith([seats], { orgName: to.name }), to);
    expect(text).toContain('Lódz Cyber Sp. z o.o. ??');
    expect(text).toContain('it@lodz.example');
    expect(text.some((run) => run.includes('VAT'))).toBe(false);
  });

  it('says so when an invoice has no lines, and notes a paid or void invoice', async () => {
    const empty = await render(invoiceWith([], { status: 'void', tax: 0 }));
    expect(empty.text).toContain('This invoice has no lines.');
    expect(empty.text).toContain('This invoice is void: nothing is due.');
    expect(empty.text).toContain('€0.00');
    const paid = await render(invoiceWith([seats], { status: 'paid' }));
    expect(paid.text).toContain('Paid. Thank you.');
    expect(paid.text).toContain('Paid');
  });

  it('prints a credit with negative amounts', async () => {
    const credit: InvoiceLine = { subscriptionId: null, description: 'Credit for October outage', quantity: 1, unitPrice: -5_000, amount: -5_000 };
    const { text } = await render(invoiceWith([seats, credit]));
    expect(text).toContain('-€50.00');
    expect(text).toContain('€938.80');
  });

  it('keeps a huge amount on one line in its column (smaller, not wrapped)', async () => {
    const huge: InvoiceLine = { subscriptionId: null, description: 'Huge', quantity: 900_000, unitPrice: 9_999_999_999, amount: 8_999_999_999_100_000 };
    const { text } = await render(invoiceWith([huge], { tax: 0 }));
    expect(text).toContain('€89,999,999,991,000.00');
    expect(text).toContain('€99,999,999.99');
  });

  it('breaks a 200-line invoice over pages, each with the table header and page x of y', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ ...backup, description: `Backup seat ${i + 1}` }));
    const { bytes, text } = await render(invoiceWith(lines));
    const pages = pageCount(bytes);
    expect(pages).toBeGreaterThanOrEqual(6); // about 30 lines a page
    expect(pages).toBeLessThanOrEqual(10);
    for (let page = 1; page <= pages; page++) expect(text).toContain(`Page ${page} of ${pages}`);
    expect(text.filter((run) => run === 'DESCRIPTION')).toHaveLength(pages);
    expect(text.filter((run) => run === 'Invoice INV-2026-0142 (continued)')).toHaveLength(pages - 1);
    // Every line is printed once, in order, and the totals come after the last one.
    const printed = text.filter((run) => run.startsWith('Backup seat '));
    expect(printed).toEqual(lines.map((line) => line.description));
    expect(text.indexOf('Total (EUR)')).toBeGreaterThan(text.indexOf('Backup seat 200'));
  });

  it('wraps a long description instead of running into the numbers', async () => {
    const long = { ...seats, description: 'Managed firewall, 1 Gbit/s, including 24/7 incident response and quarterly configuration review' };
    const { text } = await render(invoiceWith([long]));
    const runs = text.filter((run) => /firewall|incident|review/.test(run));
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.join(' ').replace(/\s+/g, ' ')).toBe(long.description);
  });

  it('gives the same bytes for the same invoice, dated by its issue date', async () => {
    const invoice = invoiceWith([seats, backup]);
    const a = await invoicePdf(invoice, billTo, { locale: 'en-GB' });
    const b = await invoicePdf(invoice, billTo, { locale: 'en-GB' });
    expect(a.content).toBe(b.content);
    const raw = Buffer.from(a.content, 'base64').toString('latin1');
    expect(raw).toContain('(D:20261101060000Z)');
    const other = await invoicePdf({ ...invoice, number: 'INV-2026-0143' }, billTo, { locale: 'en-GB' });
    expect(other.content).not.toBe(a.content);
  });
});

describe('toWinAnsi', () => {
  it('keeps what the font has and maps the rest', () => {
    expect(toWinAnsi('Zoë Ærø – “quoted” € ™ œ')).toBe('Zoë Ærø – “quoted” € ™ œ');
    expect(toWinAnsi('1\u202f234,56\u00a0€')).toBe('1\u00a0234,56\u00a0€');
    expect(toWinAnsi('\u22125 Łukasz Dvořák Şişli')).toBe('-5 Lukasz Dvorák Sisli');
    expect(toWinAnsi('line\none\ttab')).toBe('line one tab');
    expect(toWinAnsi('東京 ₹ 🙂')).toBe('?? ? ?');
    expect(isWinAnsi('€12.50')).toBe(true);
    expect(isWinAnsi('₹12.50')).toBe(false);
  });
});
