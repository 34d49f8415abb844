import { SeatdeskError } from '@shared/errors';
import type { Invoice } from '@shared/domain/invoice';
import { invoiceListQuerySchema, type InvoiceDetail, type InvoiceListQuery, type InvoiceSummary } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { scopeParams, WITH_SCOPE } from './scope';
import { all, entityOf, lookupId, one, parseQuery } from './sql';

/**
 * A bound of the period filter as a calendar day: YYYY-MM-DD as given, YYYY-MM as the month's
 * first day, an ISO instant as its UTC day. Periods are calendar days, compared as text.
 */
function dayOf(text: string, field: 'from' | 'to'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  if (/^\d{4}-\d{2}$/.test(text)) return `${text}-01`;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new SeatdeskError('VALIDATION', `${field}: enter a date such as 2026-05-01.`, [{ path: field, message: 'Not an ISO date' }]);
  }
  return new Date(ms).toISOString().slice(0, 10);
}

const summaryOf = (invoice: Invoice, orgName: string): InvoiceSummary => ({
  id: invoice.id,
  orgId: invoice.orgId,
  orgName,
  number: invoice.number,
  periodStart: invoice.periodStart,
  periodEnd: invoice.periodEnd,
  issuedAt: invoice.issuedAt,
  dueAt: invoice.dueAt,
  status: invoice.status,
  currency: invoice.currency,
  subtotal: invoice.subtotal,
  tax: invoice.tax,
  total: invoice.total,
});

/**
 * Billing history: newest period first; within a period the organization's own invoice first,
 * then by company and number (as the service lists them). Filters: status, and periods starting
 * in [from, to).
 */
export function listInvoices(db: CacheDatabase, query: InvoiceListQuery): InvoiceSummary[] {
  const q = parseQuery(invoiceListQuerySchema.extend({ orgId: lookupId }), query);
  const where = [
    'i.org_id IN (SELECT id FROM scope)',
    ...(q.status === undefined ? [] : ['i.status = @status']),
    ...(q.from === undefined ? [] : ['i.period_start >= @from']),
    ...(q.to === undefined ? [] : ['i.period_start < @to']),
  ].join(' AND ');
  return all<{ data: string; org_name: string }>(
    db,
    `${WITH_SCOPE}
     SELECT i.data, o.name AS org_name
     FROM invoices i JOIN organizations o ON o.id = i.org_id
     WHERE ${where}
     ORDER BY i.period_start DESC, i.org_id <> @scopeOrgId, sort_key(o.name), o.name COLLATE NOCASE, i.org_id, i.number DESC`,
    {
      ...scopeParams(db, q),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(q.from === undefined ? {} : { from: dayOf(q.from, 'from') }),
      ...(q.to === undefined ? {} : { to: dayOf(q.to, 'to') }),
    },
  ).map((row) => summaryOf(entityOf<Invoice>(row.data), row.org_name));
}

/** One invoice with its lines and its company's name, or null when the cache has no such invoice. */
export function getInvoice(db: CacheDatabase, invoiceId: string): InvoiceDetail | null {
  const row = one<{ data: string; org_name: string }>(
    db,
    `SELECT i.data, o.name AS org_name FROM invoices i JOIN organizations o ON o.id = i.org_id WHERE i.id = ?`,
    [invoiceId],
  );
  return row === undefined ? null : { ...entityOf<Invoice>(row.data), orgName: row.org_name };
}
