import { z } from 'zod';
import { formatMoney, money } from '../money';
import { text } from '../text';
import { entityNameSchema, type EntityName } from './entities';
import { SUBSCRIPTION_STATUS_WORDS, type SubscriptionStatus } from './subscription';
import { isoDateTimeSchema, uuidSchema } from './ids';

/**
 * Where a change came from. An offline change names the install (clientId) and its mutationId,
 * which together identify the queued command; batchId groups the commands of one bulk edit. An
 * online change made in the app came through the same queue and names them too; one made through
 * the REST API does not. The lifecycle scheduler's changes (a trial ending, an invoice turning
 * overdue) come from the scheduler.
 */
export const auditOriginSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('online'),
    clientId: uuidSchema.optional(),
    batchId: uuidSchema.nullable().optional(),
    mutationId: z.int().min(1).optional(),
  }),
  z.object({
    kind: z.literal('offline'),
    clientId: uuidSchema,
    batchId: uuidSchema.nullable(),
    mutationId: z.int().min(1),
  }),
  // The service's lifecycle scheduler (no user): asOf is the instant the run applied changes up to.
  z.object({
    kind: z.literal('scheduler'),
    asOf: isoDateTimeSchema,
  }),
]);
export type AuditOrigin = z.infer<typeof auditOriginSchema>;

/** Audit events are append-only, so they carry no version or updatedAt. */
export const auditEventSchema = z.object({
  id: uuidSchema,
  orgId: uuidSchema,
  /** Null when the system acted (the billing run, the lifecycle scheduler), not a user. */
  actorUserId: uuidSchema.nullable(),
  actorEmail: text('Email addresses'),
  entity: entityNameSchema,
  entityId: uuidSchema,
  /** The domain command's name, such as deactivateUser. */
  action: text('Actions').min(1).max(100),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  at: isoDateTimeSchema,
  origin: auditOriginSchema,
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

// ---------------------------------------------------------------------------------------------
// An audit event in words

/** Names the event itself does not carry, looked up by the caller (from the cache or its lists). */
export interface AuditNames {
  /** An organization's name by id. */
  org(orgId: string): string | undefined;
}

type Fields = Readonly<Record<string, unknown>>;

const asFields = (value: unknown): Fields | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : null);
const textOf = (fields: Fields | null, key: string): string | null => {
  const value = fields?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
};

/** Field names in words, for "Changed the billing email and VAT number of Contoso". */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email address',
  roleIds: 'roles',
  status: 'status',
  accountEmail: 'account email',
  billingEmail: 'billing email',
  vatNumber: 'VAT number',
  billingAddress: 'billing address',
  shippingAddress: 'shipping address',
  primaryContactUserId: 'primary contact',
  taxRate: 'tax rate',
  parentId: 'parent organization',
  kinds: 'emails received',
  userId: 'linked user',
  quantity: 'seats',
  unitPrice: 'price',
  interval: 'billing interval',
  basis: 'billing basis',
  contractEnd: 'contract end',
  trialEnd: 'trial end',
  cancelAt: 'cancellation date',
  isDefault: 'default',
  expMonth: 'expiry month',
  expYear: 'expiry year',
  last4: 'last 4 digits',
  dueAt: 'due date',
  builtInKey: 'built-in kind',
};

/** Bookkeeping that says nothing to a person reading the log. */
const UNSPOKEN_FIELDS = new Set(['id', 'orgId', 'version', 'createdAt', 'updatedAt', 'lastActiveAt', 'orgName']);

function fieldWords(field: string, entity: EntityName): string {
  if (field === 'permissions') return entity === 'user' ? 'individual permissions' : 'permissions';
  return FIELD_WORDS[field] ?? field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  const fields = asFields(value);
  if (fields === null) return Array.isArray(value) ? value.map(sorted) : (value ?? null);
  return Object.fromEntries(Object.keys(fields).sort().map((key) => [key, sorted(fields[key])]));
}

