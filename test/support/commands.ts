import { expect } from 'vitest';
import { startTestService, type DatabaseKind, type Session, type TestService } from './service';
import { ADMIN_ROLE_KEYS } from '@shared/domain/role';
import { toSubscription } from '../../service/db/rows';

/** The demo data is built around 2026-11-01; its contracts and trials are judged from the day after. */
export const DEMO_NOW = new Date('2026-11-02T09:00:00Z');

export type Row = Record<string, unknown>;
type Response = Awaited<ReturnType<TestService['call']>>;

/** A demo service plus what the command tests ask of it: ids by name, read-backs and "nothing changed". */
export interface CommandKit {
  test: TestService;
  /** owner@northwind.example: Owner of the provider, so every permission everywhere. */
  owner: Session;
  orgId(name: string): Promise<string>;
  userId(email: string): Promise<string>;
  roleId(orgId: string, name: string): Promise<string>;
  rows(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  one(sql: string, params?: readonly unknown[]): Promise<Row>;
  /** The REST route, as the owner unless another token is given. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  /** Everything an organization holds, its audit events and its mail: to check a refusal changed nothing. */
  orgState(orgId: string): Promise<unknown>;
  /** Calls, expects the refusal (status and code), and checks nothing of the organization changed. */
  expectRefused(orgId: string, code: string, status: number, request: () => Promise<Response>): Promise<Response['body']>;
  close(): Promise<void>;
}

export async function startCommandKit(database: DatabaseKind): Promise<CommandKit> {
  const test = await startTestService({ database, now: DEMO_NOW });
  const owner = await test.signIn('owner@northwind.example');
  const rows = (sql: string, params: readonly unknown[] = []) => test.store.query<Row>(sql, params);
  const one = async (sql: string, params: readonly unknown[] = []) => {
    const [row] = await rows(sql, params);
    if (row === undefined) throw new Error(`no row for ${sql} ${JSON.stringify(params)}`);
    return row;
  };
  const orgState = async (orgId: string) => {
    const of = (table: string) => rows(`SELECT * FROM ${table} WHERE org_id = $1 ORDER BY id`, [orgId]);
    return {
      org: await of('orgs'),
      children: await rows('SELECT id FROM orgs WHERE parent_id = $1 ORDER BY id', [orgId]),
      users: await of('users'),
      roles: await of('roles'),
      contacts: await of('billing_contacts'),
      subscriptions: await of('subscriptions'),
      paymentMethods: await of('payment_methods'),
      invitations: await rows('SELECT i.* FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.org_id = $1 ORDER BY i.token_hash', [orgId]),
      audit: await of('audit_events'),
      mail: await of('mail_outbox'),
    };
  };
  const call: CommandKit['call'] = (method, path, body, token = owner.accessToken) =>
    test.call(method, path, { token, ...(body === undefined ? {} : { body }) });
  return {
    test,
    owner,
    orgId: async (name) => String((await one('SELECT id FROM orgs WHERE name = $1', [name]))['id']),
    userId: async (email) => String((await one('SELECT id FROM users WHERE email_key = lower($1)', [email]))['id']),
    roleId: async (orgId, name) => String((await one('SELECT id FROM roles WHERE org_id = $1 AND name = $2', [orgId, name]))['id']),
    rows,
    one,
    call,
    orgState,
    async expectRefused(orgId, code, status, request) {
      const before = await orgState(orgId);
      const response = await request();
      expect(response.body?.error?.code, JSON.stringify(response.body)).toBe(code);
      expect(response.status).toBe(status);
      expect(await orgState(orgId)).toEqual(before);
      return response.body;
    },
    close: () => test.close(),
  };
}

/** The active users of an organization holding Owner or Administrator. */
export async function activeAdmins(kit: CommandKit, orgId: string): Promise<Row[]> {
  return kit.rows(
    `SELECT u.* FROM users u WHERE u.org_id = $1 AND u.status = 'active'
       AND EXISTS (SELECT 1 FROM roles r WHERE r.id = ANY (u.role_ids) AND r.built_in_key = ANY ($2::text[]))
     ORDER BY u.email`,
    [orgId, ADMIN_ROLE_KEYS],
  );
}

/** Lets a user sign in with the demo password (users made by commands get a random one). */
export async function giveDemoPassword(kit: CommandKit, userId: string): Promise<void> {
  await kit.test.store.query(
    "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email_key = 'owner@northwind.example') WHERE id = $1",
    [userId],
  );
}

/** The audit events of one entity, oldest first. */
export function auditOf(kit: CommandKit, entityId: string): Promise<Row[]> {
  return kit.rows('SELECT * FROM audit_events WHERE entity_id = $1 ORDER BY at, seq', [entityId]);
}

/** A demo subscription by organization and product: its ids, its API path, and a fresh read of its row. */
export async function demoSubscription(kit: CommandKit, orgName: string, product: string) {
  const orgId = await kit.orgId(orgName);
  const row = await kit.one('SELECT id FROM subscriptions WHERE org_id = $1 AND product = $2', [orgId, product]);
  const id = String(row['id']);
  const path = `/v1/orgs/${orgId}/subscriptions/${id}`;
  const read = async () => toSubscription(await kit.one('SELECT * FROM subscriptions WHERE id = $1', [id]));
  return { orgId, id, path, read };
}

/** The subscription-change mail queued for an organization's contacts, oldest first. */
export function subscriptionChangeMail(kit: CommandKit, orgId: string): Promise<Row[]> {
  return kit.rows("SELECT * FROM mail_outbox WHERE org_id = $1 AND kind = 'subscription_change' ORDER BY created_at, id", [orgId]);
}
