import type { Migration } from '../migrations';

/**
 * Migration 1: the first cache. Entity tables keep the wire entity as JSON in `data` with
 * generated columns for what screens filter, sort and search on; FTS5 indexes and role
 * membership kept by triggers; the confirmed copies, the outbox, sync_state, sync_issues, kv.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial cache',
  sql: `CREATE TABLE organizations (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- organizations
  name ANY GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  kind ANY GENERATED ALWAYS AS (json_extract(data, '$.kind')) VIRTUAL,
  parent_id ANY GENERATED ALWAYS AS (json_extract(data, '$.parentId')) VIRTUAL,
  account_email ANY GENERATED ALWAYS AS (json_extract(data, '$.accountEmail')) VIRTUAL
);
CREATE INDEX organizations_org ON organizations(org_id);
CREATE INDEX organizations_parent ON organizations(parent_id, id);
CREATE VIRTUAL TABLE organizations_fts USING fts5(name, account_email, content='organizations', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations BEGIN
  INSERT INTO organizations_fts(rowid, name, account_email) VALUES (new.rowid, new.name, new.account_email);
END;
CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations BEGIN
  INSERT INTO organizations_fts(organizations_fts, rowid, name, account_email) VALUES ('delete', old.rowid, old.name, old.account_email);
END;
CREATE TRIGGER organizations_fts_update AFTER UPDATE OF data ON organizations WHEN old.name IS NOT new.name OR old.account_email IS NOT new.account_email BEGIN
  INSERT INTO organizations_fts(organizations_fts, rowid, name, account_email) VALUES ('delete', old.rowid, old.name, old.account_email);
  INSERT INTO organizations_fts(rowid, name, account_email) VALUES (new.rowid, new.name, new.account_email);
END;
CREATE TABLE users (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- users
  first_name ANY GENERATED ALWAYS AS (json_extract(data, '$.firstName')) VIRTUAL,
  last_name ANY GENERATED ALWAYS AS (json_extract(data, '$.lastName')) VIRTUAL,
  email ANY GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL,
  status ANY GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL
);
CREATE INDEX users_org ON users(org_id);
CREATE INDEX users_org_status ON users(org_id, status);
CREATE INDEX users_last_name ON users(last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX users_email ON users(email COLLATE NOCASE);
CREATE VIRTUAL TABLE users_fts USING fts5(first_name, last_name, email, content='users', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
  INSERT INTO users_fts(rowid, first_name, last_name, email) VALUES (new.rowid, new.first_name, new.last_name, new.email);
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
  INSERT INTO users_fts(users_fts, rowid, first_name, last_name, email) VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email);
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF data ON users WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name OR old.email IS NOT new.email BEGIN
  INSERT INTO users_fts(users_fts, rowid, first_name, last_name, email) VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email);
  INSERT INTO users_fts(rowid, first_name, last_name, email) VALUES (new.rowid, new.first_name, new.last_name, new.email);
END;
CREATE TABLE user_roles (
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
END;
CREATE TABLE roles (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- roles
  name ANY GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
  built_in ANY GENERATED ALWAYS AS (json_extract(data, '$.builtIn')) VIRTUAL
);
CREATE INDEX roles_org ON roles(org_id);
CREATE TABLE billing_contacts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- billing_contacts
  email ANY GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL,
  user_id ANY GENERATED ALWAYS AS (json_extract(data, '$.userId')) VIRTUAL
);
CREATE INDEX billing_contacts_org ON billing_contacts(org_id);
CREATE VIRTUAL TABLE billing_contacts_fts USING fts5(email, content='billing_contacts', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
CREATE TRIGGER billing_contacts_fts_insert AFTER INSERT ON billing_contacts BEGIN
  INSERT INTO billing_contacts_fts(rowid, email) VALUES (new.rowid, new.email);
END;
CREATE TRIGGER billing_contacts_fts_delete AFTER DELETE ON billing_contacts BEGIN
  INSERT INTO billing_contacts_fts(billing_contacts_fts, rowid, email) VALUES ('delete', old.rowid, old.email);
END;
CREATE TRIGGER billing_contacts_fts_update AFTER UPDATE OF data ON billing_contacts WHEN old.email IS NOT new.email BEGIN
  INSERT INTO billing_contacts_fts(billing_contacts_fts, rowid, email) VALUES ('delete', old.rowid, old.email);
  INSERT INTO billing_contacts_fts(rowid, email) VALUES (new.rowid, new.email);
END;
CREATE TABLE subscriptions (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- subscriptions
  product ANY GENERATED ALWAYS AS (json_extract(data, '$.product')) VIRTUAL,
  status ANY GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL
);
CREATE INDEX subscriptions_org ON subscriptions(org_id);
CREATE TABLE invoices (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- invoices
  number ANY GENERATED ALWAYS AS (json_extract(data, '$.number')) VIRTUAL,
  period_start ANY GENERATED ALWAYS AS (json_extract(data, '$.periodStart')) VIRTUAL,
  issued_at ANY GENERATED ALWAYS AS (json_extract(data, '$.issuedAt')) VIRTUAL,
  status ANY GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL
);
CREATE INDEX invoices_org ON invoices(org_id);
CREATE INDEX invoices_org_period ON invoices(org_id, period_start);
CREATE TABLE payment_methods (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- payment_methods
  is_default ANY GENERATED ALWAYS AS (json_extract(data, '$.isDefault')) VIRTUAL
);
CREATE INDEX payment_methods_org ON payment_methods(org_id);
CREATE TABLE audit_events (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  -- audit_events
  at ANY GENERATED ALWAYS AS (json_extract(data, '$.at')) VIRTUAL,
  entity ANY GENERATED ALWAYS AS (json_extract(data, '$.entity')) VIRTUAL,
  entity_id ANY GENERATED ALWAYS AS (json_extract(data, '$.entityId')) VIRTUAL,
  action ANY GENERATED ALWAYS AS (json_extract(data, '$.action')) VIRTUAL,
  actor_email ANY GENERATED ALWAYS AS (json_extract(data, '$.actorEmail')) VIRTUAL
);
CREATE INDEX audit_events_org ON audit_events(org_id);
CREATE INDEX audit_events_org_at ON audit_events(org_id, at);
-- The confirmed copy of a row that pending commands have changed in the view. data NULL: the
-- row does not exist on the service (created offline, or deleted there).
CREATE TABLE confirmed_rows (
  entity TEXT NOT NULL,
  id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  version INTEGER,
  data TEXT CHECK (data IS NULL OR json_valid(data)),
  PRIMARY KEY (entity, id)
);
-- Commands waiting to be pushed, in mutation id order. Written with synchronous=FULL.
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
CREATE INDEX outbox_batch ON outbox(batch_id) WHERE batch_id IS NOT NULL;
-- One row: where this cache stands with the service.
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
);
-- Conflicts and rejections, kept until the admin resolves them. Nothing is dropped silently.
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
CREATE INDEX sync_issues_open ON sync_issues(resolved_at) WHERE resolved_at IS NULL;
-- Small values: the signed-in user's /v1/me answer, the permission catalogue.
CREATE TABLE kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
);`,
};