/** The fields a change touched, in the order the entity lists them. */
export function changedFields(before: unknown, after: unknown): string[] {
  const b = asFields(before) ?? {};
  const a = asFields(after) ?? {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((key) => !UNSPOKEN_FIELDS.has(key) && !sameJson(b[key], a[key]));
}

/** "a", "a and b", "a, b and c", "a, b, c and 2 other details". */
function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  if (words.length > 3) return `${words.slice(0, 3).join(', ')} and ${words.length - 3} other ${words.length - 3 === 1 ? 'detail' : 'details'}`;
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}

const BRAND_NAMES: Readonly<Record<string, string>> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', maestro: 'Maestro' };

function paymentMethodWords(fields: Fields | null): string {
  const last4 = textOf(fields, 'last4');
  const ending = last4 === null ? '' : ` ending in ${last4}`;
  const type = textOf(fields, 'type');
  if (type === 'sepa_debit') return `the SEPA Direct Debit account${ending}`;
  if (type === 'ideal') return `the iDEAL account${ending}`;
  const brand = textOf(fields, 'brand');
  const name = brand === null ? '' : (BRAND_NAMES[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1));
  return `the ${name === '' ? '' : `${name} `}card${ending}`;
}

const personWords = (fields: Fields | null): string => {
  const name = [textOf(fields, 'firstName'), textOf(fields, 'lastName')].filter((part) => part !== null).join(' ');
  return name !== '' ? name : (textOf(fields, 'email') ?? 'a user');
};

/** "Contoso Dental's", "Adventure Works'". */
const possessive = (name: string): string => (/s$/i.test(name) ? `${name}'` : `${name}'s`);

/** A whole number from the row ("10"), or "an unknown number". */
function countWords(fields: Fields | null, key: string): string {
  const value = fields?.[key];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value.toLocaleString('en') : 'an unknown number';
}

/** " (€12.50 to €8.90 per seat)" when a plan change moved the unit price, else "". */
function priceChangeWords(before: Fields | null, after: Fields | null): string {
  const from = before?.['unitPrice'];
  const to = after?.['unitPrice'];
  const currency = textOf(after, 'currency') ?? textOf(before, 'currency');
  if (typeof from !== 'number' || typeof to !== 'number' || from === to || currency === null) return '';
  try {
    const unit = textOf(after, 'basis') === 'fixed_quantity' ? 'per unit' : 'per seat';
    return ` (${formatMoney(money(from, currency), 'en')} to ${formatMoney(money(to, currency), 'en')} ${unit})`;
  } catch {
    // Not integer minor units or not a currency: say nothing rather than something wrong.
    return '';
  }
}

/**
 * An audit event as a sentence a person reads, from its entity, action, before and after:
 * "Changed the billing email of Contoso Dental", "Deactivated Ruben Murphy", and, for `count`
 * events of one action in one organization (one invitation of several people, one bulk edit),
 * "Invited 3 people to Wingtip Toys". The actor and time are shown beside it, so the sentence has
 * no subject. Never holds an id or a raw instant; an action this build does not know is described
 * from what it changed. Used by the audit screen and its CSV export.
 */
