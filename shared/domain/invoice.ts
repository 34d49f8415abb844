import { z } from 'zod';
import { trimmedText } from '../text';
import { currencyCodeSchema, minorUnitsSchema } from '../money';
import { entityBaseShape, isoDateSchema, isoDateTimeSchema, uuidSchema } from './ids';

export const INVOICE_STATUSES = ['open', 'paid', 'void', 'overdue'] as const;
export const invoiceStatusSchema = z.enum(INVOICE_STATUSES);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

/** subscriptionId is null for a line not tied to a subscription (a one-off charge or credit). */
export const invoiceLineSchema = z.object({
  subscriptionId: uuidSchema.nullable(),
  description: trimmedText('Descriptions').min(1).max(500),
  quantity: z.int().min(0),
  unitPrice: minorUnitsSchema,
  amount: minorUnitsSchema,
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

/** Amounts are minor units of `currency`; the billing period is given in calendar days. */
export const invoiceSchema = z
  .object({
    ...entityBaseShape,
    number: trimmedText('Invoice numbers').min(1).max(50),
    periodStart: isoDateSchema,
    periodEnd: isoDateSchema,
    issuedAt: isoDateTimeSchema,
    dueAt: isoDateTimeSchema,
    status: invoiceStatusSchema,
    currency: currencyCodeSchema,
    subtotal: minorUnitsSchema,
    tax: minorUnitsSchema,
    total: minorUnitsSchema,
    lines: z.array(invoiceLineSchema),
  })
  .superRefine((invoice, ctx) => {
    // YYYY-MM-DD sorts as text.
    if (invoice.periodEnd < invoice.periodStart) {
      ctx.addIssue({ code: 'custom', message: 'The period ends before it starts.', path: ['periodEnd'] });
    }
    const linesTotal = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
    if (invoice.subtotal !== linesTotal) {
      ctx.addIssue({
        code: 'custom',
        message: `The subtotal ${invoice.subtotal} is not the sum of the lines, ${linesTotal}.`,
        path: ['subtotal'],
      });
    }
    if (invoice.total !== invoice.subtotal + invoice.tax) {
      ctx.addIssue({ code: 'custom', message: 'The total is not the subtotal plus tax.', path: ['total'] });
    }
  });
export type Invoice = z.infer<typeof invoiceSchema>;
