import type { Migration } from '../migrations';

/**
 * Migration 2: the filtered columns become real columns the app writes (generated columns
 * re-parsed the JSON for every index they were in), and the search indexes and role membership
 * are kept by the app's writer (cache/rows.ts) instead of triggers: an FTS5 write from a trigger
 * flushes the index at every statement, which made a bootstrap several times slower. The tables
 * are a cache, so they are made again empty and filled by a fresh bootstrap; the outbox and the
 * sync issues stay, and the queued commands are replayed over the new copy.
 * Frozen: this is the SQL every install has run. Never edit it; append a new migration.
 */
export const migration: Migration = {
  version: 2,
  name: 'written columns, search kept by the writer',
  sql: `DROP TABLE organizations_fts;
DROP TABLE organizations;
CREATE TABLE organizations (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  name TEXT,
  kind TEXT,
  parent_id TEXT,
  account_email TEXT
);
CREATE INDEX organizations_org ON organizations(org_id);
CREATE VIRTUAL TABLE organizations_fts USING fts5(name, account_email, content='organizations', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
DROP TABLE users_fts;
DROP TABLE users;
CREATE TABLE users (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  email TEXT,
  status TEXT
);
CREATE INDEX users_org ON users(org_id);
CREATE VIRTUAL TABLE users_fts USING fts5(first_name, last_name, email, content='users', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
DROP TABLE roles;
CREATE TABLE roles (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  name TEXT,
  built_in INTEGER
);
CREATE INDEX roles_org ON roles(org_id);
DROP TABLE billing_contacts_fts;
DROP TABLE billing_contacts;
CREATE TABLE billing_contacts (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  email TEXT,
  user_id TEXT
);
CREATE INDEX billing_contacts_org ON billing_contacts(org_id);
CREATE VIRTUAL TABLE billing_contacts_fts USING fts5(email, content='billing_contacts', content_rowid='rid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
DROP TABLE subscriptions;
CREATE TABLE subscriptions (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  product TEXT,
  status TEXT
);
CREATE INDEX subscriptions_org ON subscriptions(org_id);
DROP TABLE invoices;
CREATE TABLE invoices (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  number TEXT,
  period_start TEXT,
  issued_at TEXT,
  status TEXT
);
CREATE INDEX invoices_org ON invoices(org_id);
DROP TABLE payment_methods;
CREATE TABLE payment_methods (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  is_default INTEGER
);
CREATE INDEX payment_methods_org ON payment_methods(org_id);
DROP TABLE audit_events;
CREATE TABLE audit_events (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL,
  at TEXT,
  entity TEXT,
  entity_id TEXT,
  action TEXT,
  actor_email TEXT
);
CREATE INDEX audit_events_org ON audit_events(org_id);
CREATE INDEX organizations_parent ON organizations(parent_id, id);
CREATE INDEX users_org_status ON users(org_id, status);
CREATE INDEX users_last_name ON users(last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX users_email ON users(email COLLATE NOCASE);
CREATE INDEX invoices_org_period ON invoices(org_id, period_start);
CREATE INDEX audit_events_org_at ON audit_events(org_id, at);
DELETE FROM user_roles;
DELETE FROM confirmed_rows;
UPDATE sync_state SET cursor = 0, bootstrap_complete = 0, bootstrap_done = 0, bootstrap_total = NULL, schema_version = NULL WHERE id = 1;`,
};