export function auditSentence(event: Pick<AuditEvent, 'orgId' | 'entity' | 'action' | 'before' | 'after'>, names: AuditNames, count = 1): string {
  const before = asFields(event.before);
  const after = asFields(event.after);
  const row = after ?? before;
  const orgName = (event.entity === 'organization' ? textOf(row, 'name') ?? textOf(before, 'name') : null) ?? names.org(event.orgId) ?? 'an organization';
  const fields = changedFields(event.before, event.after);
  const people = `${count} people`;
  const many = count > 1;

  switch (event.entity) {
    case 'user': {
      const person = personWords(row);
      switch (event.action) {
        case 'inviteUsers':
          return many ? `Invited ${people} to ${orgName}` : `Invited ${textOf(row, 'email') ?? person} to ${orgName}`;
        case 'resendInvitation':
          return many ? `Resent ${count} invitations in ${orgName}` : `Resent the invitation to ${textOf(row, 'email') ?? person}`;
        case 'acceptInvitation':
          return many ? `${people} accepted their invitations to ${orgName}` : `Accepted the invitation to ${orgName}`;
        case 'createUser':
        case 'createOrg':
          if (many) return `Added ${people} to ${orgName}`;
          return `Added ${person} to ${orgName}${textOf(after, 'status') === 'deactivated' ? ' as inactive' : ''}`;
        case 'activateUser':
          return many ? `Activated ${people} in ${orgName}` : `Activated ${person}`;
        case 'deactivateUser':
          return many ? `Deactivated ${people} in ${orgName}` : `Deactivated ${person}`;
        case 'removeUser':
          return many ? `Removed ${people} from ${orgName}` : `Removed ${person} from ${orgName}`;
      }
      if (!many && fields.length > 0 && fields.every((field) => field === 'firstName' || field === 'lastName')) {
        return `Renamed ${personWords(before)} to ${personWords(after)}`;
      }
      if (many && fields.length > 0) return `Changed the ${listWords(fields.map((f) => fieldWords(f, 'user')))} of ${people} in ${orgName}`;
      break;
    }
    case 'role': {
      const role = `the role ${textOf(row, 'name') ?? ''}`.trimEnd();
      if (event.action === 'installBuiltInRoles' || (event.action === 'createOrg' && before === null)) {
        return many ? `Installed ${count} built-in roles in ${orgName}` : `Installed the built-in role ${textOf(row, 'name') ?? ''} in ${orgName}`;
      }
      if (event.action === 'createRole') return `Created ${role} in ${orgName}`;
      if (event.action === 'deleteRole') return `Deleted ${role} from ${orgName}`;
      if (fields.length === 1 && fields[0] === 'name') return `Renamed the role ${textOf(before, 'name') ?? ''} to ${textOf(after, 'name') ?? ''}`;
      break;
    }
    case 'billing_contact': {
      const email = textOf(row, 'email') ?? 'a billing contact';
      if (event.action === 'addBillingContact') return `Added the billing contact ${email} to ${orgName}`;
      if (event.action === 'removeBillingContact') return `Removed the billing contact ${email} from ${orgName}`;
      if (event.action === 'removeUser') return `Unlinked the billing contact ${email} from a removed user`;
      if (fields.length === 1 && fields[0] === 'kinds') return `Changed which emails ${email} receives`;
      break;
    }
    case 'subscription': {
      const subscription = `${textOf(row, 'product') ?? 'a subscription'}${textOf(row, 'plan') === null ? '' : ` (${textOf(row, 'plan')})`} for ${orgName}`;
      switch (event.action) {
        case 'cancelSubscription':
          return textOf(after, 'status') === 'cancel_scheduled' ? `Scheduled the cancellation of ${subscription}` : `Cancelled ${subscription}`;
        case 'reactivateSubscription':
          return `Reactivated ${subscription}`;
        case 'removeScheduledCancellation':
          return `Removed the scheduled cancellation of ${subscription}`;
        case 'endTrial':
          return textOf(after, 'status') === 'cancelled' ? `Ended the trial of ${subscription}, which is now cancelled` : `Ended the trial of ${subscription}, which is now active`;
        case 'applyScheduledCancellation':
          return `Cancelled ${subscription} as scheduled`;
      }
      if (event.action === 'changeSubscriptionQuantity') {
        if (many) return `Changed the seats of ${count} subscriptions of ${orgName}`;
        return `Changed the seats of ${subscription} from ${countWords(before, 'quantity')} to ${countWords(after, 'quantity')}`;
      }
      if (event.action === 'changeSubscriptionPlan') {
        if (many) return `Changed the plan of ${count} subscriptions of ${orgName}`;
        const product = textOf(row, 'product') ?? 'subscription';
        return `Changed ${possessive(orgName)} ${product} plan from ${textOf(before, 'plan') ?? 'another plan'} to ${textOf(after, 'plan') ?? 'another plan'}${priceChangeWords(before, after)}`;
      }
      if (fields.length === 1 && fields[0] === 'quantity') {
        return `Changed the seats of ${subscription} from ${String(before?.['quantity'])} to ${String(after?.['quantity'])}`;
      }
      if (fields.length === 1 && fields[0] === 'plan') {
        return `Changed the plan of ${textOf(row, 'product') ?? 'a subscription'} for ${orgName} from ${textOf(before, 'plan') ?? ''} to ${textOf(after, 'plan') ?? ''}`;
      }
      const from = textOf(before, 'status');
      const to = textOf(after, 'status');
      if (fields.length === 1 && fields[0] === 'status' && from !== null && to !== null && from in SUBSCRIPTION_STATUS_WORDS && to in SUBSCRIPTION_STATUS_WORDS) {
        return `Changed ${subscription} from ${SUBSCRIPTION_STATUS_WORDS[from as SubscriptionStatus]} to ${SUBSCRIPTION_STATUS_WORDS[to as SubscriptionStatus]}`;
      }
      if (before === null && after !== null) return `Added ${subscription}`;
      if (after === null && before !== null) return `Removed ${subscription}`;
      if (fields.length > 0) return `Changed the ${listWords(fields.map((f) => fieldWords(f, 'subscription')))} of ${subscription}`;
      break;
    }
    case 'invoice': {
      const invoice = `invoice ${textOf(row, 'number') ?? ''}`.trimEnd();
      if (event.action === 'issueInvoice') return many ? `Issued ${count} invoices to ${orgName}` : `Issued ${invoice} to ${orgName}`;
      const status = textOf(after, 'status');
      if (event.action === 'markInvoiceOverdue' || (fields.length === 1 && fields[0] === 'status' && status !== null)) {
        return `Marked ${invoice} of ${orgName} as ${status === null ? 'overdue' : status.replace(/_/g, ' ')}`;
      }
      if (before === null && after !== null) return `Issued ${invoice} to ${orgName}`;
      if (fields.length > 0 && after !== null) return `Changed the ${listWords(fields.map((f) => fieldWords(f, 'invoice')))} of ${invoice} of ${orgName}`;
      break;
    }
    case 'payment_method': {
      const method = paymentMethodWords(row);
      if (event.action === 'removePaymentMethod' || (after === null && before !== null)) return `Removed ${method} from ${orgName}`;
      if (event.action === 'setDefaultPaymentMethod' || (fields.length === 1 && fields[0] === 'isDefault')) {
        return after?.['isDefault'] === true ? `Made ${method} the default payment method of ${orgName}` : `Replaced ${method} as the default payment method of ${orgName}`;
      }
      if (before === null && after !== null) return `Added ${method} to ${orgName}`;
      break;
    }
    case 'organization': {
      if (before === null && after !== null) {
        const kind = textOf(after, 'kind');
        return `Created the ${kind === null ? '' : `${kind} `}organization ${orgName}`;
      }
      break;
    }
  }
  return describeByFields(event.entity, event.action, before, after, fields, orgName, count);
}

