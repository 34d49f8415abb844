import { z } from 'zod';
import { emailKey, emailSchema, sameEmail } from '../email';
import { entityBaseShape, uuidSchema } from './ids';
import { effectivePermissions, type Permission } from './permissions';
import { refusal, type Refusal } from './refusal';

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

/** Kinds that go to the primary billing contact when no contact asked for them: money is owed either way. */
export const PRIMARY_CONTACT_FALLBACK_KINDS: readonly EmailKind[] = ['invoices', 'payment_reminders'];

/**
 * Who receives an email of this kind: the contacts that asked for it, each address once. Invoices
 * and payment reminders with no such contact go to the primary billing contact.
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
  if (recipients.length === 0 && PRIMARY_CONTACT_FALLBACK_KINDS.includes(kind) && primaryContactEmail !== null) {
    return [primaryContactEmail];
  }
  return recipients;
}

function invalidField(path: string, message: string): Refusal<'VALIDATION'> {
  return refusal('VALIDATION', message, [{ path, message }]);
}

/** Each address is a billing contact of an organization at most once; `contactEmails` are the other contacts' addresses. */
export function contactTakenRefusal(email: string, contactEmails: Iterable<string>): Refusal<'VALIDATION'> | null {
  for (const taken of contactEmails) if (sameEmail(taken, email)) return invalidField('email', `${email} is already a billing contact of this organization.`);
  return null;
}

/**
 * A contact picked from the users is one of the organization's users who may see billing, with
 * that user's address; `user` is undefined when no such user exists there, `roles` are the user's roles.
 */
export function pickedUserRefusal(
  user: { readonly email: string; readonly permissions: readonly Permission[] } | undefined,
  roles: readonly { readonly permissions: readonly Permission[] }[],
  email: string,
): Refusal<'VALIDATION'> | null {
  if (user === undefined) return invalidField('userId', 'That user is not a user of this organization.');
  if (!effectivePermissions(roles, user.permissions).includes('billing.view')) {
    return invalidField('userId', `${user.email} does not have the billing.view permission, so cannot be a billing contact.`);
  }
  if (!sameEmail(user.email, email)) return invalidField('email', `A contact picked from the users has the user's address, ${user.email}.`);
  return null;
}
