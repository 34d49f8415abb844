import { z } from 'zod';
import { emailKey, emailSchema } from '../email';
import { entityBaseShape, uuidSchema } from './ids';

export const EMAIL_KINDS = ['invoices', 'payment_reminders', 'subscription_changes', 'account_notices'] as const;
export const emailKindSchema = z.enum(EMAIL_KINDS);
export type EmailKind = z.infer<typeof emailKindSchema>;

export const EMAIL_KIND_LABELS: Readonly<Record<EmailKind, string>> = {
  invoices: 'Invoices',
  payment_reminders: 'Payment reminders',
  subscription_changes: 'Subscription changes',
  account_notices: 'Account notices',
};

export const emailKindListSchema = z
  .array(emailKindSchema)
  .min(1, 'Choose at least one kind of email.')
  .superRefine((kinds, ctx) => {
    kinds.forEach((kind, index) => {
      if (kinds.indexOf(kind) !== index) {
        ctx.addIssue({ code: 'custom', message: `${EMAIL_KIND_LABELS[kind]} is listed twice.`, path: [index] });
      }
    });
  });

/** userId is set when the contact was picked from the organization's users, null when typed. */
export const billingContactSchema = z.object({
  ...entityBaseShape,
  email: emailSchema,
  userId: uuidSchema.nullable(),
  kinds: emailKindListSchema,
});
export type BillingContact = z.infer<typeof billingContactSchema>;

/**
 * Who receives an email of this kind: the contacts that asked for it, each address once. Invoices
 * with no such contact go to the primary billing contact.
 */
export function recipientsFor(
  kind: EmailKind,
  contacts: readonly Pick<BillingContact, 'email' | 'kinds'>[],
  primaryContactEmail: string | null,
): string[] {
  const seen = new Set<string>();
  const recipients: string[] = [];
  for (const contact of contacts) {
    if (!contact.kinds.includes(kind) || seen.has(emailKey(contact.email))) continue;
    seen.add(emailKey(contact.email));
    recipients.push(contact.email);
  }
  if (recipients.length === 0 && kind === 'invoices' && primaryContactEmail !== null) {
    return [primaryContactEmail];
  }
  return recipients;
}
