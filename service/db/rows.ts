import type { AuditEvent } from '@shared/domain/audit';
import type { BillingContact } from '@shared/domain/billing-contact';
import type { Invoice } from '@shared/domain/invoice';
import type { Organization } from '@shared/domain/organization';
import type { PaymentMethod } from '@shared/domain/payment-method';
import type { Role } from '@shared/domain/role';
import type { Subscription } from '@shared/domain/subscription';
import type { User } from '@shared/domain/user';
import type { SyncedEntityName } from '@shared/sync/protocol';

/** A row as the driver answers it: snake_case columns, Dates for timestamps. */
export type Row = Record<string, unknown>;

/** A UTC timestamp as PostgreSQL writes it (its text, or to_jsonb's: a pull page's rows). */
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00(?::00)?|Z)$/;

/**
 * A timestamp as ISO 8601 UTC with milliseconds, as Date#toISOString writes it. A UTC text is
 * rewritten, not parsed (a pull page has about 600: parsing them cost 0.8 ms of its 3.8); other
 * texts go through Date.
 */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const parts = UTC_TIMESTAMP.exec(text);
  if (parts === null) return new Date(text).toISOString();
  return `${parts[1]}T${parts[2]}.${(parts[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));
/** A `date` column as YYYY-MM-DD, whether the driver gives a Date or a string. */
const day = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));
const num = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const arr = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

const base = (row: Row) => ({
  id: str(row['id']),
  orgId: str(row['org_id']),
  version: num(row['version']),
  createdAt: iso(row['created_at']),
  updatedAt: iso(row['updated_at']),
});

export function toOrganization(row: Row): Organization {
  return {
    ...base(row),
    name: str(row['name']),
    kind: str(row['kind']) as Organization['kind'],
    parentId: strOrNull(row['parent_id']),
    accountEmail: str(row['account_email']),
    billingEmail: strOrNull(row['billing_email']),
    vatNumber: strOrNull(row['vat_number']),
    billingAddress: (row['billing_address'] ?? null) as Organization['billingAddress'],
    shippingAddress: (row['shipping_address'] ?? null) as Organization['shippingAddress'],
    primaryContactUserId: strOrNull(row['primary_contact_user_id']),
    taxRate: num(row['tax_rate']),
  };
}

export function toUser(row: Row): User {
  return {
    ...base(row),
    firstName: str(row['first_name']),
    lastName: str(row['last_name']),
    email: str(row['email']),
    status: str(row['status']) as User['status'],
    roleIds: arr<string>(row['role_ids']),
    permissions: arr<User['permissions'][number]>(row['permissions']),
    lastActiveAt: isoOrNull(row['last_active_at']),
  };
}

export function toRole(row: Row): Role {
  return {
    ...base(row),
    name: str(row['name']),
    description: str(row['description']),
    permissions: arr<Role['permissions'][number]>(row['permissions']),
    builtIn: Boolean(row['built_in']),
    builtInKey: strOrNull(row['built_in_key']) as Role['builtInKey'],
  };
}

export function toBillingContact(row: Row): BillingContact {
  return {
    ...base(row),
    email: str(row['email']),
    userId: strOrNull(row['user_id']),
    kinds: arr<BillingContact['kinds'][number]>(row['kinds']),
  };
}

export function toSubscription(row: Row): Subscription {
  const subscription: Subscription = {
    ...base(row),
    product: str(row['product']),
    plan: str(row['plan']),
    basis: str(row['basis']) as Subscription['basis'],
    quantity: num(row['quantity']),
    unitPrice: num(row['unit_price']),
    currency: str(row['currency']),
    interval: str(row['interval']) as Subscription['interval'],
    contractEnd: isoOrNull(row['contract_end']),
    trialEnd: isoOrNull(row['trial_end']),
    cancelAt: isoOrNull(row['cancel_at']),
    licenseKey: str(row['license_key']),
    environmentId: str(row['environment_id']),
    status: str(row['status']) as Subscription['status'],
  };
  if (typeof row['org_name'] === 'string') subscription.orgName = row['org_name'];
  return subscription;
}

export function toInvoice(row: Row): Invoice {
  return {
    ...base(row),
    number: str(row['number']),
    periodStart: day(row['period_start']),
    periodEnd: day(row['period_end']),
    issuedAt: iso(row['issued_at']),
    dueAt: iso(row['due_at']),
    status: str(row['status']) as Invoice['status'],
    currency: str(row['currency']),
    subtotal: num(row['subtotal']),
    tax: num(row['tax']),
    total: num(row['total']),
    lines: arr<Invoice['lines'][number]>(row['lines']),
  };
}

export function toPaymentMethod(row: Row): PaymentMethod {
  return {
    ...base(row),
    type: str(row['type']) as PaymentMethod['type'],
    brand: str(row['brand']),
    last4: str(row['last4']),
    expMonth: row['exp_month'] === null ? null : num(row['exp_month']),
    expYear: row['exp_year'] === null ? null : num(row['exp_year']),
    isDefault: Boolean(row['is_default']),
  };
}

export function toAuditEvent(row: Row): AuditEvent {
  return {
    id: str(row['id']),
    orgId: str(row['org_id']),
    actorUserId: strOrNull(row['actor_user_id']),
    actorEmail: str(row['actor_email']),
    entity: str(row['entity']) as AuditEvent['entity'],
    entityId: str(row['entity_id']),
    action: str(row['action']),
    before: row['before'] ?? null,
    after: row['after'] ?? null,
    at: iso(row['at']),
    origin: row['origin'] as AuditEvent['origin'],
  };
}

/** Each synced entity: its table and how a row becomes the wire shape. */
export const ENTITY_TABLES = {
  organization: { table: 'orgs', toWire: toOrganization },
  user: { table: 'users', toWire: toUser },
  role: { table: 'roles', toWire: toRole },
  billing_contact: { table: 'billing_contacts', toWire: toBillingContact },
  subscription: { table: 'subscriptions', toWire: toSubscription },
  invoice: { table: 'invoices', toWire: toInvoice },
  payment_method: { table: 'payment_methods', toWire: toPaymentMethod },
  audit_event: { table: 'audit_events', toWire: toAuditEvent },
} as const satisfies Record<SyncedEntityName, { table: string; toWire: (row: Row) => unknown }>;
