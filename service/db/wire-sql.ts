import type { SyncedEntityName } from '@shared/sync/protocol';

/**
 * Each synced entity's wire shape written by PostgreSQL, as JSON text: what rows.ts's toWire
 * mappers make of a row, for statements that hand the text on without reading it (a pull page:
 * parsing a page of 200 rows, mapping it and writing it out again cost the instance 2 ms).
 * wire-sql.test.ts holds the two to the same answer for every row of every table.
 *
 * Column expressions read the table's row as `t`. A timestamp is written as Date#toISOString
 * writes it (UTC, milliseconds, truncated as the mappers truncate); arrays and booleans as the
 * mappers default them.
 */
const col = (column: string) => `t.${column}`;
const stamp = (column: string) => `to_char(t.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const list = (column: string, type: string) => `coalesce(t.${column}, '{}'::${type}[])`;
const flag = (column: string) => `coalesce(t.${column}, false)`;

const BASE = { id: col('id'), orgId: col('org_id'), version: col('version'), createdAt: stamp('created_at'), updatedAt: stamp('updated_at') };

/** Wire key → SQL expression, per entity, in the mappers' key order. */
export const WIRE_COLUMNS: Readonly<Record<SyncedEntityName, Readonly<Record<string, string>>>> = {
  organization: {
    ...BASE,
    name: col('name'),
    kind: col('kind'),
    parentId: col('parent_id'),
    accountEmail: col('account_email'),
    billingEmail: col('billing_email'),
    vatNumber: col('vat_number'),
    billingAddress: col('billing_address'),
    shippingAddress: col('shipping_address'),
    primaryContactUserId: col('primary_contact_user_id'),
    taxRate: col('tax_rate'),
  },
  user: {
    ...BASE,
    firstName: col('first_name'),
    lastName: col('last_name'),
    email: col('email'),
    status: col('status'),
    roleIds: list('role_ids', 'uuid'),
    permissions: list('permissions', 'text'),
    lastActiveAt: stamp('last_active_at'),
  },
  role: {
    ...BASE,
    name: col('name'),
    description: col('description'),
    permissions: list('permissions', 'text'),
    builtIn: flag('built_in'),
    builtInKey: col('built_in_key'),
  },
  billing_contact: { ...BASE, email: col('email'), userId: col('user_id'), kinds: list('kinds', 'text') },
  subscription: {
    ...BASE,
    product: col('product'),
    plan: col('plan'),
    basis: col('basis'),
    quantity: col('quantity'),
    unitPrice: col('unit_price'),
    currency: col('currency'),
    interval: col('interval'),
    contractEnd: stamp('contract_end'),
    trialEnd: stamp('trial_end'),
    cancelAt: stamp('cancel_at'),
    licenseKey: col('license_key'),
    environmentId: col('environment_id'),
    status: col('status'),
  },
  invoice: {
    ...BASE,
    number: col('number'),
    periodStart: col('period_start'),
    periodEnd: col('period_end'),
    issuedAt: stamp('issued_at'),
    dueAt: stamp('due_at'),
    status: col('status'),
    currency: col('currency'),
    subtotal: col('subtotal'),
    tax: col('tax'),
    total: col('total'),
    lines: `coalesce(t.lines, '[]'::jsonb)`,
  },
  payment_method: {
    ...BASE,
    type: col('type'),
    brand: col('brand'),
    last4: col('last4'),
    expMonth: col('exp_month'),
    expYear: col('exp_year'),
    isDefault: flag('is_default'),
  },
  audit_event: {
    id: col('id'),
    orgId: col('org_id'),
    actorUserId: col('actor_user_id'),
    actorEmail: col('actor_email'),
    entity: col('entity'),
    entityId: col('entity_id'),
    action: col('action'),
    before: col('before'),
    after: col('after'),
    at: stamp('at'),
    origin: col('origin'),
  },
};

const wireText = new Map<SyncedEntityName, string>();

/** The entity's wire shape of the row `t`, as a json expression (one object, keys as on the wire). */
export function wireJsonSql(entity: SyncedEntityName): string {
  let text = wireText.get(entity);
  if (text === undefined) {
    const columns = Object.entries(WIRE_COLUMNS[entity]).map(([key, expression]) => `${expression} AS "${key}"`);
    text = `(SELECT row_to_json(w) FROM (SELECT ${columns.join(', ')}) w)`;
    wireText.set(entity, text);
  }
  return text;
}

/**
 * A list of the entity's wire objects as the JSON text of a list's items (comma-separated; ''
 * for none): `rows` is a FROM clause whose rows are `t`, with any WHERE, in `order`.
 */
export function wireItemsSql(entity: SyncedEntityName, rows: string, order: string): string {
  return `(SELECT coalesce(string_agg(${wireJsonSql(entity)}::text, ',' ORDER BY ${order}), '') FROM ${rows})`;
}
