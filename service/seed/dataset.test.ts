import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { emailKey } from '@shared/email';
import { billingContactSchema } from '@shared/domain/billing-contact';
import { invoiceSchema } from '@shared/domain/invoice';
import { canHaveChild, organizationSchema } from '@shared/domain/organization';
import { isExpired, paymentMethodSchema } from '@shared/domain/payment-method';
import { BUILT_IN_ROLE_KEYS, PERMISSIONS, effectivePermissions, predatesBuiltInRoles } from '@shared/domain/permissions';
import { findPlan } from '@shared/domain/plans';
import { isStaleInvitation } from '@shared/domain/attention';
import { isAdminRole, roleSchema, type Role } from '@shared/domain/role';
import { BILLING_BASES, SUBSCRIPTION_STATUSES, subscriptionSchema } from '@shared/domain/subscription';
import { USER_STATUSES, userSchema, type User } from '@shared/domain/user';
import { computeInvoiceLines } from '../billing/invoice-math';
import {
  DEFAULT_SEED_NOW,
  INDIVIDUAL_ALL_LABEL,
  INVOICE_MONTHS,
  LEGACY_ORG_NAME,
  SCALE_PROVIDER_USERS,
  SCALE_RESELLER_USERS,
  generateDemoDataset,
  generateScaleDataset,
  seedDayOf,
  slugify,
  type SeedDataset,
} from './dataset';

const demo = generateDemoDataset();

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group === undefined) groups.set(key(row), [row]);
    else group.push(row);
  }
  return groups;
}

/** Each row parses, and parsing changes nothing (the rows are already normalised). */
function expectParses(schema: z.ZodType, rows: readonly unknown[]): void {
  for (const row of rows) {
    const result = schema.safeParse(row);
    if (!result.success) throw new Error(`${JSON.stringify(row)}\n${JSON.stringify(result.error.issues)}`);
    expect(result.data).toEqual(row);
  }
}

function expectAllParse(data: SeedDataset, rows: (list: readonly unknown[]) => readonly unknown[] = (list) => list): void {
  expectParses(organizationSchema, rows(data.orgs));
  expectParses(userSchema, rows(data.users));
  expectParses(roleSchema, rows(data.roles));
  expectParses(billingContactSchema, rows(data.billingContacts));
  expectParses(subscriptionSchema, rows(data.subscriptions));
  expectParses(invoiceSchema, rows(data.invoices));
  expectParses(
    paymentMethodSchema,
    rows(data.paymentMethods.map(({ processorRef: _processorRef, ...method }) => method)),
  );
}

function isAdmin(user: User, rolesById: Map<string, Role>): boolean {
  return user.roleIds.some((roleId) => {
    const role = rolesById.get(roleId);
    return role !== undefined && isAdminRole(role);
  });
}

