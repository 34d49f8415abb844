/**
 * Test fixture, not a migration: the generator that made the cache migrations until they were
 * frozen as literal SQL (electron/core/db/migrations.ts as of commit 67eca7f), kept verbatim with
 * its own copy of the entity shapes. migrations.test.ts builds caches with it, as installs made
 * them, and checks that the frozen files are byte for byte what it produced and that such caches
 * upgrade to the schema a fresh install gets. Never edit it.
 */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

const json = (table: string, columns: Record<string, string>) =>
  Object.entries(columns)
    .map(([column, path]) => `${column} ANY GENERATED ALWAYS AS (json_extract(data, '$.${path}')) VIRTUAL`)
    .join(',\n  ')
    .replace(/^/, `-- ${table}\n  `);

function entityTable(table: string, columns: Record<string, string>): string {
  // rid: a stable rowid for the external-content search indexes (a VACUUM may renumber implicit ones).
  return `CREATE TABLE ${table} (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  ${json(table, columns)}
);
CREATE INDEX ${table}_org ON ${table}(org_id);`;
}

/** An FTS5 index over a table's generated columns, kept current by triggers. */
function searchIndex(table: string, columns: string[]): string {
  const list = columns.join(', ');
  const values = (row: string) => columns.map((c) => `${row}.${c}`).join(', ');
  // Most updates (status, roles, versions) leave the searched text alone: skip the index then.
  const changed = columns.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');
  return `CREATE VIRTUAL TABLE ${table}_fts USING fts5(${list}, content='${table}', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER ${table}_fts_insert AFTER INSERT ON ${table} BEGIN
  INSERT INTO ${table}_fts(rowid, ${list}) VALUES (new.rowid, ${values('new')});
END;
CREATE TRIGGER ${table}_fts_delete AFTER DELETE ON ${table} BEGIN
  INSERT INTO ${table}_fts(${table}_fts, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});
END;
CREATE TRIGGER ${table}_fts_update AFTER UPDATE OF data ON ${table} WHEN ${changed} BEGIN
  INSERT INTO ${table}_fts(${table}_fts, rowid, ${list}) VALUES ('delete', old.rowid, ${values('old')});
  INSERT INTO ${table}_fts(rowid, ${list}) VALUES (new.rowid, ${values('new')});
END;`;
}

const initial = [
  entityTable('organizations', {
    name: 'name',
    kind: 'kind',
    parent_id: 'parentId',
    account_email: 'accountEmail',
  }),
  'CREATE INDEX organizations_parent ON organizations(parent_id, id);',
  searchIndex('organizations', ['name', 'account_email']),
  entityTable('users', {
    first_name: 'firstName',
    last_name: 'lastName',
    email: 'email',
    status: 'status',
  }),
  'CREATE INDEX users_org_status ON users(org_id, status);',
  'CREATE INDEX users_last_name ON users(last_name COLLATE NOCASE, first_name COLLATE NOCASE);',
  'CREATE INDEX users_email ON users(email COLLATE NOCASE);',
  searchIndex('users', ['first_name', 'last_name', 'email']),
  // Role membership, kept by triggers so "users with role X" and member counts are index reads.
  `CREATE TABLE user_roles (
  user_id TEXT NOT NULL,
  role_id TEXT NOT NULL,
  PRIMARY KEY (role_id, user_id)
) WITHOUT ROWID;
CREATE INDEX user_roles_user ON user_roles(user_id);
CREATE TRIGGER users_roles_insert AFTER INSERT ON users BEGIN
  INSERT INTO user_roles(user_id, role_id) SELECT new.id, value FROM json_each(new.data, '$.roleIds');
END;
CREATE TRIGGER users_roles_update AFTER UPDATE OF data ON users
  WHEN json_extract(old.data, '$.roleIds') IS NOT json_extract(new.data, '$.roleIds') BEGIN
  DELETE FROM user_roles WHERE user_id = old.id;
  INSERT INTO user_roles(user_id, role_id) SELECT new.id, value FROM json_each(new.data, '$.roleIds');
END;
CREATE TRIGGER users_roles_delete AFTER DELETE ON users BEGIN
  DELETE FROM user_roles WHERE user_id = old.id;
END;`,
  entityTable('roles', { name: 'name', built_in: 'builtIn' }),
  entityTable('billing_contacts', { email: 'email', user_id: 'userId' }),
  searchIndex('billing_contacts', ['email']),
  entityTable('subscriptions', { product: 'product', status: 'status' }),
  entityTable('invoices', { number: 'number', period_start: 'periodStart', issued_at: 'issuedAt', status: 'status' }),
  'CREATE INDEX invoices_org_period ON invoices(org_id, period_start);',
  entityTable('payment_methods', { is_default: 'isDefault' }),
  entityTable('audit_events', { at: 'at', entity: 'entity', entity_id: 'entityId', action: 'action', actor_email: 'actorEmail' }),
  'CREATE INDEX audit_events_org_at ON audit_events(org_id, at);',
  `-- The confirmed copy of a row that pending commands have changed in the view. data NULL: the
-- row does not exist on the service (created offline, or deleted there).
CREATE TABLE confirmed_rows (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  version INTEGER,
  data TEXT CHECK (data IS NULL OR json_valid(data)),
  PRIMARY KEY (entity, id)
);`,
  `-- Commands waiting to be pushed, in mutation id order. Written with synchronous=FULL.
CREATE TABLE outbox (
  mutation_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args)),
  entity TEXT NOT NULL,
  entity_id TEXT,
  org_id TEXT NOT NULL,
  base_version INTEGER,
  batch_id TEXT,
  queued_at TEXT NOT NULL
);
CREATE INDEX outbox_batch ON outbox(batch_id) WHERE batch_id IS NOT NULL;`,
  `-- One row: where this cache stands with the service.
CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  client_id TEXT NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0,
  last_mutation_id INTEGER NOT NULL DEFAULT 0,
  next_mutation_id INTEGER NOT NULL DEFAULT 1,
  schema_version INTEGER,
  scope TEXT,
  bootstrap_complete INTEGER NOT NULL DEFAULT 0,
  bootstrap_done INTEGER NOT NULL DEFAULT 0,
  bootstrap_total INTEGER,
  last_synced_at TEXT
);`,
  `-- Conflicts and rejections, kept until the admin resolves them. Nothing is dropped silently.
CREATE TABLE sync_issues (
  id INTEGER PRIMARY KEY,
  mutation_id INTEGER NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('conflict', 'rejected')),
  command_name TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args)),
  entity TEXT NOT NULL,
  entity_id TEXT,
  org_id TEXT NOT NULL,
  code TEXT,
  message TEXT,
  base TEXT,
  mine TEXT,
  theirs TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT CHECK (resolution IN ('keep_mine', 'take_theirs'))
);
CREATE INDEX sync_issues_open ON sync_issues(resolved_at) WHERE resolved_at IS NULL;`,
  `-- Small values: the signed-in user's /v1/me answer, the permission catalogue.
CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
);`,
].join('\n');