/** Any other change, from what it did to which fields: "Changed the billing email and VAT number of Contoso". */
function describeByFields(entity: EntityName, action: string, before: Fields | null, after: Fields | null, fields: readonly string[], orgName: string, count: number): string {
  const row = after ?? before;
  const subject =
    entity === 'organization'
      ? orgName
      : entity === 'user'
        ? personWords(row)
        : entity === 'role'
          ? `the role ${textOf(row, 'name') ?? ''}`.trimEnd()
          : entity === 'billing_contact'
            ? `the billing contact ${textOf(row, 'email') ?? ''}`.trimEnd()
            : entity === 'payment_method'
              ? paymentMethodWords(row)
              : entity === 'invoice'
                ? `invoice ${textOf(row, 'number') ?? ''} of ${orgName}`
                : `${textOf(row, 'product') ?? 'a subscription'} for ${orgName}`;
  const more = count > 1 ? ` and ${count - 1} more` : '';
  if (before === null && after !== null) return `Created ${subject}${more}`;
  if (after === null && before !== null) return `Removed ${subject}${more}`;
  if (fields.length > 0) return `Changed the ${listWords(fields.map((field) => fieldWords(field, entity)))} of ${subject}${more}`;
  const verb = action.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${verb.charAt(0).toUpperCase()}${verb.slice(1)}: ${subject}${more}`;
}