function checkIntegrity(data: SeedDataset): void {
  const orgsById = new Map(data.orgs.map((org) => [org.id, org]));
  const rolesById = new Map(data.roles.map((role) => [role.id, role]));
  const usersById = new Map(data.users.map((user) => [user.id, user]));
  const allIds = [data.orgs, data.users, data.roles, data.billingContacts, data.subscriptions, data.invoices, data.paymentMethods].flatMap(
    (rows) => rows.map((row) => row.id),
  );
  expect(new Set(allIds).size).toBe(allIds.length);
  expect(new Set(data.invoices.map((invoice) => invoice.number)).size).toBe(data.invoices.length);

  for (const org of data.orgs) {
    expect(org.orgId).toBe(org.id);
    expect(org.version).toBe(1);
    if (org.parentId === null) expect(org.kind).toBe('provider');
    else expect(canHaveChild(orgsById.get(org.parentId)?.kind ?? 'customer', org.kind)).toBe(true);
    if (org.primaryContactUserId !== null) expect(usersById.get(org.primaryContactUserId)?.orgId).toBe(org.id);
  }
  for (const user of data.users) {
    expect(orgsById.has(user.orgId)).toBe(true);
    for (const roleId of user.roleIds) expect(rolesById.get(roleId)?.orgId).toBe(user.orgId);
    expect(user.updatedAt >= user.createdAt).toBe(true);
    if (user.status === 'pending') expect(user.lastActiveAt).toBeNull();
    // Deactivating an Administrator is refused, so no deactivated user holds one.
    if (user.status === 'deactivated') expect(isAdmin(user, rolesById)).toBe(false);
  }
  for (const contact of data.billingContacts) {
    if (contact.userId === null) continue;
    const user = usersById.get(contact.userId);
    expect(user?.orgId).toBe(contact.orgId);
    expect(user?.email).toBe(contact.email);
    const roles = (user?.roleIds ?? []).map((roleId) => rolesById.get(roleId)).filter((role): role is Role => role !== undefined);
    expect(effectivePermissions(roles, user?.permissions ?? [])).toContain('billing.view');
  }
  const rows = [data.orgs, data.users, data.roles, data.billingContacts, data.subscriptions, data.invoices, data.paymentMethods].flat();
  for (const row of rows) {
    expect(row.version).toBe(1);
    expect(Date.parse(row.createdAt) <= Date.parse(DEFAULT_SEED_NOW)).toBe(true);
    expect(Date.parse(row.updatedAt) <= Date.parse(DEFAULT_SEED_NOW)).toBe(true);
    expect(Date.parse(row.updatedAt) >= Date.parse(row.createdAt)).toBe(true);
  }
}