/** A column an entity table keeps beside its JSON, written by the app from the entity's field. */
interface EntityColumn {
  name: string;
  field: string;
  type: 'TEXT' | 'INTEGER';
}

const text = (name: string, field: string): EntityColumn => ({ name, field, type: 'TEXT' });
const flag = (name: string, field: string): EntityColumn => ({ name, field, type: 'INTEGER' });

/**
 * The entity tables as migration 2 made them: the columns screens filter, sort and search on,
 * and which of them the search index covers. Changing either needs a new migration.
 */
const ENTITY_SHAPES = {
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

/**
 * Migration 2: the filtered columns become real columns the app writes (generated columns
 * re-parsed the JSON for every index they were in), and the search indexes and role membership
 * are kept by the app's writer (cache/rows.ts) instead of triggers: an FTS5 write from a trigger
 * flushes the index at every statement, which made a bootstrap several times slower. The tables
 * are a cache, so they are made again empty and filled by a fresh bootstrap; the outbox and the
 * sync issues stay, and the queued commands are replayed over the new copy.
 */
function rebuiltEntityTables(): string {
  const statements: string[] = [];
  for (const shape of Object.values(ENTITY_SHAPES)) {
    if (shape.searched.length > 0) statements.push(`DROP TABLE ${shape.table}_fts;`);
    statements.push(`DROP TABLE ${shape.table};`);
    const columns = shape.columns.map((c) => `${c.name} ${c.type}`).join(',\n  ');
    statements.push(`CREATE TABLE ${shape.table} (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  ${columns}
);
CREATE INDEX ${shape.table}_org ON ${shape.table}(org_id);`);
    if (shape.searched.length > 0) {
      statements.push(
        `CREATE VIRTUAL TABLE ${shape.table}_fts USING fts5(${shape.searched.join(', ')}, content='${shape.table}', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');`,
      );
    }
  }
  return [
    ...statements,
    'CREATE INDEX organizations_parent ON organizations(parent_id, id);',
    'CREATE INDEX users_org_status ON users(org_id, status);',
    'CREATE INDEX users_last_name ON users(last_name COLLATE NOCASE, first_name COLLATE NOCASE);',
    'CREATE INDEX users_email ON users(email COLLATE NOCASE);',
    'CREATE INDEX invoices_org_period ON invoices(org_id, period_start);',
    'CREATE INDEX audit_events_org_at ON audit_events(org_id, at);',
    'DELETE FROM user_roles;',
    'DELETE FROM confirmed_rows;',
    `UPDATE sync_state SET cursor = 0, bootstrap_complete = 0, bootstrap_done = 0, bootstrap_total = NULL, schema_version = NULL WHERE id = 1;`,
  ].join('\n');
}

export const GENERATED_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial cache', sql: initial },
  { version: 2, name: 'written columns, search kept by the writer', sql: rebuiltEntityTables() },
  {
    version: 3,
    name: 'outbox: queued offline or not',
    // Commands queued before this column existed keep the label every push had then: offline.
    sql: 'ALTER TABLE outbox ADD COLUMN queued_offline INTEGER NOT NULL DEFAULT 1 CHECK (queued_offline IN (0, 1));',
  },
];
