import PDFDocument from 'pdfkit';
import type { Address, Organization } from '@shared/domain/organization';
import type { InvoiceStatus } from '@shared/domain/invoice';
import type { ExportedFile, InvoiceDetail } from '@shared/ipc/models';
import { formatMoney, minorUnitDigits, taxOf } from '@shared/money';
import { decimalAmount } from '../csv/exports';
import { isWinAnsi, toWinAnsi } from './win-ansi';

/**
 * An invoice as an A4 PDF, made locally so it works offline. pdfkit's built-in Helvetica keeps
 * the app free of font files (and limits text to WinAnsi, see win-ansi.ts). The same invoice
 * always gives the same bytes: the creation date is the invoice's issue date.
 */

/** What the bill-to block shows: an Organization, or the parts of one the caller has. */
export type InvoiceBillTo = Pick<Organization, 'name' | 'billingAddress' | 'vatNumber'> &
  Partial<Pick<Organization, 'billingEmail' | 'accountEmail' | 'taxRate'>>;

export interface InvoicePdfOptions {
  /** BCP 47 locale for amounts and dates, e.g. "en-GB", "nl-NL". */
  locale: string;
  /** false writes uncompressed content streams, so tests can read the text. Default true. */
  compress?: boolean;
}

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = { left: 50, right: 50, top: 50, bottom: 60 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const CONTENT_BOTTOM = PAGE.height - MARGIN.bottom;
const RIGHT = PAGE.width - MARGIN.right;

const COLOR = {
  ink: '#1f2933',
  muted: '#616e7c',
  accent: '#1d4ed8',
  rule: '#d9dde3',
  headerFill: '#f1f4f8',
};

const STATUS_STYLE: Readonly<Record<InvoiceStatus, { label: string; color: string }>> = {
  open: { label: 'Open', color: '#1d4ed8' },
  paid: { label: 'Paid', color: '#15803d' },
  overdue: { label: 'Overdue', color: '#b91c1c' },
  void: { label: 'Void', color: '#616e7c' },
};

/** The lines table: x and width of each column; numbers are right-aligned. */
const COLUMNS = {
  description: { x: MARGIN.left, width: 250 },
  quantity: { x: 305, width: 55 },
  unitPrice: { x: 365, width: 85 },
  amount: { x: 450, width: RIGHT - 450 },
};
const CELL_PADDING = 5;
const GUTTER = 8;
const BODY_SIZE = 10;

type Doc = PDFKit.PDFDocument;

interface Formatters {
  money(amount: number): string;
  date(iso: string): string;
  day(isoDate: string): string;
  quantity(n: number): string;
  percent(basisPoints: number): string;
  country(code: string): string;
}

function formatters(locale: string, currency: string): Formatters {
  const dateFormat = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const quantityFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const digits = minorUnitDigits(currency);
  // Where the currency's symbol is not in the built-in font (₹, ₺, zł...), the ISO code is shown.
  const codeFormat = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'code',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  let regions: Intl.DisplayNames | null = null;
  try {
    regions = new Intl.DisplayNames(locale, { type: 'region' });
  } catch {
    regions = null;
  }
  return {
    money(amount) {
      const text = formatMoney({ amount, currency }, locale);
      // Thin spaces and the minus sign have plain equivalents; a missing symbol has none.
      if (isWinAnsi(text.replace(/[\u202f\u2009\u2212]/g, ' '))) return toWinAnsi(text);
      return toWinAnsi(codeFormat.format(decimalAmount(amount, currency) as `${number}`));
    },
    date: (iso) => dateFormat.format(new Date(iso)),
    day: (isoDate) => dateFormat.format(new Date(`${isoDate}T00:00:00Z`)),
    quantity: (n) => quantityFormat.format(n),
    percent: (basisPoints) => percentFormat.format(basisPoints / 10_000),
    country(code) {
      try {
        return regions?.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

function addressLines(address: Address, country: (code: string) => string): string[] {
  return [
    address.line1,
    address.line2 ?? '',
    `${address.postalCode} ${address.city}`.trim(),
    address.region ?? '',
    country(address.country),
  ].filter((line) => line.trim() !== '');
}

/** One line of text at a fixed place (pdfkit still wraps text given a width: see fit). */
function put(doc: Doc, text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}): void {
  doc.text(toWinAnsi(text), x, y, { lineBreak: false, ...options });
}

/** One line in a column of the given width, in a smaller size if the text is wider (a huge amount). */
function fit(doc: Doc, text: string, x: number, y: number, width: number, size: number, align: 'left' | 'right' = 'right'): void {
  const safe = toWinAnsi(text);
  doc.fontSize(size);
  const natural = doc.widthOfString(safe);
  if (natural > width) doc.fontSize(Math.max(5, Math.floor(((size * width) / natural) * 10) / 10));
  doc.text(safe, x, y, { width, align, lineBreak: false });
  doc.fontSize(size);
}

/** One line cut short with an ellipsis where it is wider than the width. */
function truncated(doc: Doc, text: string, x: number, y: number, width: number, align: 'left' | 'right' = 'left'): void {
  const safe = toWinAnsi(text);
  doc.text(safe, x, y, { width, align, height: doc.currentLineHeight(), ellipsis: true });
}

/** Text wrapped to a width; returns the y below it. */
function block(doc: Doc, text: string, x: number, y: number, width: number, options: PDFKit.Mixins.TextOptions = {}): number {
  const safe = toWinAnsi(text);
  doc.text(safe, x, y, { width, ...options });
  return y + doc.heightOfString(safe, { width, ...options });
}

function label(doc: Doc, text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}): void {
  doc.font('Helvetica-Bold').fontSize(8).fillColor(COLOR.muted);
  put(doc, text.toUpperCase(), x, y, { characterSpacing: 0.6, ...options });
}

function rule(doc: Doc, y: number, x1 = MARGIN.left, x2 = RIGHT, color = COLOR.rule): void {
  doc.moveTo(x1, y).lineTo(x2, y).lineWidth(0.75).strokeColor(color).stroke();
}

/** The letterhead of the first page; returns where the next block starts. */
function drawHeader(doc: Doc, invoice: InvoiceDetail): number {
  doc.font('Helvetica-Bold').fontSize(24).fillColor(COLOR.accent);
  put(doc, 'Seatdesk', MARGIN.left, MARGIN.top);
  doc.font('Helvetica').fontSize(9).fillColor(COLOR.muted);
  put(doc, 'Billing for managed service providers', MARGIN.left, MARGIN.top + 30);

  doc.font('Helvetica-Bold').fontSize(20).fillColor(COLOR.ink);
  put(doc, 'Invoice', MARGIN.left, MARGIN.top + 2, { width: CONTENT_WIDTH, align: 'right' });
  // Beside the tagline, so a long number wraps instead of running over it.
  doc.font('Helvetica').fontSize(11).fillColor(COLOR.muted);
  block(doc, invoice.number, MARGIN.left + 240, MARGIN.top + 28, CONTENT_WIDTH - 240, { align: 'right', lineGap: -1 });

  const y = MARGIN.top + 52;
  rule(doc, y, MARGIN.left, RIGHT, COLOR.ink);
  return y + 18;
}

/** Bill-to on the left, the invoice's facts on the right; returns the y below both. */
function drawParties(doc: Doc, invoice: InvoiceDetail, billTo: InvoiceBillTo, f: Formatters, top: number): number {
  const leftWidth = 250;
  label(doc, 'Bill to', MARGIN.left, top);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(COLOR.ink);
  let y = block(doc, billTo.name, MARGIN.left, top + 14, leftWidth) + 2;
  doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(COLOR.ink);
  const lines = billTo.billingAddress === null ? [] : addressLines(billTo.billingAddress, f.country);
  for (const line of lines) y = block(doc, line, MARGIN.left, y, leftWidth) + 1;
  const email = billTo.billingEmail ?? billTo.accountEmail ?? null;
  if (email !== null) {
    doc.fillColor(COLOR.muted);
    y = block(doc, email, MARGIN.left, y, leftWidth) + 1;
  }
  if (billTo.vatNumber !== null) {
    y += 4;
    doc.font('Helvetica').fontSize(9).fillColor(COLOR.muted);
    put(doc, 'VAT number', MARGIN.left, y + 1);
    doc.font('Helvetica-Bold').fontSize(BODY_SIZE).fillColor(COLOR.ink);
    y = block(doc, billTo.vatNumber, MARGIN.left + 62, y, leftWidth - 62);
  }

  const factsX = 330;
  const labelWidth = 80;
  const valueX = factsX + labelWidth;
  const valueWidth = RIGHT - valueX;
  const status = STATUS_STYLE[invoice.status];
  const facts: [string, string, string?][] = [
    ['Invoice number', invoice.number],
    ['Status', status.label, status.color],
    ['Issue date', f.date(invoice.issuedAt)],
    ['Due date', f.date(invoice.dueAt)],
    ['Period', `${f.day(invoice.periodStart)} \u2013 ${f.day(invoice.periodEnd)}`],
  ];
  let factsY = top;
  for (const [name, value, color] of facts) {
    doc.font('Helvetica').fontSize(9).fillColor(COLOR.muted);
    put(doc, name, factsX, factsY + 1);
    doc.font(color === undefined ? 'Helvetica' : 'Helvetica-Bold').fontSize(BODY_SIZE).fillColor(color ?? COLOR.ink);
    factsY = Math.max(factsY + 17, block(doc, value, valueX, factsY, valueWidth, { align: 'right' }) + 5);
  }
  return Math.max(y, factsY) + 24;
}

function drawTableHeader(doc: Doc, y: number): number {
  const height = 22;
  doc.rect(MARGIN.left, y, CONTENT_WIDTH, height).fillColor(COLOR.headerFill).fill();
  const textY = y + 8;
  label(doc, 'Description', COLUMNS.description.x + CELL_PADDING, textY);
  label(doc, 'Quantity', COLUMNS.quantity.x, textY, { width: COLUMNS.quantity.width, align: 'right' });
  label(doc, 'Unit price', COLUMNS.unitPrice.x, textY, { width: COLUMNS.unitPrice.width, align: 'right' });
  label(doc, 'Amount', COLUMNS.amount.x, textY, { width: COLUMNS.amount.width - CELL_PADDING, align: 'right' });
  return y + height;
}

/** A page after the first: a short running head, so a loose page still says what it belongs to. */
function continuePage(doc: Doc, invoice: InvoiceDetail): number {
  doc.addPage();
  doc.font('Helvetica-Bold').fontSize(12).fillColor(COLOR.accent);
  put(doc, 'Seatdesk', MARGIN.left, MARGIN.top);
  doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(COLOR.muted);
  put(doc, `Invoice ${invoice.number} (continued)`, MARGIN.left, MARGIN.top + 1, { width: CONTENT_WIDTH, align: 'right' });
  rule(doc, MARGIN.top + 20);
  return MARGIN.top + 32;
}

function drawLines(doc: Doc, invoice: InvoiceDetail, f: Formatters, top: number): number {
  let y = drawTableHeader(doc, top);
  const descriptionWidth = COLUMNS.description.width - 2 * CELL_PADDING;
  doc.font('Helvetica').fontSize(BODY_SIZE);
  if (invoice.lines.length === 0) {
    doc.fillColor(COLOR.muted);
    put(doc, 'This invoice has no lines.', COLUMNS.description.x + CELL_PADDING, y + CELL_PADDING + 2);
    y += 2 * CELL_PADDING + 14;
    rule(doc, y);
    return y;
  }
  for (const line of invoice.lines) {
    const description = toWinAnsi(line.description);
    doc.font('Helvetica').fontSize(BODY_SIZE);
    const textHeight = Math.max(doc.heightOfString(description, { width: descriptionWidth }), 12);
    const rowHeight = textHeight + 2 * CELL_PADDING + 2;
    if (y + rowHeight > CONTENT_BOTTOM) {
      y = drawTableHeader(doc, continuePage(doc, invoice));
      doc.font('Helvetica').fontSize(BODY_SIZE);
    }
    const textY = y + CELL_PADDING + 1;
    doc.fillColor(COLOR.ink);
    doc.text(description, COLUMNS.description.x + CELL_PADDING, textY, { width: descriptionWidth });
    // Each number keeps a gutter on its left, so neighbouring columns never touch.
    fit(doc, f.quantity(line.quantity), COLUMNS.quantity.x + GUTTER, textY, COLUMNS.quantity.width - GUTTER, BODY_SIZE);
    fit(doc, f.money(line.unitPrice), COLUMNS.unitPrice.x + GUTTER, textY, COLUMNS.unitPrice.width - GUTTER, BODY_SIZE);
    fit(doc, f.money(line.amount), COLUMNS.amount.x + GUTTER, textY, COLUMNS.amount.width - CELL_PADDING - GUTTER, BODY_SIZE);
    y += rowHeight;
    rule(doc, y);
  }
  return y;
}

function drawTotals(doc: Doc, invoice: InvoiceDetail, billTo: InvoiceBillTo, f: Formatters, top: number): number {
  const height = 90;
  let y = top + 14;
  if (y + height > CONTENT_BOTTOM) y = continuePage(doc, invoice) + 6;
  const labelX = 330;
  const valueWidth = RIGHT - CELL_PADDING - labelX;

  // The organization's rate is shown only where it is the rate this invoice was taxed at.
  const rate = billTo.taxRate;
  const rateFits = rate !== undefined && taxOf({ amount: invoice.subtotal, currency: invoice.currency }, rate).amount === invoice.tax;
  const rows: [string, number][] = [
    ['Subtotal', invoice.subtotal],
    [rateFits ? `Tax (${f.percent(rate)})` : 'Tax', invoice.tax],
  ];
  for (const [name, amount] of rows) {
    doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(COLOR.muted);
    put(doc, name, labelX, y);
    doc.fillColor(COLOR.ink);
    fit(doc, f.money(amount), labelX + 90, y, valueWidth - 90, BODY_SIZE);
    y += 18;
  }
  rule(doc, y - 4, labelX, RIGHT, COLOR.ink);
  y += 6;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(COLOR.ink);
  put(doc, `Total (${invoice.currency})`, labelX, y);
  fit(doc, f.money(invoice.total), labelX + 90, y, valueWidth - 90, 12);
  y += 26;

  const note =
    invoice.status === 'paid'
      ? 'Paid. Thank you.'
      : invoice.status === 'void'
        ? 'This invoice is void: nothing is due.'
        : `Please pay by ${f.date(invoice.dueAt)}, quoting ${invoice.number}.`;
  doc.font('Helvetica').fontSize(9).fillColor(COLOR.muted);
  return block(doc, note, MARGIN.left, y, CONTENT_WIDTH, { align: 'right' });
}

/** Footers last, once the page count is known. The bottom margin is lifted so pdfkit adds no page. */
function drawFooters(doc: Doc, invoice: InvoiceDetail): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = PAGE.height - 40;
    rule(doc, y - 8);
    doc.font('Helvetica').fontSize(8).fillColor(COLOR.muted);
    truncated(doc, `Seatdesk \u00b7 Invoice ${invoice.number} \u00b7 ${invoice.orgName}`, MARGIN.left, y, 400);
    put(doc, `Page ${i - start + 1} of ${count}`, MARGIN.left, y, { width: CONTENT_WIDTH, align: 'right' });
    doc.page.margins.bottom = bottom;
  }
}

function pdfFileName(number: string): string {
  const slug = number
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `seatdesk-invoice-${slug === '' ? 'export' : slug}.pdf`;
}

export async function invoicePdf(invoice: InvoiceDetail, billTo: InvoiceBillTo, options: InvoicePdfOptions): Promise<ExportedFile> {
  const issued = new Date(invoice.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    compress: options.compress ?? true,
    bufferPages: true,
    lang: options.locale,
    displayTitle: true,
    info: {
      Title: `Invoice ${invoice.number}`,
      Author: 'Seatdesk',
      Subject: `Invoice ${invoice.number} for ${billTo.name}`,
      Creator: 'Seatdesk',
      Producer: 'Seatdesk',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const f = formatters(options.locale, invoice.currency);
  let y = drawHeader(doc, invoice);
  y = drawParties(doc, invoice, billTo, f, y);
  y = drawLines(doc, invoice, f, y);
  drawTotals(doc, invoice, billTo, f, y);
  drawFooters(doc, invoice);
  doc.end();

  const bytes = await finished;
  return { fileName: pdfFileName(invoice.number), mimeType: 'application/pdf', encoding: 'base64', content: bytes.toString('base64') };
}