describe('generateDemoDataset', () => {
  const orgByName = new Map(demo.orgs.map((org) => [org.name, org]));
  const rolesById = new Map(demo.roles.map((role) => [role.id, role]));
  const usersByOrg = groupBy(demo.users, (user) => user.orgId);
  const legacy = orgByName.get(LEGACY_ORG_NAME);

  it('is deterministic: the same options give deep-equal data, another seed other data', () => {
    expect(generateDemoDataset()).toEqual(demo);
    expect(generateDemoDataset({ now: DEFAULT_SEED_NOW, seed: 'seatdesk-demo' })).toEqual(demo);
    const other = generateDemoDataset({ seed: 7 });
    expect(other.users.map((user) => user.id)).not.toEqual(demo.users.map((user) => user.id));
    expect(other.orgs.map((org) => org.name)).toEqual(demo.orgs.map((org) => org.name));
  });

  it('parses every row with its shared schema', () => {
    expectAllParse(demo);
  });

  it('builds around another "now", still valid, with the twelve months before it', () => {
    const later = generateDemoDataset({ now: '2027-03-10T08:30:00Z' });
    expectAllParse(later);
    expect(later.invoices.at(-1)?.periodEnd).toBe('2027-02-28');
    expect(later.invoices[0]?.periodStart).toBe('2026-03-01');
    expect(later.subscriptions.filter((subscription) => subscription.status === 'trial').every((s) => s.trialEnd! > '2027-03-10')).toBe(true);
  });

  it('is built around the service clock\'s day: the latest full month invoiced, a trial ending next week, a contract ending next month, one invoice overdue, a cancellation ahead', () => {
    const today = seedDayOf(new Date('2026-12-03T14:26:43Z'));
    expect(today).toBe('2026-12-03T00:00:00Z');
    const data = generateDemoDataset({ now: today });
    // Deterministic for a day, whatever the hour.
    expect(generateDemoDataset({ now: seedDayOf(new Date('2026-12-03T23:59:59Z')) })).toEqual(data);
    expectAllParse(data);
    const nowMs = Date.parse(today);
    const day = 86_400_000;
    for (const row of [data.orgs, data.users, data.roles, data.billingContacts, data.subscriptions, data.invoices, data.paymentMethods].flat()) {
      expect(Date.parse(row.updatedAt)).toBeLessThanOrEqual(nowMs);
    }
    for (const org of data.orgs) {
      const invoices = data.invoices.filter((invoice) => invoice.orgId === org.id);
      expect(invoices.at(-1)).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30', status: 'open' });
    }
    const orgId = (name: string) => data.orgs.find((org) => org.name === name)!.id;
    const trials = data.subscriptions.filter((s) => s.status === 'trial');
    expect(trials.map((s) => s.orgId)).toEqual([orgId('Contoso Dental')]);
    expect(Date.parse(trials[0]!.trialEnd!) - nowMs).toBeGreaterThan(0);
    expect(Date.parse(trials[0]!.trialEnd!) - nowMs).toBeLessThanOrEqual(7 * day);
    const renewing = data.subscriptions.filter((s) => s.status === 'active' && s.contractEnd?.startsWith('2027-01'));
    expect(renewing.map((s) => s.orgId)).toContain(orgId('Contoso Dental'));
    const overdue = data.invoices.filter((invoice) => invoice.status === 'overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ orgId: orgId('Lucerne Publishing'), periodEnd: '2026-10-31' });
    expect(Date.parse(overdue[0]!.dueAt)).toBeLessThan(nowMs);
    const scheduled = data.subscriptions.filter((s) => s.status === 'cancel_scheduled');
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    for (const subscription of scheduled) expect(Date.parse(subscription.cancelAt!)).toBeGreaterThan(nowMs);
    expect(scheduled.some((s) => s.orgId === orgId('Adventure Works Legal') && s.cancelAt!.startsWith('2027-01-31'))).toBe(true);
  });

  it('has a pending invitation older than a week on any day, for Home to show', () => {
    for (const day of ['2026-12-03', '2027-02-28', '2027-07-15']) {
      const now = new Date(`${day}T00:00:00Z`);
      const stale = generateDemoDataset({ now: seedDayOf(now) }).users.filter((user) => isStaleInvitation(user, now));
      expect(stale.length, day).toBeGreaterThan(0);
    }
  });

  it('keeps one overdue invoice late in the month too: the latest invoices are paid once due', () => {
    const data = generateDemoDataset({ now: '2026-12-20T00:00:00Z' });
    expect(data.invoices.filter((invoice) => invoice.status === 'overdue')).toHaveLength(1);
    expect(data.invoices.filter((invoice) => invoice.periodEnd === '2026-11-30').every((invoice) => invoice.status === 'paid')).toBe(true);
  });

  it('keeps ids unique and references inside their organization', () => {
    checkIntegrity(demo);
  });

  it('has a provider with two resellers and customers under each', () => {
    const provider = orgByName.get('Northwind MSP');
    expect(provider?.kind).toBe('provider');
    const resellers = demo.orgs.filter((org) => org.kind === 'reseller');
    expect(resellers).toHaveLength(2);
    const customers = demo.orgs.filter((org) => org.kind === 'customer');
    expect(customers.length).toBeGreaterThanOrEqual(6);
    expect(customers.some((org) => org.parentId === provider?.id)).toBe(true);
    for (const reseller of resellers) {
      expect(reseller.parentId).toBe(provider?.id);
      expect(customers.some((org) => org.parentId === reseller.id)).toBe(true);
    }
  });

  it('gives organizations account details, VAT numbers and tax rates', () => {
    expect(orgByName.get('Contoso Dental')?.taxRate).toBe(2100);
    expect(orgByName.get('Alpine Ski House')?.taxRate).toBe(1900);
    expect(demo.orgs.some((org) => org.taxRate === 0)).toBe(true);
    expect(new Set(demo.orgs.map((org) => org.vatNumber?.slice(0, 2))).size).toBeGreaterThanOrEqual(5);
    for (const org of demo.orgs) {
      expect(org.vatNumber).not.toBeNull();
      expect(org.billingAddress).not.toBeNull();
      expect(org.primaryContactUserId).not.toBeNull();
    }
    expect(demo.orgs.some((org) => org.billingEmail === null)).toBe(true);
  });

  it('has a legacy organization from before the cutoff with custom roles only', () => {
    expect(legacy).toBeDefined();
    expect((legacy?.createdAt ?? '') < '2024-01-15').toBe(true);
    expect(predatesBuiltInRoles(legacy?.createdAt ?? '')).toBe(true);
    const roles = demo.roles.filter((role) => role.orgId === legacy?.id);
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every((role) => !role.builtIn && role.builtInKey === null)).toBe(true);
    const admin = demo.users.find((user) => user.email === 'admin@blue-yonder-logistics.example');
    expect(admin).toMatchObject({ status: 'active', roleIds: [], permissions: [...PERMISSIONS] });
  });

  it('gives every other organization the five built-in roles and one or two custom ones', () => {
    for (const org of demo.orgs) {
      if (org === legacy) continue;
      expect(predatesBuiltInRoles(org.createdAt)).toBe(false);
      const roles = demo.roles.filter((role) => role.orgId === org.id);
      expect(roles.filter((role) => role.builtIn).map((role) => role.builtInKey)).toEqual([...BUILT_IN_ROLE_KEYS]);
      const custom = roles.filter((role) => !role.builtIn);
      expect(custom.length).toBeGreaterThanOrEqual(1);
      expect(custom.length).toBeLessThanOrEqual(2);
      expect(new Set(roles.map((role) => role.name.toLowerCase())).size).toBe(roles.length);
    }
  });

  it('keeps at least one active Administrator or Owner in every organization but the legacy one', () => {
    for (const org of demo.orgs) {
      const users = usersByOrg.get(org.id) ?? [];
      const admins = users.filter((user) => user.status === 'active' && isAdmin(user, rolesById));
      if (org === legacy) expect(admins).toEqual([]);
      else expect(admins.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('has 5 to 40 users per organization, in every status', () => {
    for (const org of demo.orgs) {
      const users = usersByOrg.get(org.id) ?? [];
      expect(users.length).toBeGreaterThanOrEqual(5);
      expect(users.length).toBeLessThanOrEqual(40);
      expect(new Set(users.map((user) => user.status))).toEqual(new Set(USER_STATUSES));
    }
    const counts = demo.orgs.map((org) => usersByOrg.get(org.id)?.length ?? 0);
    expect(Math.min(...counts)).toBe(5);
    expect(Math.max(...counts)).toBe(40);
  });

  it('keeps emails unique per organization, case-insensitively, on the organization domain', () => {
    for (const org of demo.orgs) {
      const users = usersByOrg.get(org.id) ?? [];
      expect(new Set(users.map((user) => emailKey(user.email))).size).toBe(users.length);
      const domain = org.kind === 'provider' ? 'northwind' : slugify(org.name);
      for (const user of users) expect(user.email.endsWith(`@${domain}.example`)).toBe(true);
    }
  });

  it('has the known sign-ins, active, with their roles', () => {
    const expected: Record<string, string> = {
      'owner@northwind.example': 'Owner',
      'billing@northwind.example': 'Billing',
      'readonly@northwind.example': 'Read Only',
    };
    for (const org of demo.orgs.filter((candidate) => candidate.kind === 'customer')) {
      expected[`admin@${slugify(org.name)}.example`] = org === legacy ? INDIVIDUAL_ALL_LABEL : 'Administrator';
    }
    expect(slugify('Contoso Dental')).toBe('contoso-dental');
    expect(slugify("Margie's Travel")).toBe('margies-travel');
    for (const [email, roleName] of Object.entries(expected)) {
      const signIn = demo.knownSignIns.find((entry) => entry.email === email);
      expect(signIn?.role, email).toBe(roleName);
      const user = demo.users.find((candidate) => candidate.email === email);
      expect(user?.status, email).toBe('active');
      const org = demo.orgs.find((candidate) => candidate.id === user?.orgId);
      expect(signIn?.orgName).toBe(org?.name);
      if (roleName === INDIVIDUAL_ALL_LABEL) {
        expect(user?.permissions).toEqual([...PERMISSIONS]);
      } else {
        expect(user?.roleIds.map((roleId) => rolesById.get(roleId)?.name)).toEqual([roleName]);
      }
    }
    for (const signIn of demo.knownSignIns) {
      expect(demo.users.some((user) => user.email === signIn.email && user.status === 'active')).toBe(true);
    }
  });

  it('has billing contacts picked from users and typed freely, with varied kinds', () => {
    expect(demo.billingContacts.some((contact) => contact.userId !== null)).toBe(true);
    expect(demo.billingContacts.some((contact) => contact.userId === null)).toBe(true);
    expect(new Set(demo.billingContacts.flatMap((contact) => contact.kinds)).size).toBe(4);
    // The legacy organization has no contact for invoices: they go to its primary contact.
    const legacyContacts = demo.billingContacts.filter((contact) => contact.orgId === legacy?.id);
    expect(legacyContacts.some((contact) => contact.kinds.includes('invoices'))).toBe(false);
  });

  it('has subscriptions in every status and basis, under contract, in EUR and another currency', () => {
    expect(new Set(demo.subscriptions.map((subscription) => subscription.status))).toEqual(new Set(SUBSCRIPTION_STATUSES));
    expect(new Set(demo.subscriptions.map((subscription) => subscription.basis))).toEqual(new Set(BILLING_BASES));
    expect(new Set(demo.subscriptions.map((subscription) => subscription.interval))).toEqual(new Set(['monthly', 'annual']));
    expect(demo.subscriptions.some((subscription) => subscription.contractEnd !== null && subscription.contractEnd > DEFAULT_SEED_NOW)).toBe(true);
    const currencies = new Set(demo.subscriptions.map((subscription) => subscription.currency));
    expect(currencies.has('EUR')).toBe(true);
    expect(currencies.size).toBeGreaterThan(1);
    for (const subscription of demo.subscriptions) {
      expect(subscription.licenseKey).toMatch(/^SD-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(subscription.environmentId).toMatch(/^[0-9a-f-]{36}$/);
      if (subscription.status === 'cancel_scheduled') expect(subscription.cancelAt! > DEFAULT_SEED_NOW).toBe(true);
      if (subscription.status === 'trial') expect(subscription.trialEnd! > DEFAULT_SEED_NOW).toBe(true);
    }
    // One currency per organization.
    for (const [, subscriptions] of groupBy(demo.subscriptions, (subscription) => subscription.orgId)) {
      expect(new Set(subscriptions.map((subscription) => subscription.currency)).size).toBe(1);
    }
  });

  it('has twelve monthly invoices per organization, Nov 2025 to Oct 2026', () => {
    const invoicesByOrg = groupBy(demo.invoices, (invoice) => invoice.orgId);
    for (const org of demo.orgs) {
      const invoices = invoicesByOrg.get(org.id) ?? [];
      expect(invoices).toHaveLength(INVOICE_MONTHS);
      expect(invoices[0]?.periodStart).toBe('2025-11-01');
      expect(invoices.at(-1)?.periodEnd).toBe('2026-10-31');
      expect(invoices.at(-1)?.status).toBe('open');
      for (const invoice of invoices) {
        expect(invoice.total).toBeGreaterThan(0);
        expect(Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt)).toBe(14 * 86_400_000);
      }
    }
    const statuses = demo.invoices.map((invoice) => invoice.status);
    expect(statuses.filter((status) => status === 'overdue')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'void')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'paid').length).toBeGreaterThan(demo.invoices.length / 2);
  });

  it('bills the active users at period close: the latest invoice counts today’s active users', () => {
    const subscriptionsByOrg = groupBy(demo.subscriptions, (subscription) => subscription.orgId);
    const invoicesByOrg = groupBy(demo.invoices, (invoice) => invoice.orgId);
    const quantities = new Set<number>();
    for (const org of demo.orgs) {
      const active = (usersByOrg.get(org.id) ?? []).filter((user) => user.status === 'active').length;
      const latest = invoicesByOrg.get(org.id)?.at(-1);
      const subscriptions = subscriptionsByOrg.get(org.id) ?? [];
      expect(latest?.lines).toEqual(computeInvoiceLines(subscriptions, active, { periodStart: '2026-10-01', periodEnd: '2026-10-31' }));
      for (const invoice of invoicesByOrg.get(org.id) ?? []) {
        for (const line of invoice.lines) {
          const subscription = subscriptions.find((candidate) => candidate.id === line.subscriptionId);
          expect(subscription).toBeDefined();
          if (subscription?.basis === 'per_active_user') quantities.add(line.quantity);
          expect(line.amount).toBe(line.quantity * line.unitPrice);
        }
      }
    }
    // The seat count varies from month to month.
    expect(quantities.size).toBeGreaterThan(10);
  });

  it('bills a cancelled subscription up to the month its cancellation took effect, never after, and an annual one in December', () => {
    const cancelled = demo.subscriptions.filter((subscription) => subscription.status === 'cancelled');
    for (const subscription of cancelled) {
      const billed = demo.invoices.filter((invoice) => invoice.lines.some((line) => line.subscriptionId === subscription.id));
      expect(billed.length).toBeGreaterThan(0);
      // No proration: the month it was cancelled in is billed whole (shared/domain/lifecycle isBillableIn).
      expect(billed.at(-1)?.periodStart).toBe(`${subscription.cancelAt!.slice(0, 7)}-01`);
      for (const invoice of billed) expect(`${invoice.periodStart}T00:00:00Z` < subscription.cancelAt!).toBe(true);
    }
    const annual = demo.subscriptions.filter((subscription) => subscription.interval === 'annual');
    for (const subscription of annual) {
      const billed = demo.invoices.filter((invoice) => invoice.lines.some((line) => line.subscriptionId === subscription.id));
      expect(billed.map((invoice) => invoice.periodEnd)).toEqual(['2025-12-31']);
    }
    const trialIds = new Set(demo.subscriptions.filter((subscription) => subscription.status === 'trial').map((subscription) => subscription.id));
    expect(demo.invoices.some((invoice) => invoice.lines.some((line) => trialIds.has(line.subscriptionId ?? '')))).toBe(false);
  });

  it('has payment methods of every type, one default per organization that has any, one expired card', () => {
    expect(new Set(demo.paymentMethods.map((method) => method.type))).toEqual(new Set(['card', 'sepa_debit', 'ideal']));
    expect(new Set(demo.paymentMethods.filter((method) => method.type === 'card').map((method) => method.brand))).toEqual(
      new Set(['visa', 'mastercard', 'amex']),
    );
    for (const [, methods] of groupBy(demo.paymentMethods, (method) => method.orgId)) {
      expect(methods.filter((method) => method.isDefault)).toHaveLength(1);
    }
    expect(demo.orgs.some((org) => !demo.paymentMethods.some((method) => method.orgId === org.id))).toBe(true);
    const expired = demo.paymentMethods.filter((method) => isExpired(method, DEFAULT_SEED_NOW.slice(0, 10)));
    expect(expired).toHaveLength(1);
    expect(expired[0]?.isDefault).toBe(false);
    for (const method of demo.paymentMethods) expect(method.processorRef).toMatch(/^pm_[a-z]+_[a-z0-9]{20}$/);
  });
});

describe('generateScaleDataset', () => {
  const scale = generateScaleDataset({ customers: 20, usersPerCustomer: 50 });

  it('has the right counts', () => {
    const orgCount = 1 + 3 + 20;
    expect(scale.orgs).toHaveLength(orgCount);
    expect(scale.orgs.filter((org) => org.kind === 'provider')).toHaveLength(1);
    expect(scale.orgs.filter((org) => org.kind === 'reseller')).toHaveLength(3);
    const customerIds = new Set(scale.orgs.filter((org) => org.kind === 'customer').map((org) => org.id));
    expect(customerIds.size).toBe(20);
    expect(scale.users.filter((user) => customerIds.has(user.orgId))).toHaveLength(20 * 50);
    expect(scale.users).toHaveLength(20 * 50 + SCALE_PROVIDER_USERS + 3 * SCALE_RESELLER_USERS);
    expect(scale.subscriptions).toHaveLength(2 * orgCount);
    expect(scale.invoices).toHaveLength(INVOICE_MONTHS * orgCount);
    expect(scale.roles).toHaveLength(6 * orgCount);
    expect(scale.knownSignIns).toHaveLength(3 + 3 + 20);
  });

  it('is deterministic and valid', () => {
    expect(generateScaleDataset({ customers: 20, usersPerCustomer: 50 })).toEqual(scale);
    expectAllParse(scale);
    checkIntegrity(scale);
    const rolesById = new Map(scale.roles.map((role) => [role.id, role]));
    for (const [, users] of groupBy(scale.users, (user) => user.orgId)) {
      expect(users.some((user) => user.status === 'active' && isAdmin(user, rolesById))).toBe(true);
      expect(new Set(users.map((user) => emailKey(user.email))).size).toBe(users.length);
    }
  });

  it('puts customers directly under the provider and under each reseller', () => {
    const provider = scale.orgs.find((org) => org.kind === 'provider');
    const parents = new Set(scale.orgs.filter((org) => org.kind === 'customer').map((org) => org.parentId));
    expect(parents.has(provider?.id ?? '')).toBe(true);
    for (const reseller of scale.orgs.filter((org) => org.kind === 'reseller')) expect(parents.has(reseller.id)).toBe(true);
  });

  // How fast is measured by `npm run bench`, not asserted here.
  it('makes 2,000 customers of 50 users, valid on a sample', () => {
    const big = generateScaleDataset({ customers: 2000, usersPerCustomer: 50 });
    expect(big.users.length).toBe(100_000 + SCALE_PROVIDER_USERS + 3 * SCALE_RESELLER_USERS);
    expect(big.invoices).toHaveLength(INVOICE_MONTHS * 2004);
    expect(new Set(big.orgs.map((org) => org.name)).size).toBe(big.orgs.length);
    expect(new Set(big.invoices.map((invoice) => invoice.number)).size).toBe(big.invoices.length);
    expectAllParse(big, (rows) => rows.filter((_, index) => index % 97 === 0));
  });
});

describe('seeded prices', () => {
  it.each([
    ['the demo', demo],
    ['a scale dataset', generateScaleDataset({ customers: 60, usersPerCustomer: 4 })],
  ])("%s prices every subscription as the price list does (shared/domain/plans.ts)", (_name, data) => {
    expect(data.subscriptions.length).toBeGreaterThan(0);
    for (const subscription of data.subscriptions) {
      const offer = findPlan(subscription.product, subscription.plan);
      const label = `${subscription.product} (${subscription.plan}) in ${subscription.currency}`;
      expect(offer, label).toBeDefined();
      expect(subscription.unitPrice, label).toBe(offer!.prices[subscription.currency]);
      expect([subscription.basis, subscription.interval], label).toEqual([offer!.basis, offer!.interval]);
    }
  });

  it('prices products that share a plan name by their own offer (Mail Security Standard is not Pro Standard)', () => {
    const mail = demo.subscriptions.filter((subscription) => subscription.product === 'Seatdesk Mail Security' && subscription.plan === 'Standard');
    expect(mail.length).toBeGreaterThan(0);
    expect(new Set(mail.map((subscription) => subscription.unitPrice))).toEqual(new Set([findPlan('Seatdesk Mail Security', 'Standard')!.prices['EUR']]));
  });
});
