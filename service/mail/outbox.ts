import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/store';

export type MailKind = 'invitation' | 'password_reset' | 'invoice' | 'payment_reminder' | 'subscription_change' | 'account_notice';

export interface Mail {
  orgId: string | null;
  to: string;
  kind: MailKind;
  subject: string;
  body: string;
}

/** Mail is written to the outbox in the same transaction as the change that caused it. */
export async function queueMail(tx: Sql, mail: Mail, now: Date): Promise<void> {
  await tx.query(
    'INSERT INTO mail_outbox (id, org_id, recipient, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [randomUUID(), mail.orgId, mail.to, mail.kind, mail.subject, mail.body, now],
  );
}
