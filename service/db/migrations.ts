/**
 * Numbered migrations, applied at start in one transaction. Never edit a released one: add
 * the next number. Synced tables get `seq` from one sequence on every insert and update (a
 * trigger), and a tombstone on delete, which is what /v1/sync/pull reads.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const SYNCED_TABLES = ['orgs', 'users', 'roles', 'billing_contacts', 'subscriptions', 'invoices', 'payment_methods', 'audit_events'];

const changeTracking = SYNCED_TABLES.map(
  (table) => `
CREATE TRIGGER ${table}_seq BEFORE INSERT OR UPDATE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION next_change_seq();
CREATE TRIGGER ${table}_tombstone AFTER DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION record_tombstone('${table}');
CREATE INDEX ${table}_seq_idx ON ${table} (seq);`,
).join('\n');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE SEQUENCE change_seq;

CREATE FUNCTION next_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := nextval('change_seq');
  RETURN NEW;
END $$;

CREATE TABLE tombstones (
  seq bigint PRIMARY KEY DEFAULT nextval('change_seq'),
  entity_table text NOT NULL,
  id uuid NOT NULL,
  org_id uuid NOT NULL,
  version integer NOT NULL
);

CREATE FUNCTION record_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tombstones (entity_table, id, org_id, version) VALUES (TG_ARGV[0], OLD.id, OLD.org_id, OLD.version + 1);
  RETURN OLD;
END $$;

CREATE TABLE orgs (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL,            -- equals id: an organization belongs to itself
  parent_id uuid REFERENCES orgs (id),
  kind text NOT NULL CHECK (kind IN ('provider', 'reseller', 'customer')),
  name text NOT NULL,
  account_email text NOT NULL,
  billing_email text,
  vat_number text,
  billing_address jsonb,
  shipping_address jsonb,
  primary_contact_user_id uuid,
  tax_rate integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL
);
CREATE INDEX orgs_parent_idx ON orgs (parent_id);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text NOT NULL,
  email_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'active', 'deactivated')),
  role_ids uuid[] NOT NULL DEFAULT '{}',
  permissions text[] NOT NULL DEFAULT '{}',
  last_active_at timestamptz,
  password_hash text,
  must_reset_password boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL,
  UNIQUE (org_id, email_key)
);
CREATE INDEX users_email_key_idx ON users (email_key);

CREATE TABLE roles (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  name text NOT NULL,
  name_key text NOT NULL,
  description text NOT NULL DEFAULT '',
  permissions text[] NOT NULL DEFAULT '{}',
  built_in boolean NOT NULL DEFAULT false,
  built_in_key text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL,
  UNIQUE (org_id, name_key),
  UNIQUE (org_id, built_in_key)
);

CREATE TABLE billing_contacts (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  email text NOT NULL,
  user_id uuid,
  kinds text[] NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL
);
CREATE INDEX billing_contacts_org_idx ON billing_contacts (org_id);

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  product text NOT NULL,
  plan text NOT NULL,
  basis text NOT NULL CHECK (basis IN ('per_active_user', 'fixed_quantity')),
  quantity integer NOT NULL,
  unit_price bigint NOT NULL,
  currency char(3) NOT NULL,
  interval text NOT NULL CHECK (interval IN ('monthly', 'annual')),
  contract_end timestamptz,
  trial_end timestamptz,
  cancel_at timestamptz,
  license_key text NOT NULL,
  environment_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('trial', 'active', 'cancel_scheduled', 'cancelled')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL
);
CREATE INDEX subscriptions_org_idx ON subscriptions (org_id);

CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  number text NOT NULL UNIQUE,
  period_start date NOT NULL,
  period_end date NOT NULL,
  issued_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'paid', 'void', 'overdue')),
  currency char(3) NOT NULL,
  subtotal bigint NOT NULL,
  tax bigint NOT NULL,
  total bigint NOT NULL,
  lines jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL,
  UNIQUE (org_id, period_start, period_end, currency)
);

CREATE TABLE payment_methods (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  type text NOT NULL CHECK (type IN ('card', 'sepa_debit', 'ideal')),
  brand text NOT NULL,
  last4 char(4) NOT NULL,
  exp_month integer,
  exp_year integer,
  is_default boolean NOT NULL DEFAULT false,
  processor_ref text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL
);
CREATE INDEX payment_methods_org_idx ON payment_methods (org_id);

CREATE TABLE audit_events (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  actor_user_id uuid,
  actor_email text NOT NULL,
  entity text NOT NULL,
  entity_id uuid NOT NULL,
  action text NOT NULL,
  before jsonb,
  after jsonb,
  at timestamptz NOT NULL,
  origin jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  seq bigint NOT NULL
);
CREATE INDEX audit_events_org_idx ON audit_events (org_id, at DESC);

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE invitations (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL
);

CREATE TABLE sync_clients (
  client_id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  last_mutation_id integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL
);

CREATE TABLE sync_mutations (
  client_id uuid NOT NULL,
  mutation_id integer NOT NULL,
  payload_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'conflict', 'rejected')),
  code text,
  message text,
  current jsonb,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY,
  org_id uuid,
  recipient text NOT NULL,
  kind text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX mail_outbox_recipient_idx ON mail_outbox (lower(recipient));

CREATE TABLE billing_runs (
  as_of date PRIMARY KEY,
  ran_at timestamptz NOT NULL,
  invoices_issued integer NOT NULL
);
${changeTracking}
`,
  },
  {
    // Refresh-token grace window (service/auth/tokens.ts): who rotated a token, and its successor
    // sealed under a key only the rotated token opens, so a lost answer can be answered again.
    version: 2,
    name: 'refresh_token_grace',
    sql: `
ALTER TABLE refresh_tokens ADD COLUMN rotated_by_client uuid;
ALTER TABLE refresh_tokens ADD COLUMN successor_id uuid;
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed text;
`,
  },
  {
    // Mail delivery (service/mail/worker.ts): each outbox row's state, attempts and last error. While
    // 'sending', next_attempt_at is the end of the worker's lease: past it, another worker may retry.
    version: 3,
    name: 'mail_delivery',
    sql: `
ALTER TABLE mail_outbox ADD COLUMN state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'dead'));
ALTER TABLE mail_outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE mail_outbox ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE mail_outbox ADD COLUMN last_error text;
UPDATE mail_outbox SET state = 'sent' WHERE sent_at IS NOT NULL;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE state IN ('queued', 'sending');
`,
  },
  {
    // The login limiter shared by every instance on PostgreSQL (service/auth/rate-limit-postgres.ts):
    // one row per key of a kind; times in milliseconds of the service clock. A row is pruned once
    // past expires_ms, and each kind is trimmed to the least recently touched over its cap.
    version: 4,
    name: 'login_limits',
    sql: `
CREATE TABLE login_limits (
  kind text NOT NULL CHECK (kind IN ('pair', 'account', 'address', 'trusted')),
  key text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  in_flight integer NOT NULL DEFAULT 0,
  last_failure_ms bigint NOT NULL,
  last_begin_ms bigint NOT NULL,
  touched_ms bigint NOT NULL,
  expires_ms bigint NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX login_limits_expires_idx ON login_limits (expires_ms);
CREATE INDEX login_limits_touched_idx ON login_limits (kind, touched_ms);
`,
  },
  {
    // The billing lifecycle scheduler (service/lifecycle/): each step it makes claims a row first
    // (a trial ending, a cancellation taking effect, an invoice turning overdue, a payment reminder
    // to one recipient), keyed by its subject and the instant it was due, so no run, and no two
    // instances at once, makes one twice. The indexes serve what every tick looks for.
    version: 5,
    name: 'lifecycle_steps',
    sql: `
CREATE TABLE lifecycle_steps (
  subject_id uuid NOT NULL,
  step text NOT NULL,
  due_at timestamptz NOT NULL,
  recipient_key text NOT NULL DEFAULT '',
  done_at timestamptz NOT NULL,
  PRIMARY KEY (subject_id, step, due_at, recipient_key)
);
CREATE INDEX invoices_open_due_idx ON invoices (due_at) WHERE status = 'open';
CREATE INDEX subscriptions_lifecycle_idx ON subscriptions (status) WHERE status IN ('trial', 'cancel_scheduled');
`,
  },
  {
    // Whether an address is already a contact of an organization (every new contact asks, one at
    // a time or a run at once) read every contact of that organization through the org_id index:
    // a provider that had added 10,000 contacts paid 10,000 rows per new one, so a push of 100
    // cost 19 ms of PostgreSQL at first and 45 ms a minute later. The index on (org_id,
    // lower(email)) answers it in one probe and serves everything the org_id one did.
    version: 6,
    name: 'billing_contacts_org_email',
    sql: `
CREATE INDEX billing_contacts_org_email_idx ON billing_contacts (org_id, lower(email));
DROP INDEX billing_contacts_org_idx;
`,
  },
  {
    // Each synced row keeps its wire JSON (db/stored-wire.ts), written by its change trigger on
    // every insert and update: pulls, GET users and GET invoices read it as it is. Writing it at
    // read time was half of PostgreSQL's work for a pull page. The triggers, and the shapes they
    // write, are installed after the migrations (their SQL follows wire-sql.ts, so they are not
    // frozen here); wire_shapes records which shape each table's rows hold.
    version: 7,
    name: 'stored_wire',
    sql: `
${SYNCED_TABLES.map((table) => `ALTER TABLE ${table} ADD COLUMN wire text;`).join('\n')}
CREATE TABLE wire_shapes (
  entity_table text PRIMARY KEY,
  shape_hash text NOT NULL
);
`,
  },
];

/** The schema version from which synced rows have their stored wire JSON (stored-wire.ts). */
export const STORED_WIRE_VERSION = 7;
