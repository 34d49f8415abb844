import { emailKey } from '@shared/email';
import type { Organization } from '@shared/domain/organization';
import { hashPassword } from '../auth/passwords';
import { MIGRATION_LOCK } from '../db/migrate';
import type { Sql, Store } from '../db/store';
import { roleNameKey } from '@shared/domain/role';
import { generateDemoDataset, generateScaleDataset, seedDayOf, type SeedDataset } from './dataset';

/**
 * now: the service clock; the data is built around its day (seedDayOf). Without it, around
 * DEFAULT_SEED_NOW, as the tests expect.
 */
export type SeedOptions = ({ kind: 'demo' } | { kind: 'scale'; customers: number; usersPerCustomer: number }) & { now?: Date };

export const DEMO_PASSWORD = 'seatdesk-demo';

/** Rows per INSERT statement: large enough to be fast, small enough to keep each JSON parameter a few MiB. */
const CHUNK_ROWS = 2_000;

type Column = readonly [name: string, type: string];

/**
 * Inserts rows through jsonb_to_recordset: one parameter per statement whatever the row count,
 * which is far faster than one INSERT per row (the scale dataset has 100,000+ users).
 */
async function insertRows(tx: Sql, table: string, columns: readonly Column[], rows: readonly Record<string, unknown>[]): Promise<void> {
  const names = columns.map(([name]) => name).join(', ');
  const record = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${record})`;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    await tx.query(sql, [JSON.stringify(rows.slice(start, start + CHUNK_ROWS))]);
  }
}

const STAMPS: readonly Column[] = [
  ['id', 'uuid'],
  ['org_id', 'uuid'],
  ['version', 'integer'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

const stamps = (entity: { id: string; orgId: string; version: number; createdAt: string; updatedAt: string }) => ({
  id: entity.id,
  org_id: entity.orgId,
  version: entity.version,
  created_at: entity.createdAt,
  updated_at: entity.updatedAt,
});

/** Parents before children, for the parent_id foreign key. */
function parentsFirst(orgs: readonly Organization[]): Organization[] {
  const byId = new Map(orgs.map((org) => [org.id, org]));
  const depth = (org: Organization): number => {
    let level = 0;
    for (let parent = org.parentId; parent !== null && level <= orgs.length; level += 1) parent = byId.get(parent)?.parentId ?? null;
    return level;
  };
  const depths = new Map(orgs.map((org) => [org.id, depth(org)]));
  return [...orgs].sort((a, b) => (depths.get(a.id) ?? 0) - (depths.get(b.id) ?? 0));
}

async function writeDataset(tx: Sql, data: SeedDataset, passwordHash: string): Promise<void> {
  await insertRows(
    tx,
    'orgs',
    [
      ...STAMPS,
      ['parent_id', 'uuid'],
      ['kind', 'text'],
      ['name', 'text'],
      ['account_email', 'text'],
      ['billing_email', 'text'],
      ['vat_number', 'text'],
      ['billing_address', 'jsonb'],
      ['shipping_address', 'jsonb'],
      ['primary_contact_user_id', 'uuid'],
      ['tax_rate', 'integer'],
    ],
    parentsFirst(data.orgs).map((org) => ({
      ...stamps(org),
      parent_id: org.parentId,
      kind: org.kind,
      name: org.name,
      account_email: org.accountEmail,
      billing_email: org.billingEmail,
      vat_number: org.vatNumber,
      billing_address: org.billingAddress,
      shipping_address: org.shippingAddress,
      primary_contact_user_id: org.primaryContactUserId,
      tax_rate: org.taxRate,
    })),
  );
  await insertRows(
    tx,
    'roles',
    [...STAMPS, ['name', 'text'], ['name_key', 'text'], ['description', 'text'], ['permissions', 'text[]'], ['built_in', 'boolean'], ['built_in_key', 'text']],
    data.roles.map((role) => ({
      ...stamps(role),
      name: role.name,
      name_key: roleNameKey(role.name),
      description: role.description,
      permissions: role.permissions,
      built_in: role.builtIn,
      built_in_key: role.builtInKey,
    })),
  );
  await insertRows(
    tx,
    'users',
    [
      ...STAMPS,
      ['first_name', 'text'],
      ['last_name', 'text'],
      ['email', 'text'],
      ['email_key', 'text'],
      ['status', 'text'],
      ['role_ids', 'uuid[]'],
      ['permissions', 'text[]'],
      ['last_active_at', 'timestamptz'],
      ['password_hash', 'text'],
      ['must_reset_password', 'boolean'],
    ],
    data.users.map((user) => ({
      ...stamps(user),
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      email_key: emailKey(user.email),
      status: user.status,
      role_ids: user.roleIds,
      permissions: user.permissions,
      last_active_at: user.lastActiveAt,
      password_hash: passwordHash,
      must_reset_password: false,
    })),
  );
  await insertRows(
    tx,
    'billing_contacts',
    [...STAMPS, ['email', 'text'], ['user_id', 'uuid'], ['kinds', 'text[]']],
    data.billingContacts.map((contact) => ({ ...stamps(contact), email: contact.email, user_id: contact.userId, kinds: contact.kinds })),
  );
  await insertRows(
    tx,
    'subscriptions',
    [
      ...STAMPS,
      ['product', 'text'],
      ['plan', 'text'],
      ['basis', 'text'],
      ['quantity', 'integer'],
      ['unit_price', 'bigint'],
      ['currency', 'text'],
      ['interval', 'text'],
      ['contract_end', 'timestamptz'],
      ['trial_end', 'timestamptz'],
      ['cancel_at', 'timestamptz'],
      ['license_key', 'text'],
      ['environment_id', 'uuid'],
      ['status', 'text'],
    ],
    data.subscriptions.map((subscription) => ({
      ...stamps(subscription),
      product: subscription.product,
      plan: subscription.plan,
      basis: subscription.basis,
      quantity: subscription.quantity,
      unit_price: subscription.unitPrice,
      currency: subscription.currency,
      interval: subscription.interval,
      contract_end: subscription.contractEnd,
      trial_end: subscription.trialEnd,
      cancel_at: subscription.cancelAt,
      license_key: subscription.licenseKey,
      environment_id: subscription.environmentId,
      status: subscription.status,
    })),
  );
  await insertRows(
    tx,
    'invoices',
    [
      ...STAMPS,
      ['number', 'text'],
      ['period_start', 'date'],
      ['period_end', 'date'],
      ['issued_at', 'timestamptz'],
      ['due_at', 'timestamptz'],
      ['status', 'text'],
      ['currency', 'text'],
      ['subtotal', 'bigint'],
      ['tax', 'bigint'],
      ['total', 'bigint'],
      ['lines', 'jsonb'],
    ],
    data.invoices.map((invoice) => ({
      ...stamps(invoice),
      number: invoice.number,
      period_start: invoice.periodStart,
      period_end: invoice.periodEnd,
      issued_at: invoice.issuedAt,
      due_at: invoice.dueAt,
      status: invoice.status,
      currency: invoice.currency,
      subtotal: invoice.subtotal,
      tax: invoice.tax,
      total: invoice.total,
      lines: invoice.lines,
    })),
  );
  await insertRows(
    tx,
    'payment_methods',
    [
      ...STAMPS,
      ['type', 'text'],
      ['brand', 'text'],
      ['last4', 'text'],
      ['exp_month', 'integer'],
      ['exp_year', 'integer'],
      ['is_default', 'boolean'],
      ['processor_ref', 'text'],
    ],
    data.paymentMethods.map((method) => ({
      ...stamps(method),
      type: method.type,
      brand: method.brand,
      last4: method.last4,
      exp_month: method.expMonth,
      exp_year: method.expYear,
      is_default: method.isDefault,
      processor_ref: method.processorRef,
    })),
  );
}

export function generateSeedDataset(options: SeedOptions): SeedDataset {
  const now = options.now === undefined ? {} : { now: seedDayOf(options.now) };
  return options.kind === 'demo'
    ? generateDemoDataset(now)
    : generateScaleDataset({ customers: options.customers, usersPerCustomer: options.usersPerCustomer, ...now });
}

/**
 * Writes the demo or scale dataset into an empty database (no organizations) and answers true;
 * a database that already holds data is left as it is (false), so a restart keeps changes.
 * Seeded rows carry no audit events: nobody made them. Every user's password is DEMO_PASSWORD,
 * hashed once (argon2id is deliberately slow) and shared by all seeded users.
 */
export async function seedDatabase(store: Store, options: SeedOptions): Promise<boolean> {
  const [existing] = await store.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM orgs) AS seeded');
  if (existing?.seeded === true) return false;
  const data = generateSeedDataset(options);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await store.write(async (tx) => {
    // Checked again under the migration lock: another instance started at once may have seeded meanwhile.
    if (store.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const [again] = await tx.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM orgs) AS seeded');
    if (again?.seeded === true) return false;
    await writeDataset(tx, data, passwordHash);
    return true;
  });
  // Statistics for the tables just filled, as after any bulk load: until autovacuum gets to them
  // (a minute or more), the planner sees empty tables, and plans a service prepares meanwhile
  // are made for those.
  if (seeded) await store.exec('ANALYZE');
  return seeded;
}
