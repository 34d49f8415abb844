/**
 * The entity tables as the migrations left them, for the writer (cache/rows.ts) and the reads:
 * the columns screens filter, sort and search on, and which of them the search index covers.
 * The migrations do not read this: they are frozen SQL (migrations/). Changing a table needs a
 * new migration and a change here; migrations.test.ts fails when the two disagree.
 */

/** A column an entity table keeps beside its JSON, written by the app from the entity's field. */
export interface EntityColumn {
  name: string;
  field: string;
  type: 'TEXT' | 'INTEGER';
}

const text = (name: string, field: string): EntityColumn => ({ name, field, type: 'TEXT' });
const flag = (name: string, field: string): EntityColumn => ({ name, field, type: 'INTEGER' });

export const ENTITY_SHAPES = {
  organization: {
    table: 'organizations',
    columns: [text('name', 'name'), text('kind', 'kind'), text('parent_id', 'parentId'), text('account_email', 'accountEmail')],
    searched: ['name', 'account_email'],
  },
  user: {
    table: 'users',
    columns: [text('first_name', 'firstName'), text('last_name', 'lastName'), text('email', 'email'), text('status', 'status')],
    searched: ['first_name', 'last_name', 'email'],
  },
  role: { table: 'roles', columns: [text('name', 'name'), flag('built_in', 'builtIn')], searched: [] },
  billing_contact: { table: 'billing_contacts', columns: [text('email', 'email'), text('user_id', 'userId')], searched: ['email'] },
  subscription: { table: 'subscriptions', columns: [text('product', 'product'), text('status', 'status')], searched: [] },
  invoice: {
    table: 'invoices',
    columns: [text('number', 'number'), text('period_start', 'periodStart'), text('issued_at', 'issuedAt'), text('status', 'status')],
    searched: [],
  },
  payment_method: { table: 'payment_methods', columns: [flag('is_default', 'isDefault')], searched: [] },
  audit_event: {
    table: 'audit_events',
    columns: [text('at', 'at'), text('entity', 'entity'), text('entity_id', 'entityId'), text('action', 'action'), text('actor_email', 'actorEmail')],
    searched: [],
  },
} as const satisfies Record<string, { table: string; columns: readonly EntityColumn[]; searched: readonly string[] }>;

/** The entity tables by synced entity name. */
export const ENTITY_TABLES = Object.fromEntries(Object.entries(ENTITY_SHAPES).map(([entity, shape]) => [entity, shape.table])) as {
  readonly [E in keyof typeof ENTITY_SHAPES]: (typeof ENTITY_SHAPES)[E]['table'];
};
