import { z } from 'zod';
import { SeatdeskError } from '@shared/errors';
import { invoiceSchema } from '@shared/domain/invoice';
import { isoDateTimeSchema, uuidSchema } from '@shared/domain/ids';
import { defineRoute } from '../http/route';
import { runBilling } from './billing-run';
import { trimmedText } from '@shared/text';

const MAIL_KINDS = ['invitation', 'password_reset', 'invoice', 'payment_reminder', 'subscription_change', 'account_notice'] as const;
const MAIL_STATES = ['queued', 'sending', 'sent', 'dead'] as const;

export const queuedMailSchema = z.object({
  id: uuidSchema,
  to: z.string(),
  kind: z.string().describe(MAIL_KINDS.join(', ')),
  subject: z.string(),
  body: z.string(),
  createdAt: isoDateTimeSchema,
  sentAt: isoDateTimeSchema.nullable(),
  state: z.enum(MAIL_STATES).describe('queued: waiting (no SMTP_URL, or its next try is later); sending: a worker holds it; sent; dead: refused permanently or too many attempts'),
  attempts: z.int().min(0),
  lastAttemptAt: isoDateTimeSchema.nullable(),
  nextAttemptAt: isoDateTimeSchema.nullable().describe("While queued, its earliest next try; while sending, when the worker's lease ends"),
  lastError: z.string().nullable(),
});

export const MAIL_PAGE_DEFAULT = 200;
export const MAIL_PAGE_MAX = 5_000;

/**
 * Routes for whoever runs the service (authorized by SEATDESK_OPERATOR_TOKEN, not a user). The
 * mail listing is the outbox with each mail's delivery state (service/mail/worker.ts sends it
 * when SMTP_URL is set; without, mail stays queued and this is where it is read).
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
      asOf: z
        .union([z.iso.date(), z.iso.datetime({ offset: true }).refine((value) => !/[+-](1[5-9]|2\d):?\d\d$/.test(value), 'A time zone offset is at most 14 hours.')])
        .describe('A day (periods ending on or before it) or an instant (periods closed by then), not later than now'),
    }),
    response: z.object({ issued: z.int().min(0), invoices: z.array(invoiceSchema) }),
    handler: async ({ body, deps }) => {
      const now = deps.now();
      // A period closes once it has passed; a far future asOf would issue invoices for centuries.
      if (Date.parse(body.asOf) > now.getTime()) {
        throw new SeatdeskError('VALIDATION', 'asOf: a billing run cannot be later than now.', [{ path: 'asOf', message: 'Not later than now' }]);
      }
      const result = await deps.store.write((tx) => runBilling(tx, body.asOf, now));
      deps.notifier.changed(result.changedOrgs);
      return { issued: result.issued, invoices: result.invoices };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/operator/mail',
    summary:
      'Mail the service queued (invitations, billing mail) with its delivery state, attempts and last error, newest first; ' +
      '?to= filters by recipient, case-insensitively, ?state= by delivery state',
    tag: 'operator',
    auth: 'operator',
    query: z.strictObject({
      to: trimmedText('Email addresses').min(1).max(254).optional(),
      state: z.enum(MAIL_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(MAIL_PAGE_MAX).optional().describe(`At most this many, default ${MAIL_PAGE_DEFAULT}`),
    }),
    response: z.object({ items: z.array(queuedMailSchema) }),
    handler: async ({ query, deps }) => {
      const rows = await deps.store.query<{
        id: string;
        recipient: string;
        kind: string;
        subject: string;
        body: string;
        created_at: Date;
        sent_at: Date | null;
        state: (typeof MAIL_STATES)[number];
        attempts: number;
        last_attempt_at: Date | null;
        next_attempt_at: Date;
        last_error: string | null;
      }>(
        `SELECT id, recipient, kind, subject, body, created_at, sent_at, state, attempts, last_attempt_at, next_attempt_at, last_error FROM mail_outbox
         WHERE ($1::text IS NULL OR lower(recipient) = lower($1)) AND ($3::text IS NULL OR state = $3)
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        [query.to ?? null, query.limit ?? MAIL_PAGE_DEFAULT, query.state ?? null],
      );
      const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString());
      return {
        items: rows.map((row) => ({
          id: row.id,
          to: row.recipient,
          kind: row.kind,
          subject: row.subject,
          body: row.body,
          createdAt: new Date(row.created_at).toISOString(),
          sentAt: iso(row.sent_at),
          state: row.state,
          attempts: row.attempts,
          lastAttemptAt: iso(row.last_attempt_at),
          nextAttemptAt: row.state === 'queued' || row.state === 'sending' ? iso(row.next_attempt_at) : null,
          lastError: row.last_error,
        })),
      };
    },
  }),
];
