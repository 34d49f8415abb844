import { createHash } from 'node:crypto';
import type { AuditEvent } from '@shared/domain/audit';
import type { BillingContact } from '@shared/domain/billing-contact';
import type { Invoice } from '@shared/domain/invoice';
import type { Organization } from '@shared/domain/organization';
import type { PaymentMethod } from '@shared/domain/payment-method';
import { BUILT_IN_ROLES, PERMISSIONS, type Permission } from '@shared/domain/permissions';
import type { Role } from '@shared/domain/role';
import type { Subscription } from '@shared/domain/subscription';
import type { User, UserStatus } from '@shared/domain/user';
import type { SyncIssue } from '@shared/ipc/models';

/**
 * A small, realistic, deterministic data set for developing the renderer against the fake core:
 * a provider, two resellers, five customers, ~60 users, roles, contacts, subscriptions, 12 months
 * of invoices, payment methods, audit events and two sync issues. Dates are relative to `now`.
 */

export function stableId(seed: string): string {
  const hex = createHash('sha1').update(`seatdesk-fake:${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface FakeData {
  organizations: Map<string, Organization>;
  users: Map<string, User>;
  roles: Map<string, Role>;
  contacts: Map<string, BillingContact>;
  subscriptions: Map<string, Subscription>;
  invoices: Map<string, Invoice>;
  paymentMethods: Map<string, PaymentMethod>;
  audit: AuditEvent[];
  issues: SyncIssue[];
}

export interface DatasetOptions {
  now: Date;
  /** Extra users in Contoso Dental, to try the users table at scale. */
  extraUsers?: number;
}

const FIRST = ['Ann', 'Bram', 'Chloé', 'Daan', 'Eva', 'Finn', 'Greta', 'Hugo', 'Isa', 'Jonas', 'Kim', 'Lars', 'Mila', 'Noah', 'Olivia', 'Pieter', 'Quinn', 'Rosa', 'Sem', 'Tess', 'Umar', 'Vera', 'Wout', 'Xena', 'Yara', 'Zoë', 'Liam', 'Nora', 'Ravi', 'Sofia'];
const LAST = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', "O'Brien", 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Kowalski', 'García', 'Nguyen'];

interface OrgSpec {
  key: string;
  name: string;
  kind: Organization['kind'];
  parent: string | null;
  domain: string;
  users: number;
  createdAt: string;
  builtIn: boolean;
  currency: string;
}

const ORGS: readonly OrgSpec[] = [
  { key: 'northwind', name: 'Northwind IT', kind: 'provider', parent: null, domain: 'northwind.example', users: 14, createdAt: '2021-03-01T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'bluewave', name: 'Bluewave Partners', kind: 'reseller', parent: 'northwind', domain: 'bluewave.example', users: 6, createdAt: '2022-06-14T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'summit', name: 'Summit Channel', kind: 'reseller', parent: 'northwind', domain: 'summit.example', users: 5, createdAt: '2022-09-01T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'contoso', name: 'Contoso Dental', kind: 'customer', parent: 'northwind', domain: 'contoso-dental.example', users: 10, createdAt: '2024-02-20T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'fabrikam', name: 'Fabrikam Legal', kind: 'customer', parent: 'bluewave', domain: 'fabrikam-legal.example', users: 9, createdAt: '2024-04-02T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'litware', name: 'Litware Logistics', kind: 'customer', parent: 'bluewave', domain: 'litware.example', users: 7, createdAt: '2024-08-19T09:00:00.000Z', builtIn: true, currency: 'EUR' },
  { key: 'tailspin', name: 'Tailspin Travel', kind: 'customer', parent: 'summit', domain: 'tailspin.example', users: 6, createdAt: '2025-01-07T09:00:00.000Z', builtIn: true, currency: 'GBP' },
  { key: 'adatum', name: 'Adatum Labs', kind: 'customer', parent: 'summit', domain: 'adatum.example', users: 4, createdAt: '2023-05-10T09:00:00.000Z', builtIn: false, currency: 'EUR' },
];

const orgId = (key: string) => stableId(`org:${key}`);
export const FAKE_ORG_IDS = Object.fromEntries(ORGS.map((spec) => [spec.key, orgId(spec.key)])) as Record<string, string>;

function iso(date: Date): string {
  return date.toISOString();
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function monthStart(now: Date, offset: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '');
}

export function buildDataset(options: DatasetOptions): FakeData {
  const { now } = options;
  const data: FakeData = {
    organizations: new Map(),
    users: new Map(),
    roles: new Map(),
    contacts: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    paymentMethods: new Map(),
    audit: [],
    issues: [],
  };
  const base = (id: string, org: string, createdAt: string) => ({ id, orgId: org, version: 1, createdAt, updatedAt: createdAt });

  for (const spec of ORGS) {
    const id = orgId(spec.key);
    data.organizations.set(id, {
      ...base(id, id, spec.createdAt),
      name: spec.name,
      kind: spec.kind,
      parentId: spec.parent === null ? null : orgId(spec.parent),
      accountEmail: `admin@${spec.domain}`,
      billingEmail: spec.key === 'northwind' ? `billing@${spec.domain}` : null,
      vatNumber: spec.key === 'northwind' ? 'NL123456789B01' : spec.key === 'fabrikam' ? 'DE123456789' : null,
      billingAddress:
        spec.key === 'adatum'
          ? null
          : { line1: `${spec.name.split(' ')[0]}straat 12`, line2: null, city: spec.currency === 'GBP' ? 'London' : 'Utrecht', postalCode: spec.currency === 'GBP' ? 'EC1A 1BB' : '3511 AB', region: null, country: spec.currency === 'GBP' ? 'GB' : 'NL' },
      shippingAddress: null,
      primaryContactUserId: null,
      taxRate: spec.currency === 'GBP' ? 2000 : 2100,
    });

    // Roles
    const roleIds: Record<string, string> = {};
    if (spec.builtIn) {
      for (const builtIn of BUILT_IN_ROLES) {
        const roleId = stableId(`role:${spec.key}:${builtIn.key}`);
        roleIds[builtIn.key] = roleId;
        data.roles.set(roleId, {
          ...base(roleId, id, spec.createdAt),
          name: builtIn.name,
          description: builtIn.description,
          permissions: [...builtIn.permissions],
          builtIn: true,
          builtInKey: builtIn.key,
        });
      }
    }
    const custom: { key: string; name: string; description: string; permissions: Permission[] }[] =
      spec.key === 'northwind'
        ? [{ key: 'helpdesk', name: 'Helpdesk', description: 'First-line support: manages users, sees billing', permissions: ['users.view', 'users.invite', 'users.manage', 'billing.view'] }]
        : spec.key === 'fabrikam'
          ? [{ key: 'finance', name: 'Finance', description: 'Pays the bills', permissions: ['billing.view', 'billing.edit', 'subscriptions.view'] }]
          : spec.key === 'adatum'
            ? [
                { key: 'staff', name: 'Staff', description: 'Everyone at Adatum', permissions: ['users.view'] },
                { key: 'itadmin', name: 'IT admin', description: 'Legacy admin role', permissions: [...PERMISSIONS] },
              ]
            : [];
    for (const role of custom) {
      const roleId = stableId(`role:${spec.key}:${role.key}`);
      roleIds[role.key] = roleId;
      data.roles.set(roleId, { ...base(roleId, id, spec.createdAt), name: role.name, description: role.description, permissions: role.permissions, builtIn: false, builtInKey: null });
    }

    // Users
    for (let index = 0; index < spec.users; index += 1) {
      const first = FIRST[(index * 7 + spec.key.length) % FIRST.length]!;
      const last = LAST[(index * 3 + spec.key.length * 5) % LAST.length]!;
      const userId = stableId(`user:${spec.key}:${index}`);
      const email =
        index === 0
          ? spec.key === 'northwind'
            ? 'owner@northwind.example'
            : `admin@${spec.domain}`
          : index === 1 && spec.key === 'northwind'
            ? 'billing@northwind.example'
            : index === 2 && spec.key === 'northwind'
              ? 'readonly@northwind.example'
              : `${slug(first)}.${slug(last)}${index}@${spec.domain}`;
      const status: UserStatus = index === 0 ? 'active' : index % 9 === 4 ? 'pending' : index % 7 === 5 ? 'deactivated' : 'active';
      const roles: string[] = spec.builtIn
        ? index === 0
          ? [roleIds[spec.key === 'northwind' ? 'owner' : 'administrator']!]
          : index === 1
            ? [roleIds['billing']!]
            : index === 2 && spec.key === 'northwind'
              ? [roleIds['read_only']!]
              : index === 3 && roleIds['helpdesk'] !== undefined
                ? [roleIds['helpdesk']]
                : index === 3 && roleIds['finance'] !== undefined
                  ? [roleIds['finance']]
                  : [roleIds['member']!]
        : index === 0
          ? [roleIds['itadmin']!]
          : [roleIds['staff']!];
      const created = iso(addDays(new Date(spec.createdAt), index * 11));
      data.users.set(userId, {
        ...base(userId, id, created),
        firstName: first,
        lastName: last,
        email,
        status,
        roleIds: roles,
        permissions: index === 5 ? ['audit.view'] : [],
        lastActiveAt: status === 'active' ? iso(addDays(now, -((index * 5) % 40) - 0.3)) : null,
      });
    }
    const org = data.organizations.get(id)!;
    org.primaryContactUserId = stableId(`user:${spec.key}:${spec.builtIn ? 1 : 0}`);
  }

  // Scale: extra users in Contoso Dental.
  const contoso = orgId('contoso');
  const member = stableId('role:contoso:member');
  for (let index = 0; index < (options.extraUsers ?? 0); index += 1) {
    const first = FIRST[index % FIRST.length]!;
    const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
    const userId = stableId(`user:contoso:extra:${index}`);
    const created = '2025-03-01T09:00:00.000Z';
    data.users.set(userId, {
      ...base(userId, contoso, created),
      firstName: first,
      lastName: `${last} ${index + 1}`,
      email: `${slug(first)}.${slug(last)}.${index + 1}@contoso-dental.example`,
      status: index % 13 === 0 ? 'deactivated' : 'active',
      roleIds: [member],
      permissions: [],
      lastActiveAt: null,
    });
  }

  // Billing contacts
  const contact = (key: string, org: string, email: string, userId: string | null, kinds: BillingContact['kinds']) => {
    const contactId = stableId(`contact:${key}`);
    data.contacts.set(contactId, { ...base(contactId, orgId(org), '2025-01-10T10:00:00.000Z'), email, userId, kinds });
  };
  contact('nw-billing', 'northwind', 'billing@northwind.example', stableId('user:northwind:1'), ['invoices', 'payment_reminders']);
  contact('nw-ap', 'northwind', 'ap@northwind.example', null, ['invoices']);
  contact('nw-owner', 'northwind', 'owner@northwind.example', stableId('user:northwind:0'), ['subscription_changes', 'account_notices']);
  contact('contoso-ap', 'contoso', 'accounts@contoso-dental.example', null, ['invoices', 'payment_reminders', 'subscription_changes', 'account_notices']);
  contact('fabrikam-fin', 'fabrikam', 'finance@fabrikam-legal.example', null, ['invoices']);

  // Subscriptions
  const subscription = (key: string, org: string, spec: Partial<Subscription> & Pick<Subscription, 'product' | 'plan' | 'basis' | 'unitPrice' | 'currency'>) => {
    const subscriptionId = stableId(`sub:${key}`);
    const created = spec.createdAt ?? '2024-06-01T00:00:00.000Z';
    data.subscriptions.set(subscriptionId, {
      ...base(subscriptionId, orgId(org), created),
      quantity: 0,
      interval: 'monthly',
      contractEnd: null,
      trialEnd: null,
      cancelAt: null,
      licenseKey: `SD-${createHash('sha1').update(key).digest('hex').slice(0, 16).toUpperCase().replace(/(.{4})(?!$)/g, '$1-')}`,
      environmentId: `env-${key}`,
      status: 'active',
      ...spec,
    });
  };
  const nextYear = iso(monthStart(now, 14));
  subscription('nw-endpoint', 'northwind', { product: 'Seatdesk Endpoint', plan: 'Pro', basis: 'per_active_user', unitPrice: 650, currency: 'EUR', contractEnd: nextYear });
  subscription('nw-backup', 'northwind', { product: 'Backup 365', plan: 'Business', basis: 'fixed_quantity', quantity: 25, unitPrice: 200, currency: 'EUR' });
  subscription('contoso-endpoint', 'contoso', { product: 'Seatdesk Endpoint', plan: 'Standard', basis: 'per_active_user', unitPrice: 450, currency: 'EUR', contractEnd: iso(monthStart(now, 5)) });
  subscription('contoso-mail', 'contoso', { product: 'Secure Mail', plan: 'Basic', basis: 'per_active_user', unitPrice: 300, currency: 'EUR' });
  subscription('fabrikam-endpoint', 'fabrikam', { product: 'Seatdesk Endpoint', plan: 'Pro', basis: 'per_active_user', unitPrice: 650, currency: 'EUR', contractEnd: nextYear });
  subscription('fabrikam-archive', 'fabrikam', { product: 'Legal Archive', plan: 'Vault', basis: 'fixed_quantity', quantity: 1, unitPrice: 120000, currency: 'EUR', interval: 'annual', status: 'cancelled' });
  subscription('litware-endpoint', 'litware', {
    product: 'Seatdesk Endpoint',
    plan: 'Standard',
    basis: 'per_active_user',
    unitPrice: 450,
    currency: 'EUR',
    contractEnd: iso(monthStart(now, 2)),
    status: 'cancel_scheduled',
    cancelAt: iso(monthStart(now, 2)),
  });
  subscription('tailspin-endpoint', 'tailspin', { product: 'Seatdesk Endpoint', plan: 'Pro', basis: 'per_active_user', unitPrice: 550, currency: 'GBP' });
  subscription('tailspin-travel', 'tailspin', {
    product: 'Travel Desk',
    plan: 'Trial',
    basis: 'fixed_quantity',
    quantity: 10,
    unitPrice: 900,
    currency: 'GBP',
    status: 'trial',
    trialEnd: iso(addDays(now, 12)),
    createdAt: iso(addDays(now, -18)),
  });
  subscription('adatum-endpoint', 'adatum', { product: 'Seatdesk Endpoint', plan: 'Legacy', basis: 'per_active_user', unitPrice: 400, currency: 'EUR' });

  // Invoices: 12 closed months, per organization with billed subscriptions.
  for (const spec of ORGS) {
    const id = orgId(spec.key);
    const subs = [...data.subscriptions.values()].filter((sub) => sub.orgId === id && sub.interval === 'monthly' && sub.status !== 'trial');
    if (subs.length === 0) continue;
    const activeNow = [...data.users.values()].filter((user) => user.orgId === id && user.status === 'active').length;
    for (let offset = -12; offset <= -1; offset += 1) {
      const start = monthStart(now, offset);
      const end = addDays(monthStart(now, offset + 1), -1);
      const seats = Math.max(1, activeNow - Math.floor((-offset - 1) / 3));
      const lines = subs.map((sub) => {
        const quantity = sub.basis === 'per_active_user' ? seats : sub.quantity;
        return {
          subscriptionId: sub.id,
          description: `${sub.product} — ${sub.plan} plan, ${quantity} ${sub.basis === 'per_active_user' ? 'active users' : 'seats'}, ${start.toLocaleString('en', { month: 'long', timeZone: 'UTC' })} ${start.getUTCFullYear()}`,
          quantity,
          unitPrice: sub.unitPrice,
          amount: quantity * sub.unitPrice,
        };
      });
      const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
      const taxRate = data.organizations.get(id)!.taxRate;
      const tax = Math.round((subtotal * taxRate) / 10_000);
      const issued = addDays(end, 1);
      const invoiceId = stableId(`invoice:${spec.key}:${offset}`);
      const status: Invoice['status'] = offset === -1 ? 'open' : offset === -2 && spec.key === 'litware' ? 'overdue' : offset === -7 && spec.key === 'contoso' ? 'void' : 'paid';
      data.invoices.set(invoiceId, {
        ...base(invoiceId, id, iso(issued)),
        number: `INV-${day(start).slice(0, 7).replace('-', '')}-${spec.key.slice(0, 3).toUpperCase()}`,
        periodStart: day(start),
        periodEnd: day(end),
        issuedAt: iso(issued),
        dueAt: iso(addDays(issued, 14)),
        status,
        currency: subs[0]!.currency,
        subtotal,
        tax,
        total: subtotal + tax,
        lines,
      });
    }
  }

  // Payment methods
  const method = (key: string, org: string, spec: Omit<PaymentMethod, 'id' | 'orgId' | 'version' | 'createdAt' | 'updatedAt'>) => {
    const methodId = stableId(`pm:${key}`);
    data.paymentMethods.set(methodId, { ...base(methodId, orgId(org), '2024-01-01T00:00:00.000Z'), ...spec });
  };
  method('nw-visa', 'northwind', { type: 'card', brand: 'Visa', last4: '4242', expMonth: 8, expYear: now.getUTCFullYear() + 2, isDefault: true });
  method('nw-mc', 'northwind', { type: 'card', brand: 'Mastercard', last4: '5454', expMonth: 1, expYear: now.getUTCFullYear() - 1, isDefault: false });
  method('nw-sepa', 'northwind', { type: 'sepa_debit', brand: 'ING', last4: '1234', expMonth: null, expYear: null, isDefault: false });
  method('contoso-ideal', 'contoso', { type: 'ideal', brand: 'Rabobank', last4: '9876', expMonth: null, expYear: null, isDefault: true });

  // Audit: a few weeks of history, some of it queued offline.
  const actor = 'owner@northwind.example';
  const users = [...data.users.values()];
  for (let index = 0; index < 40; index += 1) {
    const user = users[(index * 5) % users.length]!;
    const offline = index % 6 === 2;
    const action = ['updateUser', 'activateUser', 'deactivateUser', 'createUser', 'updateRole'][index % 5]!;
    const at = iso(addDays(now, -index * 0.9 - 0.1));
    const before = action === 'createUser' ? null : { ...user, firstName: index % 2 === 0 ? user.firstName : `${user.firstName}a`, status: action === 'activateUser' ? 'deactivated' : user.status };
    data.audit.push({
      id: stableId(`audit:${index}`),
      orgId: user.orgId,
      actorUserId: index % 11 === 10 ? null : stableId('user:northwind:0'),
      actorEmail: index % 11 === 10 ? '' : actor,
      entity: 'user',
      entityId: user.id,
      action,
      before,
      after: { ...user, status: action === 'deactivateUser' ? 'deactivated' : user.status },
      at,
      origin: offline ? { kind: 'offline', clientId: stableId('client'), batchId: index % 12 === 2 ? stableId(`batch:${index}`) : null, mutationId: 100 + index } : { kind: 'online' },
    });
  }

  // Sync issues: a conflict on a name, and a rejection (LAST_ADMIN).
  const jonas = users.find((user) => user.orgId === orgId('contoso') && user.status === 'active' && user.roleIds.length === 1 && user.email !== `admin@contoso-dental.example`)!;
  data.issues.push({
    id: 1,
    mutationId: 41,
    kind: 'conflict',
    commandName: 'updateUser',
    args: { orgId: jonas.orgId, userId: jonas.id, version: 3, firstName: 'Jon', lastName: jonas.lastName },
    entity: 'user',
    entityId: jonas.id,
    orgId: jonas.orgId,
    code: 'VERSION_CONFLICT',
    message: `Someone else changed ${jonas.firstName} ${jonas.lastName} while you were offline. Compare the versions and choose which to keep.`,
    base: { ...jonas, version: 3, firstName: jonas.firstName },
    mine: { orgId: jonas.orgId, userId: jonas.id, version: 3, firstName: 'Jon' },
    theirs: { ...jonas, version: 4, firstName: `${jonas.firstName.slice(0, 3)}`, roleIds: [...jonas.roleIds.filter((id) => id !== stableId('role:contoso:read_only')), stableId('role:contoso:read_only')] },
    createdAt: iso(addDays(now, -0.2)),
    resolvedAt: null,
    resolution: null,
  });
  const adatumAdmin = users.find((user) => user.orgId === orgId('adatum'))!;
  data.issues.push({
    id: 2,
    mutationId: 42,
    kind: 'rejected',
    commandName: 'deactivateUser',
    args: { orgId: adatumAdmin.orgId, userId: adatumAdmin.id },
    entity: 'user',
    entityId: adatumAdmin.id,
    orgId: adatumAdmin.orgId,
    code: 'LAST_ADMIN',
    message: `${adatumAdmin.firstName} ${adatumAdmin.lastName} is the last active administrator of Adatum Labs. Give another active user an administrator role first.`,
    base: adatumAdmin,
    mine: { ...adatumAdmin, status: 'deactivated' },
    theirs: adatumAdmin,
    createdAt: iso(addDays(now, -1.5)),
    resolvedAt: null,
    resolution: null,
  });

  return data;
}
