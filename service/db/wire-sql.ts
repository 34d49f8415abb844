import type { SyncedEntityName } from '@shared/sync/protocol';

/**
 * Each synced entity's wire shape written by PostgreSQL, as JSON text: what rows.ts's toWire
 * mappers make of a row. Each row keeps it (the `wire` column, written by its change trigger:
 * stored-wire.ts) for statements that hand the text on without reading it (a pull page: parsing
 * a page of 200 rows, mapping it and writing it out again cost the instance 2 ms).
 * wire-sql.test.ts holds the two to the same answer for every row of every table.
 *
 * Each column's expression reads the table's row as `t` and is the JSON text of its value (never
 * NULL: a null is the text null). A timestamp is written as Date#toISOString writes it (UTC,
 * milliseconds, truncated as the mappers truncate); arrays and booleans as the mappers default
 * them. The object is concatenated from these texts: row_to_json over the same columns cost
 * PostgreSQL about a fifth more.
 */
const quoted = (expression: string) => `coalesce('"' || ${expression} || '"', 'null')`;
/** A uuid (no escaping needed). */
const id = (column: string) => quoted(`t.${column}`);
const num = (column: string) => `coalesce(t.${column}::text, 'null')`;
const str = (column: string) => `coalesce(to_json(t.${column})::text, 'null')`;
const stamp = (column: string) => quoted(`to_char(t.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
/** A date, as YYYY-MM-DD whatever the session's DateStyle. */
const day = (column: string) => `to_json(t.${column})::text`;
const list = (column: string, type: string) => `to_json(coalesce(t.${column}, '{}'::${type}[]))::text`;
const flag = (column: string) => `CASE WHEN t.${column} THEN 'true' ELSE 'false' END`;
const json = (column: string) => `coalesce(t.${column}::text, 'null')`;

const BASE = { id: id('id'), orgId: id('org_id'), version: num('version'), createdAt: stamp('created_at'), updatedAt: stamp('updated_at') };

/** Wire key → SQL expression, per entity, in the mappers' key order. */
export const WIRE_COLUMNS: Readonly<Record<SyncedEntityName, Readonly<Record<string, string>>>> = {
  organization: {
    ...BASE,
    name: str('name'),
    kind: str('kind'),
    parentId: id('parent_id'),
    accountEmail: str('account_email'),
    billingEmail: str('billing_email'),
    vatNumber: str('vat_number'),
    billingAddress: json('billing_address'),
    shippingAddress: json('shipping_address'),
    primaryContactUserId: id('primary_contact_user_id'),
    taxRate: num('tax_rate'),
  },
  user: {
    ...BASE,
    firstName: str('first_name'),
    lastName: str('last_name'),
    email: str('email'),
    status: str('status'),
    roleIds: list('role_ids', 'uuid'),
    permissions: list('permissions', 'text'),
    lastActiveAt: stamp('last_active_at'),
  },
  role: {
    ...BASE,
    name: str('name'),
    description: str('description'),
    permissions: list('permissions', 'text'),
    builtIn: flag('built_in'),
    builtInKey: str('built_in_key'),
  },
  billing_contact: { ...BASE, email: str('email'), userId: id('user_id'), kinds: list('kinds', 'text') },
  subscription: {
    ...BASE,
    product: str('product'),
    plan: str('plan'),
    basis: str('basis'),
    quantity: num('quantity'),
    unitPrice: num('unit_price'),
    currency: str('currency'),
    interval: str('interval'),
    contractEnd: stamp('contract_end'),
    trialEnd: stamp('trial_end'),
    cancelAt: stamp('cancel_at'),
    licenseKey: str('license_key'),
    environmentId: id('environment_id'),
    status: str('status'),
  },
  invoice: {
    ...BASE,
    number: str('number'),
    periodStart: day('period_start'),
    periodEnd: day('period_end'),
    issuedAt: stamp('issued_at'),
    dueAt: stamp('due_at'),
    status: str('status'),
    currency: str('currency'),
    subtotal: num('subtotal'),
    tax: num('tax'),
    total: num('total'),
    lines: `coalesce(t.lines::text, '[]')`,
  },
  payment_method: {
    ...BASE,
    type: str('type'),
    brand: str('brand'),
    last4: str('last4'),
    expMonth: num('exp_month'),
    expYear: num('exp_year'),
    isDefault: flag('is_default'),
  },
  audit_event: {
    id: id('id'),
    orgId: id('org_id'),
    actorUserId: id('actor_user_id'),
    actorEmail: str('actor_email'),
    entity: str('entity'),
    entityId: id('entity_id'),
    action: str('action'),
    before: json('before'),
    after: json('after'),
    at: stamp('at'),
    origin: json('origin'),
  },
};

/** The entity's wire shape of the row `t`, as a text expression (one JSON object, keys as on the wire). */
export function wireJsonSql(entity: SyncedEntityName): string {
  const parts = Object.entries(WIRE_COLUMNS[entity]).flatMap(([key, expression], index) => [`'${index === 0 ? '{' : ','}"${key}":'`, expression]);
  return `concat(${parts.join(', ')}, '}')`;
}
