import { z } from 'zod';
import { invoiceSchema } from '@shared/domain/invoice';
import { isoDateTimeSchema, uuidSchema } from '@shared/domain/ids';
import { defineRoute } from '../http/route';
import { runBilling } from './billing-run';
import { trimmedText } from '@shared/text';

const MAIL_KINDS = ['invitation', 'password_reset', 'invoice', 'payment_reminder', 'subscription_change', 'account_notice'] as const;

export const queuedMailSchema = z.object({
  id: uuidSchema,
  to: z.string(),
  kind: z.string().describe(MAIL_KINDS.join(', ')),
  subject: z.string(),
  body: z.string(),
  createdAt: isoDateTimeSchema,
  sentAt: isoDateTimeSchema.nullable(),
});

export const MAIL_PAGE_DEFAULT = 200;
export const MAIL_PAGE_MAX = 5_000;

/**
 * Routes for whoever runs the service (authorized by SEATDESK_OPERATOR_TOKEN, not a user). Mail
 * is only queued in the outbox: delivery over SMTP is not implemented, so this listing is how an
 * operator (and the tests) read what the service sent.
 */
export const operatorRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/operator/billing-runs',
    summary:
      'Issue the invoices of every billing period that ended on or before asOf and has none yet (idempotent). ' +
      'Per-seat lines count the users active when the run executes, so run it at period close.',
    tag: 'operator',
    auth: 'operator',
    body: z.strictObject({
      asOf: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).describe('A day (periods ending on or before it) or an instant (periods closed by then)'),
    }),
    response: z.object({ issued: z.int().min(0), invoices: z.array(invoiceSchema) }),
    handler: async ({ body, deps }) => {
      const now = deps.now();
      const result = await deps.store.write((tx) => runBilling(tx, body.asOf, now));
      deps.notifier.changed(result.changedOrgs);
      return { issued: result.issued, invoices: result.invoices };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/operator/mail',
    summary: 'Mail the service queued (invitations, billing mail), newest first; ?to= filters by recipient, case-insensitively',
    tag: 'operator',
    auth: 'operator',
    query: z.strictObject({
      to: trimmedText('Email addresses').min(1).max(254).optional(),
      limit: z.coerce.number().int().min(1).max(MAIL_PAGE_MAX).optional().describe(`At most this many, default ${MAIL_PAGE_DEFAULT}`),
    }),
    response: z.object({ items: z.array(queuedMailSchema) }),
    handler: async ({ query, deps }) => {
      const rows = await deps.store.query<{ id: string; recipient: string; kind: string; subject: string; body: string; created_at: Date; sent_at: Date | null }>(
        `SELECT id, recipient, kind, subject, body, created_at, sent_at FROM mail_outbox
         WHERE $1::text IS NULL OR lower(recipient) = lower($1)
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        [query.to ?? null, query.limit ?? MAIL_PAGE_DEFAULT],
      );
      return {
        items: rows.map((row) => ({
          id: row.id,
          to: row.recipient,
          kind: row.kind,
          subject: row.subject,
          body: row.body,
          createdAt: new Date(row.created_at).toISOString(),
          sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
        })),
      };
    },
  }),
];
