import nodemailer from 'nodemailer';
import type { MailSender, OutgoingMessage } from './worker';

export const DEFAULT_MAIL_FROM = 'Seatdesk <no-reply@seatdesk.localhost>';

/**
 * SMTP through nodemailer, from SMTP_URL (smtp://user:pass@host:587 with STARTTLS when the
 * server offers it, smtps:// for TLS from the start). Timeouts are bounded well under the
 * worker's lease, so a hung server fails the attempt instead of outliving the claim.
 */
export function createSmtpSender(smtpUrl: string, connections: number): MailSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: connections,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message: OutgoingMessage) {
      await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // The same on every attempt, so a duplicate after a crash can be recognised (worker.ts).
        messageId: `<${message.id}@seatdesk>`,
        headers: { 'X-Seatdesk-Mail-Id': message.id },
      });
    },
    close: () => transport.close(),
  };
}
